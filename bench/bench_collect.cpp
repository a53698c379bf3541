// Many collection jobs on one thread: one job per VM, one shared SSH connection
// per host, every job sampling on its own schedule. Prints the collector's own
// CPU seconds per collected sample and peak RSS per job as JSON.
//   bench_collect CONFIG.json     (written by bench/run_collect_bench.py)
#include <fmt/core.h>
#include <sys/resource.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/json.hpp>
#include <chrono>
#include <memory>

#include "collect/job_runner.hpp"
#include "ssh/ssh_host.hpp"
#include "util/file_io.hpp"

using namespace vscsi;
namespace asio = boost::asio;
namespace json = boost::json;

namespace {
double cpu_seconds() {
    rusage u{};
    getrusage(RUSAGE_SELF, &u);
    return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
           static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}
long max_rss_kb() {
    rusage u{};
    getrusage(RUSAGE_SELF, &u);
    return u.ru_maxrss;
}
}  // namespace

int main(int argc, char** argv) {
    if (argc < 2) {
        fmt::print(stderr, "usage: bench_collect CONFIG.json\n");
        return 2;
    }
    std::string text;
    if (read_file(argv[1], text)) return 1;
    const auto cfg = json::parse(text).as_object();
    const auto samples = cfg.at("samples").to_number<std::uint64_t>();
    const auto interval = std::chrono::milliseconds(cfg.at("interval_ms").to_number<long long>());
    const std::filesystem::path data = std::string(cfg.at("data_dir").as_string());
    asio::io_context io;
    std::vector<std::unique_ptr<ssh::SshHost>> links;
    std::vector<std::unique_ptr<collect::JobRunner>> runners;
    std::size_t disks = 0;
    for (const auto& hv : cfg.at("hosts").as_array()) {
        const auto& h = hv.as_object();
        host::SshParams p;
        p.host = "127.0.0.1";
        p.port = h.at("port").to_number<unsigned>();
        p.user = std::string(h.at("user").as_string());
        p.key_files = {std::string(h.at("key").as_string())};
        p.known_hosts = std::string(h.at("known_hosts").as_string());
        p.accept_new_host_key = true;
        p.use_agent = false;
        p.ssh_config = "none";
        links.push_back(std::make_unique<ssh::SshHost>(io.get_executor(), p));
        for (const auto& vv : h.at("vms").as_array()) {
            const auto& v = vv.as_object();
            const auto wgid = v.at("world_group_id").to_number<std::int64_t>();
            disks += v.at("disks").to_number<std::size_t>();
            JobMeta meta;
            meta.job_id = fmt::format("h{}-wg{}", p.port, wgid);
            meta.created_at = meta.updated_at = now_ms();
            meta.source = "ssh";
            meta.host.hostname = "127.0.0.1";
            const JobDir dir(data / meta.job_id);
            if (dir.create_layout()) return 1;
            collect::CollectorConfig c;
            c.collections = {{wgid, std::nullopt, {}}};
            c.samples = samples;
            c.interval = interval;
            runners.push_back(std::make_unique<collect::JobRunner>(
                io.get_executor(), dir, meta, c, *links.back(), std::chrono::seconds(120)));
        }
    }
    const double cpu0 = cpu_seconds();
    const auto t0 = std::chrono::steady_clock::now();
    std::size_t finished = 0, completed = 0;
    for (auto& r : runners)
        asio::co_spawn(io, r->run(), [&](std::exception_ptr e, JobStatus s) {
            ++finished;
            if (!e && s == JobStatus::completed) ++completed;
            if (finished == runners.size())
                for (auto& l : links) l->close();
        });
    io.run();
    const double wall =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    const double cpu = cpu_seconds() - cpu0;
    std::uint64_t written = 0;
    for (auto& r : runners) written += r->progress().samples_written;
    fmt::print(
        "{{\"jobs\":{},\"disks\":{},\"hosts\":{},\"completed\":{},\"samples\":{},\"wall_s\":{:.2f},"
        "\"cpu_s\":{:.3f},\"cpu_ms_per_sample\":{:.3f},\"max_rss_kb\":{},\"rss_kb_per_job\":{:.1f}}"
        "}\n",
        runners.size(), disks, links.size(), completed, written, wall, cpu,
        written ? cpu / static_cast<double>(written) * 1000 : 0.0, max_rss_kb(),
        static_cast<double>(max_rss_kb()) / static_cast<double>(runners.size()));
    return completed == runners.size() ? 0 : 1;
}
