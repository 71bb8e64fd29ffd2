// UTF-8 validation: JSON (nlohmann::json::dump) throws on a string that is not UTF-8, so text
// from outside (CSV cells) or from scripts (Lua strings are bytes) is checked where it becomes
// JSON, and refused there with a message instead of an exception later.
#pragma once

#include <cstddef>
#include <optional>
#include <string_view>

namespace siaga {

// The offset of the first byte that does not start a well-formed UTF-8 sequence; nullopt when
// `s` is valid UTF-8 (what nlohmann::json can dump).
inline std::optional<std::size_t> FirstInvalidUtf8(std::string_view s) {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const std::size_t n = s.size();
  std::size_t i = 0;
  while (i < n) {
    const unsigned char c = p[i];
    if (c < 0x80) {
      ++i;
      continue;
    }
    // RFC 3629, table 3-7 of the Unicode standard: no overlong forms, no surrogates, <= U+10FFFF.
    std::size_t len = 0;
    unsigned char lo = 0x80, hi = 0xBF;
    if (c >= 0xC2 && c <= 0xDF) len = 2;
    else if (c == 0xE0) len = 3, lo = 0xA0;
    else if ((c >= 0xE1 && c <= 0xEC) || c == 0xEE || c == 0xEF) len = 3;
    else if (c == 0xED) len = 3, hi = 0x9F;
    else if (c == 0xF0) len = 4, lo = 0x90;
    else if (c >= 0xF1 && c <= 0xF3) len = 4;
    else if (c == 0xF4) len = 4, hi = 0x8F;
    else return i;
    if (i + len > n) return i;
    if (p[i + 1] < lo || p[i + 1] > hi) return i;
    for (std::size_t k = 2; k < len; ++k)
      if (p[i + k] < 0x80 || p[i + k] > 0xBF) return i;
    i += len;
  }
  return std::nullopt;
}

}  // namespace siaga
