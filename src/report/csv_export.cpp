#include "report/csv_export.hpp"

#include <fmt/format.h>

#include "format/markup_text.hpp"

namespace vscsi {

CsvExporter::CsvExporter(std::ostream& out, std::string job_id)
    : out_(out), job_id_(std::move(job_id)) {
    out_ << "job_id,sample,start,end,seconds,analyzed,world_group_id,handle_id,disk,metric,"
            "direction,unit,bucket,bucket_low,bucket_high,frequency,histogram_count,histogram_"
            "mean\n";
}

void CsvExporter::on_sample(const Sample& s, bool analyzed) {
    const auto start = format_iso8601(s.header.start);
    const auto end = format_iso8601(s.header.end);
    const auto job = csv_field(job_id_);
    for (const auto& d : s.data.disks) {
        const auto label = csv_field(d.disk.label);
        for (std::size_t slot = 0; slot < kSlotCount; ++slot) {
            if (!d.present[slot]) continue;
            const auto& info = slot_info(slot);
            const auto& h = d.slots[slot];
            for (std::size_t i = 0; i < h.frequencies.size(); ++i) {
                line_.clear();
                auto it = std::back_inserter(line_);
                // bucket_low is exclusive and empty for the first bucket;
                // bucket_high is inclusive and empty for the overflow bucket.
                fmt::format_to(it, "{},{},{},{},{:g},{},{},{},{},{},{},{},{},", job, s.header.seq,
                               start, end, s.header.seconds(), analyzed ? 1 : 0,
                               d.disk.world_group_id, d.disk.handle_id, label,
                               metric_name(info.metric), direction_name(info.direction),
                               metric_unit(info.metric), i);
                if (i > 0) fmt::format_to(it, "{}", h.limits[i - 1]);
                line_ += ',';
                if (i < h.limits.size()) fmt::format_to(it, "{}", h.limits[i]);
                fmt::format_to(it, ",{},{},{}\n", h.frequencies[i], h.count, h.mean);
                out_ << line_;
                ++rows_;
            }
        }
    }
}

}  // namespace vscsi
