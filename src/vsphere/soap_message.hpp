#pragma once
// SOAP 1.1 as the vSphere API (vim25) uses it: requests are one element in an
// envelope's body; a reply is the method's response element or a fault. Pure.

#include <boost/system/result.hpp>
#include <string>
#include <string_view>
#include <variant>

#include "format/markup_text.hpp"
#include "vsphere/xml_tree.hpp"

namespace vscsi::vsphere {

// A managed object reference: <obj type="VirtualMachine">vm-57</obj>.
struct MoRef {
    std::string type, value;
    bool empty() const { return value.empty(); }
    friend bool operator==(const MoRef&, const MoRef&) = default;
};
MoRef moref_of(const XmlElement& e);
// `<NAME type="TYPE">VALUE</NAME>`, escaped.
std::string moref_xml(std::string_view element, const MoRef& ref);

// A server's fault: the detail's type ("NotAuthenticated", "InvalidLogin",
// "MethodNotFound", ...) and the faultstring.
struct VimFault {
    std::string type;
    std::string message;
    bool not_authenticated() const { return type == "NotAuthenticated"; }
};

// The text to POST for one method call (`body` is the method's element).
std::string soap_envelope(std::string_view body);

// A reply read: the response element (e.g. <LoginResponse>), or the fault the
// body carries. ParseError when the text is not a SOAP reply at all.
using SoapReply = std::variant<XmlElement, VimFault>;
boost::system::result<SoapReply, ParseError> read_soap_reply(std::string_view text,
                                                             const std::string& source,
                                                             const XmlLimits& limits = {});

}  // namespace vscsi::vsphere
