// The configuration file: defaults, profiles, and errors that name file, line and key.
#include <catch2/catch.hpp>

#include "config/config_file.hpp"
#include "format/parse_error.hpp"

using namespace vscsi;

TEST_CASE("a config file sets the data dir, option defaults and profiles", "[config]") {
    const auto cfg = parse_config(R"(# vscsi
data-dir = /srv/vscsi

[ssh]
user = root
port = 2222
key = ~/.ssh/a
key = ~/.ssh/b
accept-new-host-key = yes

[analysis]
filter = auto
percentile-method = "interpolate"

[daemon]
metrics-listen = 127.0.0.1:9477

[profile.nightly]
samples = 480
interval = 60

[profile.quick]   ; overrides the built-in one
samples = 5
interval = 10
)",
                                  "/home/u/.config/vscsi/config");
    CHECK(cfg.data_dir == std::filesystem::path("/srv/vscsi"));
    CHECK(cfg.values("ssh", "user") == std::vector<std::string>{"root"});
    CHECK(cfg.values("ssh", "key") == std::vector<std::string>{"~/.ssh/a", "~/.ssh/b"});
    CHECK(cfg.values("ssh", "accept-new-host-key") == std::vector<std::string>{"true"});
    CHECK(cfg.values("analysis", "percentile-method") == std::vector<std::string>{"interpolate"});
    const auto profiles = collection_profiles(cfg);
    CHECK(profiles.at("nightly").samples == 480);
    CHECK(profiles.at("quick").samples == 5);
    CHECK(profiles.at("quick").interval_seconds == 10);
    CHECK(profiles.at("deep").samples == 100);  // built-ins stay
}

TEST_CASE("a bad config names the file, the line and the key", "[config]") {
    struct Case {
        const char* text;
        std::size_t line;
        const char* key;
        const char* says;
    };
    const Case cases[] = {
        {"[ssh]\nusr = root\n", 2, "usr", "unknown key in [ssh]"},
        {"[ssh]\nport = twenty\n", 2, "port", "'twenty' is not a number: give 1 to 65535"},
        // Ranges (format/value_limits.hpp), checked before any conversion.
        {"[ssh]\nport = 1e30\n", 2, "port", "1e+30 is out of range: 1 to 65535"},
        {"[ssh]\nport = 99999999999\n", 2, "port", "99999999999 is out of range: 1 to 65535"},
        {"[ssh]\nport = 22.5\n", 2, "port", "not a whole number"},
        {"[ssh]\nconnect-timeout = 0\n", 2, "connect-timeout", "out of range: 1 to 3600 s"},
        {"[profile.x]\ninterval = inf\n", 2, "interval", "not a finite number"},
        {"[profile.x]\ninterval = 1e300\n", 2, "interval", "out of range: 1 to 86400 s"},
        {"[profile.x]\nsamples = 1e30\n", 2, "samples", "out of range: 1 to 10000000"},
        {"[analysis]\nruntime = 0\n", 2, "runtime", "out of range: 1 to 2678400 s"},
        {"\n\n[job]\nrearm-every = -5\n", 4, "rearm-every", "-5 is out of range: 1 to 2678400 s"},
        {"[daemon]\nstop-jobs-on-exit = maybe\n", 2, "stop-jobs-on-exit", "true or false"},
        {"[cluster]\n", 1, "cluster", "unknown section"},
        {"[ssh\n", 1, "", "section header"},
        {"[ssh]\njust words\n", 2, "just words", "KEY = VALUE"},
        {"[ssh]\nuser = a\nuser = b\n", 3, "user", "given twice"},
        {"[profile.x]\nsamples = 1.5\n", 2, "samples", "whole number"},
        {"[profile.x]\nsamples = 3\n", 0, "profile.x", "both samples and interval"},
        {"[profile.x]\ncolor = blue\n", 2, "color", "samples and interval"},
        {"user = root\n", 1, "user", "before any section"},
    };
    for (const auto& c : cases) {
        INFO(c.text);
        try {
            parse_config(c.text, "/etc/vscsi.conf");
            FAIL("accepted");
        } catch (const DataError& e) {
            CHECK(e.error().source == "/etc/vscsi.conf");
            CHECK(e.error().line == c.line);
            CHECK(e.error().field == c.key);
            CHECK(std::string(e.what()).find(c.says) != std::string::npos);
        }
    }
}
