#include "webhooks/payload.h"

#include <algorithm>
#include <stdexcept>

namespace siaga {

namespace {

struct LimitExceeded : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// nlohmann's parser keeps its own stack (no recursion), so depth is bounded here before the
// value is built, and so is the number of values.
Result<nlohmann::json> DecodeJson(std::string_view text, const PayloadLimits& limits, std::size_t& elements,
                                  const std::string& where) {
  auto guard = [&](int depth, nlohmann::json::parse_event_t event, nlohmann::json&) {
    if (depth > limits.max_depth) throw LimitExceeded("nested deeper than " + std::to_string(limits.max_depth) + " levels");
    if (event == nlohmann::json::parse_event_t::value && ++elements > limits.max_elements)
      throw LimitExceeded("more than " + std::to_string(limits.max_elements) + " values");
    return true;
  };
  try {
    return nlohmann::json::parse(text.begin(), text.end(), guard);
  } catch (const LimitExceeded& e) {
    return InvalidField(where, e.what());
  } catch (const nlohmann::json::parse_error& e) {
    std::string message = e.what();
    const auto colon = message.find("parse error");
    return InvalidField(where, "malformed JSON (" + (colon == std::string::npos ? message : message.substr(colon)) + ")");
  } catch (const nlohmann::json::exception& e) {
    // Not a syntax error but still the sender's: a number beyond a double (1e309) is out_of_range.
    std::string message = e.what();
    const auto close = message.find("] ");
    return InvalidField(where, "unreadable JSON (" + (close == std::string::npos ? message : message.substr(close + 2)) + ")");
  }
}

std::string Trim(std::string_view s) {
  const auto first = s.find_first_not_of(" \t");
  if (first == std::string_view::npos) return {};
  const auto last = s.find_last_not_of(" \t");
  return std::string(s.substr(first, last - first + 1));
}

// RFC 4180: comma separated, "quoted" fields with "" for a quote, CRLF or LF line ends, quoted
// fields may span lines.
class CsvReader {
 public:
  explicit CsvReader(std::string_view text) : text_(text) {
    if (text_.substr(0, 3) == "\xEF\xBB\xBF") text_.remove_prefix(3);  // UTF-8 byte-order mark
  }
  bool done() const { return pos_ >= text_.size(); }
  int line() const { return line_; }

  // Reads one record; a blank line gives an empty record.
  Status Next(std::vector<std::string>& record) {
    record.clear();
    std::string field;
    bool quoted = false, was_quoted = false;
    while (pos_ < text_.size()) {
      const char ch = text_[pos_++];
      if (quoted) {
        if (ch == '"') {
          if (pos_ < text_.size() && text_[pos_] == '"') {
            field += '"';
            ++pos_;
          } else {
            quoted = false;
          }
        } else {
          if (ch == '\n') ++line_;
          field += ch;
        }
        continue;
      }
      if (ch == '"') {
        if (!field.empty() || was_quoted) return Fail("a quote inside an unquoted field");
        quoted = was_quoted = true;
      } else if (ch == ',') {
        record.push_back(std::move(field));
        field.clear();
        was_quoted = false;
      } else if (ch == '\r' || ch == '\n') {
        if (ch == '\r' && pos_ < text_.size() && text_[pos_] == '\n') ++pos_;
        ++line_;
        break;
      } else {
        if (was_quoted) return Fail("text after a closing quote");
        field += ch;
      }
    }
    if (quoted) return Fail("a quoted field is not closed");
    if (!field.empty() || was_quoted || !record.empty()) record.push_back(std::move(field));
    return Status::Ok();
  }

 private:
  Status Fail(const std::string& what) const { return InvalidField("line " + std::to_string(line_), "malformed CSV: " + what); }
  std::string_view text_;
  std::size_t pos_ = 0;
  int line_ = 1;
};

Result<nlohmann::json> DecodeCsv(std::string_view text, const PayloadLimits& limits) {
  // JSON text is checked by the parser; CSV cells are bytes, and a string that is not UTF-8 makes
  // every later dump() of a draft, a case or an API answer throw.
  if (auto bad = FirstInvalidUtf8(text)) {
    const auto line = 1 + std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(*bad), '\n');
    return InvalidField("line " + std::to_string(line), "not valid UTF-8 (byte " + std::to_string(*bad + 1) + ")");
  }
  CsvReader reader(text);
  std::vector<std::string> header, record;
  while (header.empty() && !reader.done()) {
    SIAGA_TRY(reader.Next(header));
  }
  if (header.empty()) return InvalidField("body", "a CSV report needs a header row");
  if (header.size() > limits.max_columns)
    return InvalidField("line 1", "more than " + std::to_string(limits.max_columns) + " columns");
  for (auto& name : header) {
    name = Trim(name);
    if (name.empty()) return InvalidField("header", "a column has no name");
  }
  nlohmann::json rows = nlohmann::json::array();
  std::size_t cells = 0;
  while (!reader.done()) {
    const int line = reader.line();
    SIAGA_TRY(reader.Next(record));
    if (record.empty()) continue;
    if (record.size() != header.size())
      return InvalidField("line " + std::to_string(line), "has " + std::to_string(record.size()) + " fields; the header has " +
                                                                std::to_string(header.size()));
    if (rows.size() >= limits.max_records)
      return InvalidField("body", "more than " + std::to_string(limits.max_records) + " rows");
    cells += record.size();
    if (cells > limits.max_elements) return InvalidField("body", "more than " + std::to_string(limits.max_elements) + " cells");
    nlohmann::json row = nlohmann::json::object();
    for (std::size_t i = 0; i < header.size(); ++i) row[header[i]] = std::move(record[i]);
    rows.push_back(std::move(row));
  }
  return rows;
}

}  // namespace

const char* PayloadFormatName(PayloadFormat format) {
  switch (format) {
    case PayloadFormat::kJson: return "json";
    case PayloadFormat::kJsonLines: return "jsonl";
    case PayloadFormat::kCsv: return "csv";
  }
  return "?";
}

const char* PayloadMediaType(PayloadFormat format) {
  switch (format) {
    case PayloadFormat::kJson: return "application/json";
    case PayloadFormat::kJsonLines: return "application/x-ndjson";
    case PayloadFormat::kCsv: return "text/csv";
  }
  return "application/octet-stream";
}

Result<PayloadFormat> ParsePayloadFormat(const std::string& name) {
  if (name == "json") return PayloadFormat::kJson;
  if (name == "jsonl") return PayloadFormat::kJsonLines;
  if (name == "csv") return PayloadFormat::kCsv;
  return InvalidField("format", "must be json, jsonl or csv, not '" + name + "'");
}

Result<nlohmann::json> DecodePayload(PayloadFormat format, std::string_view body, const PayloadLimits& limits) {
  if (body.empty()) return InvalidField("body", "is empty");
  std::size_t elements = 0;
  switch (format) {
    case PayloadFormat::kJson:
      return DecodeJson(body, limits, elements, "body");
    case PayloadFormat::kJsonLines: {
      nlohmann::json docs = nlohmann::json::array();
      std::size_t start = 0;
      int line = 0;
      while (start < body.size()) {
        auto end = body.find('\n', start);
        if (end == std::string_view::npos) end = body.size();
        ++line;
        std::string_view text = body.substr(start, end - start);
        start = end + 1;
        if (Trim(text).empty() || text == "\r") continue;
        if (docs.size() >= limits.max_records)
          return InvalidField("body", "more than " + std::to_string(limits.max_records) + " lines");
        auto doc = DecodeJson(text, limits, elements, "line " + std::to_string(line));
        if (!doc.ok()) return doc.status();
        docs.push_back(std::move(*doc));
      }
      return docs;  // blank lines only: a scan that found nothing
    }
    case PayloadFormat::kCsv:
      return DecodeCsv(body, limits);
  }
  return Internal("unknown payload format");
}

}  // namespace siaga
