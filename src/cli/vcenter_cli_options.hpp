#pragma once
// How to reach a vCenter: address, user, password (from $VSCSI_VC_PASSWORD,
// --vc-password-file or a prompt, never argv), and which certificate to trust.

#include <boost/program_options.hpp>
#include <string>

#include "vcenter/vim_session.hpp"

namespace vscsi {

struct VcenterCliOptions {
    std::string user, password_file, thumbprint, ca_file;
    bool insecure = false, ask_password = false;
    double timeout = 30;

    void add_to(boost::program_options::options_description& desc);
    // vc: "vc01", "vc01:8443" or "https://vc01[:port][/sdk]". Throws UsageError.
    vcenter::VcenterParams to_params(const std::string& vc) const;
};

}  // namespace vscsi
