// Decoding of webhook bodies before any adapter sees them: JSON (one document), JSON lines and
// CSV with a header row, each with limits on depth, size and count, so that malformed or hostile
// input is refused with the place at fault (a 400) and never reaches Lua.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "common/status.h"
#include "common/utf8.h"  // FirstInvalidUtf8

namespace siaga {

enum class PayloadFormat { kJson, kJsonLines, kCsv };

const char* PayloadFormatName(PayloadFormat format);
Result<PayloadFormat> ParsePayloadFormat(const std::string& name);
const char* PayloadMediaType(PayloadFormat format);  // application/json, application/x-ndjson, text/csv

struct PayloadLimits {
  int max_depth = 64;
  std::size_t max_elements = 200'000;  // values in all documents, or cells of a CSV
  std::size_t max_records = 100'000;   // JSON lines or CSV rows
  std::size_t max_columns = 512;
};

// json: the document; jsonl: an array of the documents, one per non-blank line; csv: an array of
// objects keyed by the trimmed header names, every value a string. Errors carry field() "body",
// "line N" or "row N".
Result<nlohmann::json> DecodePayload(PayloadFormat format, std::string_view body, const PayloadLimits& limits = {});

}  // namespace siaga
