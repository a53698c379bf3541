#include "vsphere/xml_tree.hpp"

#include <expat.h>

#include <charconv>
#include <memory>

namespace vscsi::vsphere {

namespace {

// Expat joins a name's namespace URI and local part with this separator.
constexpr char kSeparator = '\x01';

void split_name(const XML_Char* raw, std::string& ns, std::string& local) {
    std::string_view name(raw);
    const auto at = name.find(kSeparator);
    if (at == std::string_view::npos) {
        ns.clear();
        local = name;
    } else {
        ns = name.substr(0, at);
        local = name.substr(at + 1);
    }
}

struct Builder {
    XML_Parser parser = nullptr;
    const XmlLimits* limits = nullptr;
    std::vector<XmlElement*> open;  // the path from the root to the element being read
    XmlElement root;
    bool have_root = false;
    std::size_t elements = 0;
    std::string refusal;  // why the builder stopped the parser, when it did

    void stop(std::string why) {
        refusal = std::move(why);
        XML_StopParser(parser, XML_FALSE);
    }
};

void on_start(void* data, const XML_Char* name, const XML_Char** attrs) {
    auto& b = *static_cast<Builder*>(data);
    if (!b.refusal.empty()) return;
    if (++b.elements > b.limits->max_elements)
        return b.stop("more elements than a vSphere reply has");
    if (b.open.size() >= b.limits->max_depth)
        return b.stop("elements nested deeper than a vSphere reply has");
    XmlElement* e = nullptr;
    if (b.open.empty()) {
        if (b.have_root) return b.stop("a second root element");
        b.have_root = true;
        e = &b.root;
    } else {
        e = &b.open.back()->children.emplace_back();
    }
    e->line = static_cast<std::size_t>(XML_GetCurrentLineNumber(b.parser));
    split_name(name, e->ns, e->name);
    for (auto a = attrs; *a; a += 2) {
        auto& attr = e->attributes.emplace_back();
        split_name(a[0], attr.ns, attr.name);
        attr.value = a[1];
    }
    b.open.push_back(e);
}

void on_end(void* data, const XML_Char*) {
    auto& b = *static_cast<Builder*>(data);
    if (!b.open.empty()) b.open.pop_back();
}

void on_text(void* data, const XML_Char* s, int len) {
    auto& b = *static_cast<Builder*>(data);
    if (!b.open.empty()) b.open.back()->text.append(s, static_cast<std::size_t>(len));
}

void on_doctype(void* data, const XML_Char*, const XML_Char*, const XML_Char*, int) {
    static_cast<Builder*>(data)->stop("a DOCTYPE declaration (SOAP replies have none)");
}

}  // namespace

const XmlElement* XmlElement::child(std::string_view local) const {
    for (const auto& c : children)
        if (c.name == local) return &c;
    return nullptr;
}

std::string_view XmlElement::child_text(std::string_view local) const {
    const auto* c = child(local);
    return c ? std::string_view(c->text) : std::string_view();
}

const std::string* XmlElement::attribute(std::string_view local, std::string_view in_ns) const {
    for (const auto& a : attributes)
        if (a.name == local && a.ns == in_ns) return &a.value;
    return nullptr;
}

std::string_view XmlElement::xsi_type() const {
    const auto* t = attribute("type", kXsiNamespace);
    if (!t) return {};
    std::string_view v(*t);
    const auto colon = v.find(':');
    return colon == std::string_view::npos ? v : v.substr(colon + 1);
}

boost::system::result<XmlElement, ParseError> parse_xml(std::string_view text,
                                                        const std::string& source,
                                                        const XmlLimits& limits) {
    if (text.size() > limits.max_bytes)
        return ParseError{source, 0, "reply",
                          "larger than " + std::to_string(limits.max_bytes >> 20) + " MiB"};
    std::unique_ptr<std::remove_pointer_t<XML_Parser>, decltype(&XML_ParserFree)> parser(
        XML_ParserCreateNS("UTF-8", kSeparator), &XML_ParserFree);
    if (!parser) return ParseError{source, 0, "reply", "out of memory for the XML parser"};
    Builder b;
    b.parser = parser.get();
    b.limits = &limits;
    XML_SetUserData(parser.get(), &b);
    XML_SetElementHandler(parser.get(), on_start, on_end);
    XML_SetCharacterDataHandler(parser.get(), on_text);
    XML_SetStartDoctypeDeclHandler(parser.get(), on_doctype);
    const auto status =
        XML_Parse(parser.get(), text.data(), static_cast<int>(text.size()), XML_TRUE);
    const auto line = static_cast<std::size_t>(XML_GetCurrentLineNumber(parser.get()));
    if (!b.refusal.empty()) return ParseError{source, line, "XML", b.refusal};
    if (status != XML_STATUS_OK)
        return ParseError{source, line, "XML",
                          std::string(XML_ErrorString(XML_GetErrorCode(parser.get()))) +
                              " at column " +
                              std::to_string(XML_GetCurrentColumnNumber(parser.get()) + 1)};
    if (!b.have_root) return ParseError{source, line, "XML", "no element"};
    return std::move(b.root);
}

namespace {

template <class Int>
bool read_int(std::string_view text, Int& out) {
    constexpr std::string_view blanks = " \t\r\n";
    const auto first = text.find_first_not_of(blanks);
    if (first == std::string_view::npos) return false;
    text = text.substr(first, text.find_last_not_of(blanks) - first + 1);
    const auto* end = text.data() + text.size();
    auto [ptr, ec] = std::from_chars(text.data(), end, out);
    return ec == std::errc() && ptr == end;
}

}  // namespace

bool read_integer(std::string_view text, std::int64_t& out) {
    return read_int(text, out);
}
bool read_integer(std::string_view text, std::int32_t& out) {
    return read_int(text, out);
}

}  // namespace vscsi::vsphere
