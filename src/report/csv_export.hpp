#pragma once
// Tidy long-format CSV: one row per job/disk/sample/histogram/direction/bucket,
// ready for pandas, R or a spreadsheet pivot. Streams sample by sample.

#include <ostream>
#include <string>

#include "analysis/job_analysis.hpp"

namespace vscsi {

class CsvExporter final : public SampleObserver {
  public:
    CsvExporter(std::ostream& out, std::string job_id);
    void on_sample(const Sample& sample, bool analyzed) override;
    std::uint64_t rows() const { return rows_; }

  private:
    std::ostream& out_;
    std::string job_id_;
    std::string line_;
    std::uint64_t rows_ = 0;
};

}  // namespace vscsi
