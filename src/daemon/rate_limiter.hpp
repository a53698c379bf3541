#pragma once
// A token bucket per client connection: bursts are fine, a flood is answered
// with rate_limited errors instead of starving the jobs on the same loop.

#include <algorithm>
#include <chrono>

namespace vscsi::daemon {

class RateLimiter {
  public:
    using Clock = std::chrono::steady_clock;
    RateLimiter(double per_second, double burst)
        : rate_(per_second), burst_(burst), tokens_(burst) {}

    bool allow(Clock::time_point now) {
        if (last_ != Clock::time_point{}) {
            const double dt = std::chrono::duration<double>(now - last_).count();
            tokens_ = std::min(burst_, tokens_ + std::max(0.0, dt) * rate_);
        }
        last_ = now;
        if (tokens_ < 1) return false;
        tokens_ -= 1;
        return true;
    }

  private:
    double rate_, burst_, tokens_;
    Clock::time_point last_{};
};

}  // namespace vscsi::daemon
