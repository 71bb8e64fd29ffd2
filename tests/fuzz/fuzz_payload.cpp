// Fuzz target: webhook body decoders (DecodePayload) with the production limits and small ones.
// Input: byte 0 picks the format (0 JSON, 1 JSON lines, 2 CSV) and, from bit 2 up, the limits;
// the rest is the body.
#include <cstdint>
#include <functional>

#include "fuzz_check.h"
#include "webhooks/payload.h"

using namespace siaga;

namespace {

int Depth(const nlohmann::json& j) {
  int deepest = 0;
  if (j.is_structured())
    for (const auto& v : j) deepest = std::max(deepest, Depth(v));
  return j.is_structured() ? deepest + 1 : 0;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  const std::uint8_t sel = data[0];
  const PayloadFormat format = sel % 3 == 0 ? PayloadFormat::kJson
                               : sel % 3 == 1 ? PayloadFormat::kJsonLines
                                              : PayloadFormat::kCsv;
  PayloadLimits limits;
  if (sel & 0x80) {  // tight limits, so that every limit's edge is reachable by small inputs
    limits.max_depth = 1 + ((sel >> 2) & 7);
    limits.max_elements = 1 + ((sel >> 2) & 31);
    limits.max_records = 1 + ((sel >> 3) & 7);
    limits.max_columns = 1 + ((sel >> 4) & 3);
  }
  auto out = DecodePayload(format, fuzz::AsText(data + 1, size - 1), limits);
  if (!out.ok()) {
    FUZZ_CHECK(out.status().code() == StatusCode::kInvalidArgument);
    FUZZ_CHECK(!out.status().field().empty());
    return 0;
  }
  const nlohmann::json& j = *out;
  switch (format) {
    case PayloadFormat::kJson:
      // The document's own depth (a bare value is 0).
      FUZZ_CHECK(Depth(j) <= limits.max_depth);
      break;
    case PayloadFormat::kJsonLines:
      FUZZ_CHECK(j.is_array() && j.size() <= limits.max_records);
      for (const auto& doc : j) FUZZ_CHECK(Depth(doc) <= limits.max_depth);
      break;
    case PayloadFormat::kCsv:
      FUZZ_CHECK(j.is_array() && j.size() <= limits.max_records);
      for (const auto& row : j) {
        FUZZ_CHECK(row.is_object() && row.size() <= limits.max_columns);
        for (const auto& cell : row) FUZZ_CHECK(cell.is_string());
      }
      break;
  }
  // What was decoded can be written out again (the inbox keeps it as JSON text); invalid UTF-8
  // must have been refused or replaced by the decoder, or dump() would throw here.
  (void)j.dump();
  return 0;
}
