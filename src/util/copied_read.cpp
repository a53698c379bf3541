#include "util/copied_read.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <string>
#include <thread>

namespace vscsi {
namespace {

constexpr std::size_t kPiece = 1 << 20;
// Buffers in flight: one being read and parsed, the others being written.
constexpr std::size_t kBuffers = 4;

// The copying thread's side: pieces queued in order, buffers handed back.
class CopyQueue {
  public:
    explicit CopyQueue(std::span<AtomicFileWriter* const> copies)
        : copies_(copies), thread_([this] { run(); }) {
        for (auto& b : buffers_) b.resize(kPiece);
        for (std::size_t i = 0; i < kBuffers; ++i) free_.push_back(i);
    }
    CopyQueue(const CopyQueue&) = delete;
    CopyQueue& operator=(const CopyQueue&) = delete;
    ~CopyQueue() {
        {
            std::lock_guard lock(mutex_);
            closing_ = true;
        }
        changed_.notify_all();
        thread_.join();  // every queued piece is written first
    }

    // A buffer nobody reads or writes (waits while all are in flight).
    std::size_t acquire() {
        std::unique_lock lock(mutex_);
        changed_.wait(lock, [&] { return !free_.empty(); });
        const auto i = free_.front();
        free_.pop_front();
        return i;
    }
    char* data(std::size_t i) { return buffers_[i].data(); }
    // Buffer i's first n bytes are to be copied; the caller may go on reading
    // them (no one writes to a queued buffer) but not refill it.
    void queue(std::size_t i, std::size_t n) {
        {
            std::lock_guard lock(mutex_);
            queued_.push_back({i, n});
        }
        changed_.notify_all();
    }
    // The caller is done with buffer i too: it is free once copied.
    void done_reading(std::size_t i) {
        std::lock_guard lock(mutex_);
        if (copied_[i]) {
            free_.push_back(i);
            copied_[i] = false;
        } else {
            read_done_[i] = true;
        }
    }
    // Buffer i was never queued (the end of the file, or an error).
    void give_back(std::size_t i) {
        {
            std::lock_guard lock(mutex_);
            free_.push_back(i);
        }
        changed_.notify_all();
    }

  private:
    struct Piece {
        std::size_t buffer, size;
    };

    void run() {
        std::unique_lock lock(mutex_);
        for (;;) {
            changed_.wait(lock, [&] { return closing_ || !queued_.empty(); });
            if (queued_.empty()) return;  // closing, and all written
            const auto p = queued_.front();
            queued_.pop_front();
            lock.unlock();
            for (auto* copy : copies_) copy->append({buffers_[p.buffer].data(), p.size});
            lock.lock();
            if (read_done_[p.buffer]) {
                free_.push_back(p.buffer);
                read_done_[p.buffer] = false;
            } else {
                copied_[p.buffer] = true;
            }
            changed_.notify_all();
        }
    }

    std::span<AtomicFileWriter* const> copies_;
    std::array<std::string, kBuffers> buffers_;
    std::array<bool, kBuffers> copied_{}, read_done_{};
    std::deque<std::size_t> free_;
    std::deque<Piece> queued_;
    std::mutex mutex_;
    std::condition_variable changed_;
    bool closing_ = false;
    std::thread thread_;  // last: started once the rest is in place
};

}  // namespace

boost::system::error_code read_file_copied(const std::filesystem::path& path,
                                           std::span<AtomicFileWriter* const> copies,
                                           const std::function<bool(std::string_view)>& on_piece) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return {errno, boost::system::system_category()};
    boost::system::error_code ec;
    {
        CopyQueue queue(copies);
        for (;;) {
            const auto i = queue.acquire();
            const auto n = ::read(fd, queue.data(i), kPiece);
            if (n < 0 && errno == EINTR) {
                queue.give_back(i);
                continue;
            }
            if (n <= 0) {
                if (n < 0) ec = {errno, boost::system::system_category()};
                queue.give_back(i);
                break;
            }
            const auto size = static_cast<std::size_t>(n);
            queue.queue(i, size);
            const bool more = on_piece({queue.data(i), size});
            queue.done_reading(i);
            if (!more) break;
        }
    }  // joined: the copies hold every piece queued
    ::close(fd);
    return ec;
}

}  // namespace vscsi
