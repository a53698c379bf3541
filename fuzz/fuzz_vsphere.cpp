// vSphere API replies (a hostile or broken server): the SOAP reader and every
// decoder of a response element, then the survey over what was decoded.
#include <cstdint>
#include <string_view>
#include <variant>

#include "vsphere/fleet_survey.hpp"
#include "vsphere/soap_message.hpp"
#include "vsphere/vim_calls.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace vscsi::vsphere;
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    auto reply = read_soap_reply(text, "fuzz");
    if (!reply) return 0;
    auto* response = std::get_if<XmlElement>(&*reply);
    if (!response) return 0;
    (void)decode_service_content(*response, "fuzz");
    (void)decode_returned_moref(*response, "fuzz");
    auto metrics = decode_query_perf(*response, "fuzz");
    auto copy = *response;
    auto page = decode_object_page(std::move(copy), "fuzz");
    if (!page) return 0;
    Inventory inv;
    (void)add_inventory_page(inv, *page, "fuzz");
    std::vector<PerfCounterInfo> counters;
    if (auto c = decode_perf_counters(*page, "fuzz")) counters = std::move(*c);
    if (metrics) (void)survey_fleet(inv, plan_counters(counters), *metrics);
    return 0;
}
