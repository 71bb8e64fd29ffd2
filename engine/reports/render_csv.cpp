// CSV (RFC 4180): comma-separated, CRLF line ends, fields with a comma, quote or line break in
// double quotes. A text cell starting with =, +, -, @, tab or carriage return is prefixed with a
// single quote, so a spreadsheet shows it instead of running it as a formula (CSV injection:
// case titles and fields come from webhook payloads). Numbers are left as they are.
#include "reports/render.h"

namespace siaga {

namespace {

std::string CsvField(std::string text, bool is_text) {
  if (is_text && !text.empty() &&
      (text[0] == '=' || text[0] == '+' || text[0] == '-' || text[0] == '@' || text[0] == '\t' || text[0] == '\r'))
    text.insert(text.begin(), '\'');
  if (text.find_first_of(",\"\r\n") == std::string::npos) return text;
  std::string out = "\"";
  for (char c : text) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

}  // namespace

std::string RenderCsv(const ReportTable& table) {
  std::string out;
  for (std::size_t i = 0; i < table.columns.size(); ++i) out += (i ? "," : "") + CsvField(table.columns[i].label, true);
  out += "\r\n";
  for (const auto& row : table.rows) {
    for (std::size_t i = 0; i < row.size(); ++i) out += (i ? "," : "") + CsvField(CellText(row[i]), row[i].is_string());
    out += "\r\n";
  }
  return out;
}

}  // namespace siaga
