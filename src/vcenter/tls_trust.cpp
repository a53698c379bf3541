#include "vcenter/tls_trust.hpp"

#include <openssl/evp.h>

#include <cctype>

namespace vscsi::vcenter {

std::optional<std::string> normalize_thumbprint(std::string_view text) {
    if (text.size() > 7 && (text.substr(0, 7) == "SHA256:" || text.substr(0, 7) == "sha256:"))
        text.remove_prefix(7);
    std::string hex;
    for (char c : text) {
        if (c == ':' || c == ' ') continue;
        if (!std::isxdigit(static_cast<unsigned char>(c))) return std::nullopt;
        hex += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    }
    if (hex.size() != 64) return std::nullopt;
    std::string out;
    for (std::size_t i = 0; i < hex.size(); i += 2) {
        if (i) out += ':';
        out.append(hex, i, 2);
    }
    return out;
}

std::string thumbprint_of_der(const unsigned char* der, std::size_t size) {
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    EVP_Digest(der, size, md, &len, EVP_sha256(), nullptr);
    static constexpr char kHex[] = "0123456789ABCDEF";
    std::string out;
    for (unsigned i = 0; i < len; ++i) {
        if (i) out += ':';
        out += kHex[md[i] >> 4];
        out += kHex[md[i] & 15];
    }
    return out;
}

}  // namespace vscsi::vcenter
