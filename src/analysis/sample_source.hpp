#pragma once
// Where analysis reads samples from, in order and more than once (the filter
// needs a first pass): a job directory, or anything else that yields samples.

#include <boost/system/result.hpp>

#include "analysis/sample.hpp"
#include "format/parse_error.hpp"

namespace vscsi {

class SampleSource {
  public:
    virtual ~SampleSource() = default;
    // true: `out` holds the next sample (its buffers are reused); false: the
    // end. An error is one unreadable sample, already skipped: callers count
    // and report it, then go on.
    virtual boost::system::result<bool, ParseError> next(Sample& out) = 0;
    virtual void rewind() = 0;
};

}  // namespace vscsi
