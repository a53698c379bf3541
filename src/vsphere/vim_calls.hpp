#pragma once
// The vim25 methods vscsi calls, each as the body to send and a reader of the
// response element read_soap_reply gave. Pure; the session layer owns I/O.

#include <boost/system/result.hpp>
#include <cstdint>
#include <string>
#include <vector>

#include "vsphere/soap_message.hpp"

namespace vscsi::vsphere {

template <class T>
using Decoded = boost::system::result<T, ParseError>;

struct ServiceContent {
    MoRef root_folder, property_collector, view_manager, session_manager, perf_manager;
    std::string api_type;  // "VirtualCenter", or "HostAgent" for an ESXi host
    std::string full_name;
    std::string api_version;
};

std::string retrieve_service_content_body();
Decoded<ServiceContent> decode_service_content(const XmlElement& response,
                                               const std::string& source);

std::string login_body(const MoRef& session_manager, std::string_view user,
                       std::string_view password);
std::string logout_body(const MoRef& session_manager);

std::string create_container_view_body(const MoRef& view_manager, const MoRef& container,
                                       const std::vector<std::string>& types);
Decoded<MoRef> decode_returned_moref(const XmlElement& response, const std::string& source);
std::string destroy_view_body(const MoRef& view);

// Properties to read of every object of a type.
struct PropertySpec {
    std::string type;
    std::vector<std::string> paths;
};
// Every object a container view holds (the view itself skipped), at most
// max_objects a page: the rest come with continue_retrieve_body(token).
std::string retrieve_view_properties_body(const MoRef& collector, const MoRef& view,
                                          const std::vector<PropertySpec>& specs, int max_objects);
// One object's properties.
std::string retrieve_object_properties_body(const MoRef& collector, const MoRef& object,
                                            const std::vector<std::string>& paths);
std::string continue_retrieve_body(const MoRef& collector, std::string_view token);

struct ObjectContent {
    MoRef obj;
    std::vector<XmlElement> props;  // each a <propSet>: child "name", child "val"
    const XmlElement* value(std::string_view path) const;
};
struct ObjectPage {
    std::vector<ObjectContent> objects;
    std::string token;  // "" on the last page
};
// A RetrievePropertiesEx or ContinueRetrievePropertiesEx response (consumed:
// the property values are moved out of it). An empty response is an empty page.
Decoded<ObjectPage> decode_object_page(XmlElement&& response, const std::string& source);

// One query: an entity's metrics at an interval, the newest max_samples of them.
struct PerfQuery {
    MoRef entity;
    std::vector<std::int32_t> counter_ids;
    std::string instance = "*";
    int interval_id = 20;
    int max_samples = 180;
};
std::string query_perf_body(const MoRef& perf_manager, const std::vector<PerfQuery>& queries);

}  // namespace vscsi::vsphere
