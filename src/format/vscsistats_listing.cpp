#include "format/vscsistats_listing.hpp"

#include <fmt/core.h>

#include "format/text_lines.hpp"

namespace vscsi {
namespace {

constexpr std::string_view kVmPrefix = "Virtual Machine worldGroupID:";
constexpr std::string_view kNameTag = ", Virtual Machine Display Name:";
constexpr std::string_view kConfigTag = ", Virtual Machine Config File:";
constexpr std::string_view kDiskPrefix = "Virtual SCSI Disk handleID:";

}  // namespace

ParseStatus parse_vscsistats_listing(std::string_view text, VscsiStatsListing& out,
                                     std::string source) {
    out.vms.clear();
    text::LineReader lines(text, 1);
    std::string_view line;
    ListedVm* vm = nullptr;
    std::size_t vm_line = 0;
    auto error = [&](std::string field, std::string reason) {
        return ParseError{source, lines.line_no(), std::move(field), std::move(reason)};
    };
    while (lines.next(line)) {
        if (line.empty()) continue;
        if (!vm) {
            if (!line.starts_with(kVmPrefix))
                return error("VM line", fmt::format("expected '{} N, ...', found {}", kVmPrefix,
                                                    text::excerpt(line)));
            auto rest = line.substr(kVmPrefix.size());
            // Anchor on the tags, not on commas: display names may contain commas.
            const auto name_at = rest.find(kNameTag);
            const auto config_at = rest.rfind(kConfigTag);
            if (name_at == std::string_view::npos || config_at == std::string_view::npos ||
                config_at < name_at)
                return error("VM line",
                             fmt::format("expected '{}' and '{}' in {}", kNameTag.substr(2),
                                         kConfigTag.substr(2), text::excerpt(line)));
            ListedVm v;
            if (!text::parse_int(rest.substr(0, name_at), v.world_group_id))
                return error("worldGroupID", fmt::format("not an integer: {}",
                                                         text::excerpt(rest.substr(0, name_at))));
            const auto name_start = name_at + kNameTag.size();
            v.display_name =
                std::string(text::trim(rest.substr(name_start, config_at - name_start)));
            auto config = text::trim(rest.substr(config_at + kConfigTag.size()));
            if (!config.ends_with("{"))
                return error("VM line",
                             fmt::format("expected the line to end with ', {{', found {}",
                                         text::excerpt(line)));
            config.remove_suffix(1);
            config = text::trim(config);
            if (config.ends_with(",")) config.remove_suffix(1);
            v.config_file = std::string(text::trim(config));
            out.vms.push_back(std::move(v));
            vm = &out.vms.back();
            vm_line = lines.line_no();
            continue;
        }
        if (line == "}") {
            vm = nullptr;
            continue;
        }
        if (!line.starts_with(kDiskPrefix))
            return error("disk line", fmt::format("expected '{} N (scsiX:Y)' or '}}', found {}",
                                                  kDiskPrefix, text::excerpt(line)));
        auto rest = text::trim(line.substr(kDiskPrefix.size()));
        ListedDisk d;
        const auto paren = rest.find('(');
        if (!text::parse_int(paren == std::string_view::npos ? rest : rest.substr(0, paren),
                             d.handle_id))
            return error("handleID", fmt::format("not an integer: {}", text::excerpt(rest)));
        if (paren != std::string_view::npos) {
            const auto close = rest.find(')', paren);
            if (close == std::string_view::npos)
                return error("disk label",
                             fmt::format("'(' without ')' in {}", text::excerpt(rest)));
            d.label = std::string(rest.substr(paren + 1, close - paren - 1));
        }
        vm->disks.push_back(std::move(d));
    }
    if (vm)
        return ParseError{source, lines.end_line(), "VM block",
                          fmt::format("the block of VM '{}' (line {}) is not closed by '}}' "
                                      "(truncated output?)",
                                      vm->display_name, vm_line)};
    return {};
}

}  // namespace vscsi
