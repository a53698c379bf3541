#include "host/ssh_config.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdlib>
#include <set>

#include "format/printable_text.hpp"

namespace vscsi::host {

namespace {

// Options that change where or how OpenSSH connects or authenticates, which
// vscsi cannot do (yet): the config is refused for the host rather than
// followed half-way. `allowed`: the values that mean "not used".
struct Refused {
    const char* keyword;
    std::vector<std::string> allowed;
    const char* why;
};
const std::vector<Refused>& refused_options() {
    static const std::vector<Refused> r = {
        {"hostkeyalias", {}, "vscsi checks the host key under the host's own name"},
        {"certificatefile", {}, "vscsi does not offer SSH certificates; use a key or the agent"},
        {"canonicalizehostname", {"no", "false"}, "vscsi does not canonicalize host names"},
        {"addressfamily", {"any"}, "vscsi uses every address the name resolves to"},
        {"bindaddress", {}, "vscsi connects from the default source address"},
        {"bindinterface", {}, "vscsi connects from the default interface"},
        {"identityagent",
         {"SSH_AUTH_SOCK", "$SSH_AUTH_SOCK", "none"},
         "vscsi uses the agent of $SSH_AUTH_SOCK (or none)"},
        {"pkcs11provider",
         {"none"},
         "vscsi does not use PKCS#11 tokens; load the key into ssh-agent"},
        {"securitykeyprovider",
         {"internal"},
         "vscsi does not use security keys; load the key into ssh-agent"},
        {"knownhostscommand", {"none"}, "vscsi checks known_hosts files only"},
        {"revokedhostkeys", {"none"}, "vscsi does not read revoked-key lists"},
        {"stricthostkeychecking",
         {"yes", "ask", "accept-new", "true"},
         "vscsi never connects to a host whose key it cannot check (use accept-new to trust a "
         "new host's key once)"},
    };
    return r;
}

// Options vscsi follows itself, libssh applies, or that do not change where or
// how the connection is made (forwarding, keep-alives, logging...).
const std::set<std::string>& accepted_options() {
    static const std::set<std::string> s = {
        // followed by vscsi
        "host", "match", "include", "hostname", "port", "user", "identityfile", "identitiesonly",
        "proxycommand", "proxyjump", "userknownhostsfile", "stricthostkeychecking",
        "connecttimeout", "ignoreunknown",
        // applied by libssh from the same file
        "ciphers", "macs", "kexalgorithms", "hostkeyalgorithms", "pubkeyacceptedkeytypes",
        "pubkeyacceptedalgorithms", "compression", "casignaturealgorithms",
        // no bearing on where or how vscsi connects and authenticates
        "serveraliveinterval", "serveralivecountmax", "tcpkeepalive", "forwardagent", "forwardx11",
        "forwardx11trusted", "forwardx11timeout", "loglevel", "logverbose", "syslogfacility",
        "sendenv", "setenv", "requesttty", "remotecommand", "localforward", "remoteforward",
        "dynamicforward", "controlmaster", "controlpath", "controlpersist", "hashknownhosts",
        "addkeystoagent", "usekeychain", "visualhostkey", "updatehostkeys", "exitonforwardfailure",
        "gatewayports", "escapechar", "permitlocalcommand", "localcommand", "clearallforwardings",
        "batchmode", "checkhostip", "preferredauthentications", "passwordauthentication",
        "kbdinteractiveauthentication", "kbdinteractivedevices", "challengeresponseauthentication",
        "pubkeyauthentication", "numberofpasswordprompts", "canonicaldomains",
        "canonicalizemaxdots", "canonicalizefallbacklocal", "canonicalizepermittedcnames",
        "globalknownhostsfile", "verifyhostkeydns", "nohostauthenticationforlocalhost",
        "hostbasedauthentication", "hostbasedacceptedalgorithms", "hostbasedkeytypes",
        "gssapiauthentication", "gssapidelegatecredentials", "gssapikeyexchange",
        "gssapiclientidentity", "gssapiserveridentity", "gssapirenewalforcesrekey",
        "gssapitrustdns", "xauthlocation", "forkafterauthentication", "sessiontype", "stdinnull",
        "streamlocalbindmask", "streamlocalbindunlink", "tunnel", "tunneldevice", "rekeylimit",
        "requiredrsasize", "fingerprinthash", "enableescapecommandline", "obscurekeystroketiming",
        "channeltimeout", "ipqos", "protocol", "useroaming", "permitremoteopen", "tag",
        "proxyusefdpass"};
    return s;
}

std::string lower(std::string_view s) {
    std::string o(s);
    for (auto& c : o) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return o;
}

// "Keyword args" or "Keyword=args"; args split on blanks, "double quotes" kept together.
bool split_line(std::string_view line, std::string& keyword, std::string& written,
                std::vector<std::string>& args, std::string& raw) {
    std::size_t i = 0;
    auto blank = [](char c) { return c == ' ' || c == '\t' || c == '\r'; };
    while (i < line.size() && blank(line[i])) ++i;
    if (i == line.size() || line[i] == '#') return false;
    const auto k0 = i;
    while (i < line.size() && !blank(line[i]) && line[i] != '=') ++i;
    written = std::string(line.substr(k0, i - k0));
    keyword = lower(written);
    while (i < line.size() && blank(line[i])) ++i;
    if (i < line.size() && line[i] == '=') ++i;
    while (i < line.size() && blank(line[i])) ++i;
    raw = std::string(line.substr(i));
    while (!raw.empty() && blank(raw.back())) raw.pop_back();
    args.clear();
    while (i < line.size()) {
        while (i < line.size() && blank(line[i])) ++i;
        if (i == line.size() || line[i] == '#') break;
        std::string a;
        if (line[i] == '"') {
            const auto end = line.find('"', i + 1);
            a = std::string(line.substr(
                i + 1, end == std::string_view::npos ? std::string_view::npos : end - i - 1));
            i = end == std::string_view::npos ? line.size() : end + 1;
        } else {
            while (i < line.size() && !blank(line[i])) a += line[i++];
        }
        args.push_back(std::move(a));
    }
    return true;
}

// A pattern list ("a*,!b" or separate words): true when some pattern matches
// and no negated one does.
bool list_matches(const std::vector<std::string>& patterns, std::string_view text) {
    bool hit = false;
    for (const auto& word : patterns) {
        std::size_t start = 0;
        while (start <= word.size()) {
            const auto comma = word.find(',', start);
            std::string_view p(word);
            p = p.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
            if (!p.empty()) {
                const bool neg = p.front() == '!';
                if (neg) p.remove_prefix(1);
                if (ssh_pattern_match(p, text)) {
                    if (neg) return false;
                    hit = true;
                }
            }
            if (comma == std::string::npos) break;
            start = comma + 1;
        }
    }
    return hit;
}

class Evaluator {
  public:
    Evaluator(std::string host, std::string user, const SshConfigSource& src)
        : host_(std::move(host)), user_(std::move(user)), src_(src) {}

    Result<void> file(const std::string& path, int depth) {
        if (depth > 16)
            return Error{ErrorKind::usage, fmt::format("{}: Include nested too deep", path),
                         "check the Include lines for a loop"};
        const auto text = src_.read(path);
        if (!text) return {};
        bool active = true;  // before the first Host or Match: every host
        std::size_t line_no = 0;
        std::size_t pos = 0;
        while (pos <= text->size()) {
            const auto nl = text->find('\n', pos);
            const std::string_view line(text->data() + pos,
                                        (nl == std::string::npos ? text->size() : nl) - pos);
            pos = nl == std::string::npos ? text->size() + 1 : nl + 1;
            ++line_no;
            std::string kw, written, raw;
            std::vector<std::string> args;
            if (!split_line(line, kw, written, args, raw)) continue;
            const SshConfigValue here{written, args, raw, path, line_no};
            if (kw == "host") {
                active = list_matches(args, host_);
            } else if (kw == "match") {
                auto m = match(here);
                if (!m) return m.error();
                active = *m;
            } else if (!active) {
                continue;
            } else if (kw == "include") {
                for (const auto& a : args) {
                    auto p = expand(a);
                    if (p.front() != '/') p = src_.home + "/.ssh/" + p;
                    for (const auto& f : src_.glob(p))
                        if (auto r = file(f, depth + 1); !r) return r;
                }
            } else if (kw == "identityfile") {
                out_.identity_files.push_back(here);
            } else if ((kw == "proxyjump" && out_.find("proxycommand")) ||
                       (kw == "proxycommand" && out_.find("proxyjump"))) {
                continue;  // OpenSSH: whichever of the two comes first
            } else {
                out_.options.try_emplace(kw, here);
            }
        }
        return {};
    }

    Result<SshConfigSettings> finish() {
        for (const auto& [kw, v] : out_.options) {
            const auto& refused = refused_options();
            const auto r = std::find_if(refused.begin(), refused.end(),
                                        [&](const Refused& x) { return kw == x.keyword; });
            if (r != refused.end()) {
                const auto first = v.args.empty() ? std::string() : v.args.front();
                const bool allowed = std::any_of(r->allowed.begin(), r->allowed.end(),
                                                 [&](auto& a) { return lower(a) == lower(first); });
                if (!allowed) return refuse(v, r->why);
                continue;
            }
            if (accepted_options().count(kw)) continue;
            const auto* ignore = out_.find("ignoreunknown");
            if (ignore && list_matches(ignore->args, kw)) continue;
            return refuse(v,
                          "it is no ssh_config option vscsi knows (OpenSSH would stop at it "
                          "too unless IgnoreUnknown lists it)");
        }
        return out_;
    }

  private:
    Error refuse(const SshConfigValue& v, const std::string& why) const {
        std::string value;
        for (const auto& a : v.args) value += " " + a;
        return Error{ErrorKind::usage,
                     fmt::format("{}: {}{} applies to {}, and {}", v.where(), printable(v.keyword),
                                 printable(value), printable(host_), why),
                     "change the config for this host, or pass --ssh-config none and give the "
                     "host's address, --user, --port and --key"};
    }

    std::string expand(std::string p) const {
        if (p.starts_with("~/")) p = src_.home + p.substr(1);
        return p;
    }

    // The HostName given so far (%h is the host), else the host itself.
    std::string target_name() const {
        const auto* h = out_.find("hostname");
        if (!h || h->args.empty()) return host_;
        auto name = h->args.front();
        for (auto at = name.find("%h"); at != std::string::npos; at = name.find("%h", at))
            name.replace(at, 2, host_);
        return name;
    }

    std::string remote_user() const {
        if (!user_.empty()) return user_;
        const auto u = out_.value("user");
        return u.empty() ? src_.local_user : u;
    }

    Result<bool> match(const SshConfigValue& here) const {
        bool all = true;
        const auto& a = here.args;
        if (a.empty())
            return Error{ErrorKind::usage, fmt::format("{}: Match without criteria", here.where()),
                         "give a criterion (host, user, all) or remove the line"};
        for (std::size_t i = 0; i < a.size(); ++i) {
            auto crit = lower(a[i]);
            const bool neg = crit.starts_with("!");
            if (neg) crit.erase(0, 1);
            bool hit = false;
            if (crit == "all") {
                hit = true;
            } else if (crit == "host" || crit == "originalhost" || crit == "user" ||
                       crit == "localuser") {
                if (i + 1 >= a.size())
                    return Error{ErrorKind::usage,
                                 fmt::format("{}: Match {} needs patterns", here.where(), crit),
                                 "give the patterns or remove the line"};
                const std::vector<std::string> list{a[++i]};
                const auto subject = crit == "host"           ? target_name()
                                     : crit == "originalhost" ? host_
                                     : crit == "user"         ? remote_user()
                                                              : src_.local_user;
                hit = list_matches(list, subject);
            } else {
                return Error{ErrorKind::usage,
                             fmt::format("{}: Match {} cannot be evaluated by vscsi (it reads "
                                         "Match host, originalhost, user, localuser and all)",
                                         here.where(), crit),
                             "use Host blocks for the hosts vscsi reaches, or pass --ssh-config "
                             "none with the host's address, --user, --port and --key"};
            }
            all = all && (neg ? !hit : hit);
        }
        return all;
    }

    std::string host_, user_;
    const SshConfigSource& src_;
    SshConfigSettings out_;
};

}  // namespace

std::string SshConfigValue::where() const {
    return fmt::format("{}:{}", file, line);
}

const SshConfigValue* SshConfigSettings::find(const std::string& keyword) const {
    const auto it = options.find(keyword);
    return it == options.end() ? nullptr : &it->second;
}

std::string SshConfigSettings::value(const std::string& keyword) const {
    const auto* v = find(keyword);
    return v && !v->args.empty() ? v->args.front() : std::string();
}

bool ssh_pattern_match(std::string_view p, std::string_view t) {
    // Iterative glob with backtracking to the last '*'.
    std::size_t pi = 0, ti = 0, star = std::string_view::npos, mark = 0;
    while (ti < t.size()) {
        if (pi < p.size() &&
            (p[pi] == '?' || std::tolower(static_cast<unsigned char>(p[pi])) ==
                                 std::tolower(static_cast<unsigned char>(t[ti])))) {
            ++pi;
            ++ti;
        } else if (pi < p.size() && p[pi] == '*') {
            star = pi++;
            mark = ti;
        } else if (star != std::string_view::npos) {
            pi = star + 1;
            ti = ++mark;
        } else {
            return false;
        }
    }
    while (pi < p.size() && p[pi] == '*') ++pi;
    return pi == p.size();
}

void apply_ssh_config(const SshConfigSettings& s, SshParams& p, const std::string& home) {
    auto expand = [&](std::string f) { return f.starts_with("~/") ? home + f.substr(1) : f; };
    if (const auto k = s.value("userknownhostsfile"); p.known_hosts.empty() && !k.empty())
        p.known_hosts = expand(k);
    if (lower(s.value("stricthostkeychecking")) == "accept-new") p.accept_new_host_key = true;
    if (lower(s.value("identitiesonly")) == "yes" || lower(s.value("identityagent")) == "none")
        p.use_agent = false;
    if (const auto t = s.value("connecttimeout"); !t.empty()) {
        char* end = nullptr;
        const long secs = std::strtol(t.c_str(), &end, 10);
        if (end && *end == '\0' && secs > 0 && std::chrono::seconds(secs) < p.connect_timeout)
            p.connect_timeout = std::chrono::seconds(secs);
    }
}

std::string describe_ssh_config(const SshConfigSettings& s) {
    std::string out;
    auto line = [&](const SshConfigValue& v) {
        std::string args;
        for (const auto& a : v.args) args += " " + a;
        out += fmt::format("  {}{}  ({})\n", printable(v.keyword), printable(args), v.where());
    };
    for (const auto& [kw, v] : s.options) line(v);
    for (const auto& v : s.identity_files) line(v);
    return out;
}

Result<std::vector<JumpHop>> parse_jump_hops(const std::string& list) {
    std::vector<JumpHop> hops;
    std::size_t start = 0;
    while (start <= list.size()) {
        const auto comma = list.find(',', start);
        std::string item =
            list.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
        start = comma == std::string::npos ? list.size() + 1 : comma + 1;
        const std::string as_given = item;
        auto bad = [&](const char* why) {
            return Error{ErrorKind::usage,
                         fmt::format("jump host '{}': {}", printable(as_given), why),
                         "write it as [user@]host[:port], several separated by commas"};
        };
        if (item.starts_with("ssh://")) item.erase(0, 6);
        if (const auto at = item.rfind('@'); at != std::string::npos) {
            JumpHop h;
            h.user = item.substr(0, at);
            item.erase(0, at + 1);
            hops.push_back(h);
        } else {
            hops.emplace_back();
        }
        auto& h = hops.back();
        std::string port;
        if (item.starts_with("[")) {
            const auto close = item.find(']');
            if (close == std::string::npos) return bad("an unclosed [");
            h.host = item.substr(1, close - 1);
            if (close + 1 < item.size()) {
                if (item[close + 1] != ':') return bad("text after ]");
                port = item.substr(close + 2);
            }
        } else if (const auto colon = item.find(':'); colon != std::string::npos) {
            h.host = item.substr(0, colon);
            port = item.substr(colon + 1);
        } else {
            h.host = item;
        }
        if (h.host.empty()) return bad("no host name");
        if (!port.empty()) {
            char* end = nullptr;
            const long v = std::strtol(port.c_str(), &end, 10);
            if (!end || *end != '\0' || v < 1 || v > 65535) return bad("the port is not 1-65535");
            h.port = static_cast<unsigned>(v);
        }
    }
    return hops;
}

Result<SshConfigSettings> evaluate_ssh_config(const std::string& path, const std::string& host,
                                              const std::string& user,
                                              const SshConfigSource& source) {
    Evaluator e(host, user, source);
    if (auto r = e.file(path, 0); !r) return r.error();
    return e.finish();
}

}  // namespace vscsi::host
