#include "cli/vcenter_cli_options.hpp"

#include <fmt/core.h>
#include <unistd.h>

#include <cstdlib>

#include "cli/command_context.hpp"
#include "format/value_limits.hpp"
#include "host/ssh_params.hpp"

namespace vscsi {
namespace po = boost::program_options;

void VcenterCliOptions::add_to(po::options_description& desc) {
    desc.add_options()("vc-user", po::value(&user),
                       "vCenter user, e.g. administrator@vsphere.local (default $VSCSI_VC_USER)")(
        "vc-password-file", po::value(&password_file),
        "read the vCenter password from this file (first line)")(
        "vc-ask-password", po::bool_switch(&ask_password),
        "prompt for the vCenter password on the terminal")(
        "thumbprint", po::value(&thumbprint),
        "trust only the vCenter certificate with this SHA-256 thumbprint (AB:CD:..., as govc)")(
        "ca-file", po::value(&ca_file),
        "trust the CA certificates in this PEM file instead of the system's")(
        "insecure", po::bool_switch(&insecure),
        "do not check the vCenter's certificate (not for production)")(
        "vc-timeout", po::value(&timeout)->default_value(timeout),
        "seconds for each vCenter request");
}

vcenter::VcenterParams VcenterCliOptions::to_params(const std::string& vc) const {
    vcenter::VcenterParams p;
    std::string_view rest(vc);
    if (rest.starts_with("https://"))
        rest.remove_prefix(8);
    else if (rest.find("://") != std::string_view::npos)
        throw UsageError(
            "vCenter '" + vc +
            "': only https:// is spoken (give NAME, NAME:PORT or https://NAME[:PORT])");
    if (const auto slash = rest.find('/'); slash != std::string_view::npos) {
        p.target.path = std::string(rest.substr(slash));
        rest = rest.substr(0, slash);
    }
    if (rest.find('@') != std::string_view::npos)
        throw UsageError("vCenter '" + vc +
                         "': give the user with --vc-user and the password by "
                         "$VSCSI_VC_PASSWORD or --vc-password-file, not in the address");
    std::string host(rest);
    if (host.starts_with("[")) {  // [IPv6]:port
        const auto close = host.find(']');
        if (close == std::string::npos) throw UsageError("vCenter '" + vc + "': unclosed [");
        const auto port = host.substr(close + 1);
        host = host.substr(1, close - 1);
        if (port.starts_with(":"))
            p.target.port = static_cast<unsigned>(std::atoi(port.c_str() + 1));
    } else if (const auto colon = host.rfind(':');
               colon != std::string::npos && host.find(':') == colon) {
        const auto port = host.substr(colon + 1);
        if (port.empty() || port.find_first_not_of("0123456789") != std::string::npos ||
            port.size() > 5)
            throw UsageError("vCenter '" + vc + "': port '" + port + "' is not a number");
        p.target.port = static_cast<unsigned>(std::stoul(port));
        host.resize(colon);
    }
    if (host.empty()) throw UsageError("vCenter '" + vc + "': no host name");
    if (p.target.port == 0 || p.target.port > 65535)
        throw UsageError("vCenter '" + vc + "': port out of range 1-65535");
    p.target.host = host;
    if (auto why = limits::out_of_range(timeout, limits::kConnectTimeout))
        throw UsageError("--vc-timeout " + *why);
    p.target.timeout = std::chrono::milliseconds(static_cast<long long>(timeout * 1000));

    if (insecure + !thumbprint.empty() + !ca_file.empty() > 1)
        throw UsageError("give one of --thumbprint, --ca-file and --insecure");
    if (insecure) {
        p.trust.mode = vcenter::TlsTrust::Mode::insecure;
    } else if (!thumbprint.empty()) {
        auto t = vcenter::normalize_thumbprint(thumbprint);
        if (!t)
            throw UsageError("--thumbprint '" + thumbprint +
                             "': not a SHA-256 thumbprint (64 hex digits, colons optional)");
        p.trust.mode = vcenter::TlsTrust::Mode::thumbprint;
        p.trust.thumbprint = *t;
    } else {
        p.trust.ca_file = ca_file;
    }

    p.user = user;
    if (p.user.empty())
        if (const char* u = std::getenv("VSCSI_VC_USER")) p.user = u;
    if (p.user.empty())
        throw UsageError("vCenter '" + vc + "': no user (--vc-user or $VSCSI_VC_USER)");
    if (const char* pw = std::getenv("VSCSI_VC_PASSWORD"); pw && *pw) p.password = pw;
    if (!password_file.empty()) {
        auto line = host::read_password_line(password_file);
        if (!line) throw UsageError("--vc-password-file: " + line.error().message());
        p.password = std::move(*line);
    }
    if (ask_password) {
        if (!::isatty(STDIN_FILENO))
            throw UsageError(
                "--vc-ask-password needs a terminal; use $VSCSI_VC_PASSWORD or --vc-password-file "
                "in scripts");
        const char* pw =
            ::getpass(fmt::format("vCenter password for {}@{}: ", p.user, host).c_str());
        if (pw) p.password = pw;
    }
    if (p.password.empty())
        throw UsageError(
            "vCenter '" + vc +
            "': no password ($VSCSI_VC_PASSWORD, --vc-password-file or --vc-ask-password)");
    return p;
}

}  // namespace vscsi
