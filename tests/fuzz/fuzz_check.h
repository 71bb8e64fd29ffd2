// Shared by the fuzz targets (docs/reliability.md, "Fuzzing").
// FUZZ_CHECK states a property every input must keep; a broken one aborts, which libFuzzer
// records as a crash and the replay test ("fuzz_replay: TARGET" in ctest) reports as a failure.
#pragma once

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#define FUZZ_CHECK(cond)                                                                  \
  do {                                                                                    \
    if (!(cond)) {                                                                        \
      std::fprintf(stderr, "%s:%d: fuzz property failed: %s\n", __FILE__, __LINE__, #cond); \
      std::abort();                                                                       \
    }                                                                                     \
  } while (0)

namespace siaga::fuzz {

inline std::string_view AsText(const std::uint8_t* data, std::size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

// Where the shipped files are (webhooks/, sop/): SIAGA_FUZZ_SOURCE_DIR overrides the build's
// source directory, so a fuzz binary can be run against another checkout.
inline std::string SourceDir() {
  const char* env = std::getenv("SIAGA_FUZZ_SOURCE_DIR");
  return env != nullptr && *env != '\0' ? std::string(env) : std::string(SIAGA_SOURCE_DIR);
}

}  // namespace siaga::fuzz
