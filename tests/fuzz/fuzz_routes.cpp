// Fuzz target: a routes file (webhooks/routes.lua) through Routes::Parse, then a routing decision
// for a few drafts. A file either gives rules that each open a procedure or ignore, or an error
// with its message; routing never throws.
#include <cstdint>
#include <string>

#include "fuzz_check.h"
#include "webhooks/routes.h"

using namespace siaga;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto routes = Routes::Parse(std::string(fuzz::AsText(data, size)), "webhooks/routes.lua");
  if (!routes.ok()) {
    FUZZ_CHECK(!routes.status().message().empty());
    return 0;
  }
  for (const RouteRule& rule : routes->rules()) FUZZ_CHECK(rule.ignore != !rule.procedure.empty());
  for (const char* adapter : {"generic", "nuclei", "shadowserver"})
    for (const char* severity : {"info", "critical"}) {
      auto decision = routes->Route(adapter, severity, "sensor");
      if (decision) FUZZ_CHECK(decision->ignore || !decision->procedure.empty());
    }
  return 0;
}
