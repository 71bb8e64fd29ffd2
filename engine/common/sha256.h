// SHA-256 through OpenSSL's libcrypto: procedure versions and evidence are identified by it.
#pragma once

#include <string>
#include <string_view>

namespace siaga {

std::string Sha256Hex(std::string_view data);

}  // namespace siaga
