#include "job/job_dir.hpp"

#include <fmt/core.h>

#include <cstdlib>

#include "format/printable_text.hpp"
#include "format/text_lines.hpp"
#include "util/file_io.hpp"

namespace vscsi {

fs::path JobDir::sample_path(std::uint64_t seq) const {
    return samples_dir() / fmt::format("sample-{:06}.csv", seq);
}

boost::system::error_code JobDir::create_layout() const {
    std::error_code ec;
    fs::create_directories(samples_dir(), ec);
    if (ec) return {ec.value(), boost::system::system_category()};
    return {};
}

JobMeta JobDir::load_meta() const {
    std::string text;
    if (auto ec = read_file(job_json(), text))
        throw DataError(ParseError{job_json().string(), 0, "", "cannot read: " + ec.message()});
    return parse_job_meta(text, job_json().string());
}

boost::system::error_code JobDir::save_meta(const JobMeta& m) const {
    return write_file_atomic(job_json(), serialize_job_meta(m));
}

boost::system::error_code JobDir::write_sample(const SampleHeader& h,
                                               const VscsiStatsOutput& data) const {
    return write_file_atomic(sample_path(h.seq), encode_sample(h, data));
}

std::uint64_t JobDir::max_sample_seq() const {
    std::uint64_t max = 0;
    std::error_code ec;
    for (fs::directory_iterator it(samples_dir(), ec), end; !ec && it != end; it.increment(ec)) {
        const auto name = it->path().filename().string();
        // sample-NNNNNN.csv; temp files start with '.' and are ignored
        if (!name.starts_with("sample-") || !name.ends_with(".csv")) continue;
        std::uint64_t seq = 0;
        if (text::parse_int(std::string_view(name).substr(7, name.size() - 11), seq) && seq > max)
            max = seq;
    }
    return max;
}

void JobDir::remove_partial_writes() const {
    for (const auto& d : {root_, samples_dir()}) {
        std::error_code ec;
        for (fs::directory_iterator it(d, ec), end; !ec && it != end; it.increment(ec)) {
            const auto name = it->path().filename().string();
            if (name.starts_with(".") && name.find(".tmp.") != std::string::npos) {
                std::error_code ignored;
                fs::remove(it->path(), ignored);
            }
        }
    }
}

SampleCursor::SampleCursor(const JobDir& dir) : dir_(dir), max_(dir.max_sample_seq()) {}

boost::system::result<bool, ParseError> SampleCursor::next(Sample& out) {
    while (seq_ < max_) {
        const auto path = dir_.sample_path(++seq_);
        const auto ec = read_file(path, buffer_);
        if (ec == boost::system::errc::no_such_file_or_directory) continue;  // a gap in numbering
        if (ec) return ParseError{path.string(), 0, "", "cannot read: " + ec.message()};
        if (auto e = decode_sample(buffer_, path.string(), out); !e) return e.error();
        return true;
    }
    return false;
}

boost::system::result<bool, ParseError> SampleCursor::next_streamed(SampleHeader& header,
                                                                    VscsiStatsSink& sink) {
    while (seq_ < max_) {
        const auto path = dir_.sample_path(++seq_);
        const auto source = path.string();
        std::string head;  // the file until its histograms start
        std::optional<VscsiStatsStreamParser> parser;
        ParseStatus status;
        // Header lines first (a few hundred bytes), then the body to the parser.
        auto start_body = [&](bool complete) {
            const auto body = sample_body_start(head, complete);
            if (!body) return;
            std::size_t body_line = 1;
            status = decode_sample_header(std::string_view(head).substr(0, *body), source, header,
                                          body_line);
            if (!status) return;
            CsvParseOptions opt;
            opt.source = source;
            opt.first_line = body_line;
            parser.emplace(sink, std::move(opt), false);
            status = parser->feed(std::string_view(head).substr(*body));
        };
        const auto ec = read_file_pieces(path, piece_, [&](std::string_view piece) {
            if (parser) {
                status = parser->feed(piece);
            } else {
                head.append(piece);
                start_body(false);
            }
            return status.has_value();
        });
        if (ec == boost::system::errc::no_such_file_or_directory) continue;  // a gap in numbering
        if (ec) return ParseError{source, 0, "", "cannot read: " + ec.message()};
        if (status && !parser) start_body(true);
        if (status && parser) status = parser->finish();
        if (!status) return status.error();
        return true;
    }
    return false;
}

fs::path default_data_dir() {
    if (const char* x = std::getenv("XDG_DATA_HOME"); x && *x) return fs::path(x) / "vscsi";
    if (const char* h = std::getenv("HOME"); h && *h) return fs::path(h) / ".local/share/vscsi";
    return fs::current_path() / ".vscsi-data";
}

fs::path jobs_dir(const fs::path& data_dir) {
    return data_dir / "jobs";
}

std::optional<fs::path> resolve_job(const std::string& job, const fs::path& data_dir) {
    const fs::path as_path(job);
    if (JobDir::looks_like_job(as_path)) return as_path;
    if (check_job_name(job)) {
        const auto p = jobs_dir(data_dir) / job;
        if (JobDir::looks_like_job(p)) return p;
    }
    return std::nullopt;
}

Error job_not_found(const std::string& job, const fs::path& data_dir) {
    const std::string where = jobs_dir(data_dir).string();
    const bool path_like =
        job.find('/') != std::string::npos || job.ends_with(".csv") || !check_job_name(job);
    if (!path_like)
        return {ErrorKind::not_found, fmt::format("no job '{}' in {}", printable(job), where),
                "see `vscsi job list`, or pass the job's directory"};
    std::error_code ec;
    if (!fs::exists(fs::path(job), ec))
        return {ErrorKind::not_found,
                fmt::format("no such file or job directory: {}", printable(job)),
                fmt::format("check the path; `vscsi job list` shows the jobs in {}", where)};
    return {ErrorKind::not_found,
            fmt::format("{} is not a job directory (it has no job.json)", printable(job)),
            "pass a job's directory, or a name that `vscsi job list` shows"};
}

Result<void> check_job_name(const std::string& name) {
    auto bad = [](std::string what) {
        return Error{ErrorKind::usage, std::move(what), "use letters, digits, '.', '_' and '-'"};
    };
    if (name.empty()) return bad("the job name is empty");
    if (name.size() > 100) return bad("the job name is longer than 100 characters");
    if (name.front() == '.' || name.front() == '-')
        return bad("the job name must not start with '.' or '-'");
    for (char c : name) {
        const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                        (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
        if (!ok)
            return bad(fmt::format("the job name '{}' has a character that is not allowed",
                                   printable(name)));
    }
    return {};
}

}  // namespace vscsi
