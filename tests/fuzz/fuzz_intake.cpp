// Fuzz target: an adapter's output as the intake sees it: the input is decoded as JSON and, when
// it decodes, checked by ValidateDrafts (the adapter is admin code fed with attacker data, so its
// output is input too), then planned and turned into an ingest command.
#include <cstdint>
#include <optional>

#include "fuzz_check.h"
#include "webhooks/intake.h"
#include "webhooks/payload.h"

using namespace siaga;

namespace {
Routes* routes = nullptr;  // the shipped webhooks/routes.lua, so that drafts are routed as in production
}

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  auto r = Routes::LoadFile(fuzz::SourceDir() + "/webhooks/routes.lua");
  if (!r.ok()) {
    std::fprintf(stderr, "fuzz_intake: %s\n", r.status().message().c_str());
    std::abort();
  }
  routes = new Routes(std::move(*r));
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string body(fuzz::AsText(data, size));
  auto decoded = DecodePayload(PayloadFormat::kJson, body);
  if (!decoded.ok()) return 0;
  auto drafts = ValidateDrafts(*decoded, "fuzz", body, "application/json");
  if (!drafts.ok()) {
    FUZZ_CHECK(drafts.status().code() == StatusCode::kInvalidArgument);
    FUZZ_CHECK(!drafts.status().field().empty());
  } else {
    FUZZ_CHECK(decoded->is_array() && drafts->size() == decoded->size());
    for (const auto& d : *drafts) {
      FUZZ_CHECK(!d.dedupe_key.empty());  // re-sending a payload must never open a second case
      FUZZ_CHECK(!d.title.empty() && !d.source.empty() && !d.severity.empty());
      (void)DraftToJson(d).dump();
    }
  }
  // The whole way to the command, routed by the shipped rules.
  Result<nlohmann::json> out = *decoded;
  IngestRequest request = MakeIngest(out, "wazuh", "fuzz-sender", "application/json", body, *routes);
  if (drafts.ok()) FUZZ_CHECK(request.opens.size() + static_cast<std::size_t>(request.ignored) <= drafts->size());
  return 0;
}
