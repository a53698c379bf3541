#pragma once
// Where analysis reads samples from, in order and more than once (the filter
// needs a first pass): a job directory, or anything else that yields samples.

#include <boost/system/result.hpp>

#include "analysis/sample.hpp"
#include "format/parse_error.hpp"
#include "format/vscsistats_csv.hpp"

namespace vscsi {

class SampleSource {
  public:
    virtual ~SampleSource() = default;
    // true: `out` holds the next sample (its buffers are reused); false: the
    // end. An error is one unreadable sample, already skipped: callers count
    // and report it, then go on.
    virtual boost::system::result<bool, ParseError> next(Sample& out) = 0;
    // The same sample, its header in `header` and its disks handed to `sink`
    // as they are read (a run of one disk's histograms at a time): a sample
    // of 20,000 disks is never whole in memory. On an error the sink may have
    // seen part of the sample. The default reads the whole sample first.
    virtual boost::system::result<bool, ParseError> next_streamed(SampleHeader& header,
                                                                  VscsiStatsSink& sink) {
        auto got = next(whole_);
        if (!got || !*got) return got;
        header = whole_.header;
        sink.on_print(1);
        for (std::size_t i = 0; i < whole_.data.disks.size(); ++i)
            sink.on_disk(whole_.data.disks[i], i);
        return true;
    }
    virtual void rewind() = 0;

  private:
    Sample whole_;
};

}  // namespace vscsi
