#pragma once
// XML as the vSphere API sends it, read into a small tree. Names are matched by
// namespace URI and local name, never by prefix: servers differ in the prefix
// they give xsi:type (vcsim sends "XMLSchema-instance:type"). Pure; the limits
// keep a hostile or broken server from taking the memory or the stack.

#include <boost/system/result.hpp>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "format/parse_error.hpp"

namespace vscsi::vsphere {

inline constexpr std::string_view kXsiNamespace = "http://www.w3.org/2001/XMLSchema-instance";
inline constexpr std::string_view kSoapNamespace = "http://schemas.xmlsoap.org/soap/envelope/";
inline constexpr std::string_view kVimNamespace = "urn:vim25";

struct XmlAttribute {
    std::string ns, name, value;
};

struct XmlElement {
    std::string ns, name;  // namespace URI ("" when none) and local name
    std::vector<XmlAttribute> attributes;
    std::string text;  // the character data directly inside
    std::vector<XmlElement> children;
    std::size_t line = 0;

    // The first child with this local name, or nullptr.
    const XmlElement* child(std::string_view local) const;
    // The text of that child, or "" when there is none.
    std::string_view child_text(std::string_view local) const;
    // An attribute by local name, with no namespace ("type" of a MoRef) or the given one.
    const std::string* attribute(std::string_view local, std::string_view in_ns = {}) const;
    // xsi:type's local part ("ArrayOfVirtualDevice" of "vim25:ArrayOfVirtualDevice"), or "".
    std::string_view xsi_type() const;
};

struct XmlLimits {
    std::size_t max_bytes = std::size_t{256} << 20;  // a reply larger than this is refused unread
    std::size_t max_depth = 64;
    std::size_t max_elements = std::size_t{8} << 20;
};

// A document's root element; errors name `source`, the line and what was wrong.
// DOCTYPE declarations (entity expansion) are refused: SOAP never has them.
boost::system::result<XmlElement, ParseError> parse_xml(std::string_view text,
                                                        const std::string& source,
                                                        const XmlLimits& limits = {});

// An element's text as an integer (blanks around it allowed); false when it is not one.
bool read_integer(std::string_view text, std::int64_t& out);
bool read_integer(std::string_view text, std::int32_t& out);

}  // namespace vscsi::vsphere
