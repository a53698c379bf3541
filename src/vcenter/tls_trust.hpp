#pragma once
// Which server certificates a vCenter connection accepts: the system's CAs (or
// a CA file), a pinned SHA-256 thumbprint (as govc's --thumbprint), or any,
// when the user said --insecure. An unknown certificate is refused with its
// thumbprint, so the user can check it and pin it.

#include <optional>
#include <string>
#include <string_view>

namespace vscsi::vcenter {

struct TlsTrust {
    enum class Mode { system_cas, thumbprint, insecure };
    Mode mode = Mode::system_cas;
    std::string thumbprint;  // "AB:CD:...": 32 bytes of hex, as normalize_thumbprint gives
    std::string ca_file;     // system_cas: this PEM file instead of the system's
};

// "ab cd..", "abcd..", "AB:CD:..", "SHA256:AB:.." -> "AB:CD:..."; nullopt when not 32 bytes of hex.
std::optional<std::string> normalize_thumbprint(std::string_view text);
// The thumbprint of a certificate's DER bytes, "AB:CD:...".
std::string thumbprint_of_der(const unsigned char* der, std::size_t size);

}  // namespace vscsi::vcenter
