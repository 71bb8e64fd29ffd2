// Hashes and random bytes through OpenSSL's libcrypto: procedure versions and evidence are
// identified by SHA-256; tokens and secrets come from its CSPRNG.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "common/status.h"

namespace siaga {

std::string Sha256Hex(std::string_view data);
std::string HexOf(const unsigned char* data, std::size_t size);
// `bytes` random bytes as hex digits.
Result<std::string> RandomHex(std::size_t bytes = 32);

}  // namespace siaga
