#include "vsphere/vim_calls.hpp"

#include <fmt/core.h>

namespace vscsi::vsphere {

namespace {

std::string text_xml(std::string_view element, std::string_view value) {
    std::string out;
    out.append("<").append(element).append(">").append(markup_escape(value));
    out.append("</").append(element).append(">");
    return out;
}

ParseError missing(const std::string& source, const XmlElement& at, std::string field) {
    return ParseError{source, at.line, std::move(field), "missing from the server's reply"};
}

}  // namespace

const XmlElement* ObjectContent::value(std::string_view path) const {
    for (const auto& p : props)
        if (p.child_text("name") == path) return p.child("val");
    return nullptr;
}

std::string retrieve_service_content_body() {
    return "<RetrieveServiceContent>" + moref_xml("_this", {"ServiceInstance", "ServiceInstance"}) +
           "</RetrieveServiceContent>";
}

Decoded<ServiceContent> decode_service_content(const XmlElement& response,
                                               const std::string& source) {
    const auto* rv = response.child("returnval");
    if (!rv) return missing(source, response, "returnval");
    ServiceContent sc;
    struct Wanted {
        const char* name;
        MoRef* into;
    };
    for (auto [name, into] :
         {Wanted{"rootFolder", &sc.root_folder},
          Wanted{"propertyCollector", &sc.property_collector},
          Wanted{"viewManager", &sc.view_manager}, Wanted{"sessionManager", &sc.session_manager},
          Wanted{"perfManager", &sc.perf_manager}}) {
        const auto* e = rv->child(name);
        if (!e || e->text.empty()) return missing(source, *rv, name);
        *into = moref_of(*e);
    }
    if (const auto* about = rv->child("about")) {
        sc.api_type = about->child_text("apiType");
        sc.full_name = about->child_text("fullName");
        sc.api_version = about->child_text("apiVersion");
    }
    return sc;
}

std::string login_body(const MoRef& session_manager, std::string_view user,
                       std::string_view password) {
    return "<Login>" + moref_xml("_this", session_manager) + text_xml("userName", user) +
           text_xml("password", password) + "</Login>";
}

std::string logout_body(const MoRef& session_manager) {
    return "<Logout>" + moref_xml("_this", session_manager) + "</Logout>";
}

std::string create_container_view_body(const MoRef& view_manager, const MoRef& container,
                                       const std::vector<std::string>& types) {
    std::string out = "<CreateContainerView>" + moref_xml("_this", view_manager) +
                      moref_xml("container", container);
    for (const auto& t : types) out += text_xml("type", t);
    out += "<recursive>true</recursive></CreateContainerView>";
    return out;
}

Decoded<MoRef> decode_returned_moref(const XmlElement& response, const std::string& source) {
    const auto* rv = response.child("returnval");
    if (!rv || rv->text.empty()) return missing(source, response, "returnval");
    return moref_of(*rv);
}

std::string destroy_view_body(const MoRef& view) {
    return "<DestroyView>" + moref_xml("_this", view) + "</DestroyView>";
}

std::string retrieve_view_properties_body(const MoRef& collector, const MoRef& view,
                                          const std::vector<PropertySpec>& specs, int max_objects) {
    std::string out = "<RetrievePropertiesEx>" + moref_xml("_this", collector) + "<specSet>";
    for (const auto& s : specs) {
        out += "<propSet>" + text_xml("type", s.type);
        for (const auto& p : s.paths) out += text_xml("pathSet", p);
        out += "</propSet>";
    }
    out += "<objectSet>" + moref_xml("obj", view) +
           R"(<skip>true</skip><selectSet xsi:type="TraversalSpec"><type>ContainerView</type>)"
           "<path>view</path><skip>false</skip></selectSet></objectSet></specSet>";
    out += fmt::format("<options><maxObjects>{}</maxObjects></options></RetrievePropertiesEx>",
                       max_objects);
    return out;
}

std::string retrieve_object_properties_body(const MoRef& collector, const MoRef& object,
                                            const std::vector<std::string>& paths) {
    std::string out = "<RetrievePropertiesEx>" + moref_xml("_this", collector) +
                      "<specSet><propSet>" + text_xml("type", object.type);
    for (const auto& p : paths) out += text_xml("pathSet", p);
    out += "</propSet><objectSet>" + moref_xml("obj", object) +
           "</objectSet></specSet><options/></RetrievePropertiesEx>";
    return out;
}

std::string continue_retrieve_body(const MoRef& collector, std::string_view token) {
    return "<ContinueRetrievePropertiesEx>" + moref_xml("_this", collector) +
           text_xml("token", token) + "</ContinueRetrievePropertiesEx>";
}

Decoded<ObjectPage> decode_object_page(XmlElement&& response, const std::string& source) {
    ObjectPage page;
    auto* rv = response.children.empty() ? nullptr : &response.children.front();
    if (!rv) return page;  // nothing matched: the server returns no returnval
    if (rv->name != "returnval")
        return ParseError{source, rv->line, "returnval", "expected, not <" + rv->name + ">"};
    for (auto& c : rv->children) {
        if (c.name == "token") {
            page.token = c.text;
        } else if (c.name == "objects") {
            ObjectContent oc;
            const auto* obj = c.child("obj");
            if (!obj || obj->text.empty()) return missing(source, c, "objects/obj");
            oc.obj = moref_of(*obj);
            for (auto& p : c.children)
                if (p.name == "propSet") oc.props.push_back(std::move(p));
            page.objects.push_back(std::move(oc));
        }
    }
    return page;
}

std::string query_perf_body(const MoRef& perf_manager, const std::vector<PerfQuery>& queries) {
    std::string out = "<QueryPerf>" + moref_xml("_this", perf_manager);
    for (const auto& q : queries) {
        out += "<querySpec>" + moref_xml("entity", q.entity);
        out += fmt::format("<maxSample>{}</maxSample>", q.max_samples);
        for (auto id : q.counter_ids)
            out += fmt::format("<metricId><counterId>{}</counterId>{}</metricId>", id,
                               text_xml("instance", q.instance));
        out += fmt::format("<intervalId>{}</intervalId></querySpec>", q.interval_id);
    }
    out += "</QueryPerf>";
    return out;
}

}  // namespace vscsi::vsphere
