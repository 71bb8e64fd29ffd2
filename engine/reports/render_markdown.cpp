// Markdown (GitHub tables). Cell text has its pipes and backslashes escaped and line breaks
// turned into spaces, so a cell cannot break the table; HTML in cells is escaped too, since
// Markdown viewers render inline HTML.
#include "reports/render.h"

namespace siaga {

namespace {

std::string MdText(const std::string& text) {
  std::string out;
  for (char c : HtmlEscape(text)) {
    if (c == '|' || c == '\\' || c == '*' || c == '_' || c == '`' || c == '[' || c == ']') out += '\\';
    if (c == '\n' || c == '\r') c = ' ';
    out += c;
  }
  return out;
}

}  // namespace

std::string RenderMarkdown(const ReportOutput& r) {
  std::string out = "# " + MdText(r.title) + "\n\n";
  if (!r.description.empty()) out += MdText(r.description) + "\n\n";
  out += "Laporan `" + r.name + "`, dibuat " + FormatUtc(r.generated_at) + " (zona waktu " + MdText(r.zone_label) + ")";
  for (const auto& [name, value] : r.params) out += "; " + MdText(name) + " = " + MdText(value);
  out += "\n\n";
  if (!r.summary.empty()) {
    out += "## Ringkasan\n\n| | |\n|---|---:|\n";
    for (const SummaryFigure& f : r.summary) out += "| " + MdText(f.label) + " | " + MdText(CellText(f.value)) + " |\n";
    out += "\n";
  }
  for (const ReportTable& t : r.tables) {
    out += "## " + MdText(t.title) + "\n\n|";
    for (const ReportColumn& c : t.columns) out += " " + MdText(c.label) + " |";
    out += "\n|";
    for (std::size_t i = 0; i < t.columns.size(); ++i) {
      bool numeric = !t.rows.empty();
      for (const auto& row : t.rows) numeric = numeric && (row[i].is_number() || row[i].is_null());
      out += numeric ? "---:|" : "---|";
    }
    out += "\n";
    for (const auto& row : t.rows) {
      out += "|";
      for (const auto& cell : row) out += " " + MdText(CellText(cell)) + " |";
      out += "\n";
    }
    if (t.rows.empty()) out += "\n_(tidak ada baris)_\n";
    out += "\n";
  }
  for (const ReportChart& c : r.charts) out += "_Grafik: " + MdText(c.title) + " (lihat format HTML)_\n\n";
  if (!r.notes.empty()) {
    out += "## Catatan\n\n";
    for (const auto& n : r.notes) out += "- " + MdText(n) + "\n";
    out += "\n";
  }
  return out;
}

}  // namespace siaga
