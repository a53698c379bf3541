#include "vsphere/soap_message.hpp"

namespace vscsi::vsphere {

MoRef moref_of(const XmlElement& e) {
    const auto* type = e.attribute("type");
    return MoRef{type ? *type : std::string(), e.text};
}

std::string moref_xml(std::string_view element, const MoRef& ref) {
    std::string out;
    out.append("<")
        .append(element)
        .append(" type=\"")
        .append(markup_escape(ref.type))
        .append("\">");
    out.append(markup_escape(ref.value)).append("</").append(element).append(">");
    return out;
}

std::string soap_envelope(std::string_view body) {
    std::string out =
        R"(<?xml version="1.0" encoding="UTF-8"?>)"
        R"(<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" )"
        R"(xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns="urn:vim25"><soapenv:Body>)";
    out.append(body);
    out.append("</soapenv:Body></soapenv:Envelope>");
    return out;
}

boost::system::result<SoapReply, ParseError> read_soap_reply(std::string_view text,
                                                             const std::string& source,
                                                             const XmlLimits& limits) {
    auto doc = parse_xml(text, source, limits);
    if (!doc) return doc.error();
    auto& root = *doc;
    if (root.name != "Envelope" || root.ns != kSoapNamespace)
        return ParseError{source, root.line, "Envelope",
                          "the reply is <" + root.name + ">, not a SOAP envelope"};
    XmlElement* body = nullptr;
    for (auto& c : root.children)
        if (c.name == "Body" && c.ns == kSoapNamespace) body = &c;
    if (!body) return ParseError{source, root.line, "Body", "the SOAP envelope has no Body"};
    if (body->children.empty())
        return ParseError{source, body->line, "Body", "the SOAP body is empty"};
    auto& first = body->children.front();
    if (first.name == "Fault" && first.ns == kSoapNamespace) {
        VimFault f;
        f.message = first.child_text("faultstring");
        if (const auto* detail = first.child("detail"); detail && !detail->children.empty()) {
            const auto& d = detail->children.front();
            f.type = d.xsi_type();
            // Without xsi:type the element's name says it: <InvalidLoginFault>.
            if (f.type.empty()) {
                f.type = d.name;
                if (f.type.size() > 5 && f.type.ends_with("Fault"))
                    f.type.resize(f.type.size() - 5);
            }
        }
        if (f.type.empty()) f.type = first.child_text("faultcode");
        return SoapReply(std::move(f));
    }
    return SoapReply(std::move(first));
}

}  // namespace vscsi::vsphere
