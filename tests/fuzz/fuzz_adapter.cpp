// Fuzz target: every shipped webhook adapter (webhooks/*.lua with webhooks/lib/bantu.lua), run
// in-process in its sandbox on the input, then the intake's ValidateDrafts on what it returned.
// Input: byte 0 picks the adapter (by index in name order, modulo their number); the rest is the
// body, decoded in the adapter's own format first.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "fuzz_check.h"
#include "webhooks/adapter.h"
#include "webhooks/intake.h"

using namespace siaga;

namespace {
std::vector<std::shared_ptr<AdapterScript>>* adapters = nullptr;
}

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  // The production budgets but a smaller instruction count: a run that needs more than 5 million
  // instructions is a finding (a slow input) whichever limit stops it, and the fuzzer stays fast.
  LuaLimits limits;
  limits.instructions = 5'000'000;
  AdapterSet set = LoadAdapters(fuzz::SourceDir() + "/webhooks", limits);
  for (const auto& e : set.errors) std::fprintf(stderr, "fuzz_adapter: %s\n", e.c_str());
  if (!set.errors.empty() || set.adapters.empty()) std::abort();
  adapters = new std::vector<std::shared_ptr<AdapterScript>>();
  for (auto& [name, script] : set.adapters) adapters->push_back(script);  // std::map: name order
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  AdapterScript& script = *(*adapters)[data[0] % adapters->size()];
  const std::string body(fuzz::AsText(data + 1, size - 1));
  const std::string& name = script.info().name;
  auto out = script.Run(body, {{"adapter", name}, {"received_at", 1796000000}, {"sender", "fuzz"}});
  if (!out.ok()) {
    // A bad payload (400) or a failing script (held with the reason): nothing else.
    FUZZ_CHECK(out.status().code() == StatusCode::kInvalidArgument || out.status().code() == StatusCode::kScriptError);
    FUZZ_CHECK(!out.status().message().empty());
    return 0;
  }
  auto drafts = ValidateDrafts(*out, name, body, PayloadMediaType(script.info().format));
  if (drafts.ok())
    for (const auto& d : *drafts) (void)DraftToJson(d).dump();
  return 0;
}
