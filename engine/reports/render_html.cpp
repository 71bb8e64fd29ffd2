// A self-contained HTML page: inline CSS and inline SVG, no script and nothing loaded from
// elsewhere, so it can be mailed upward or opened offline. Everything from the script or the
// store is escaped.
#include "reports/render.h"

namespace siaga {

namespace {

constexpr const char* kStyle = R"css(
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:2rem auto;max-width:1100px;color:#1b1b1b;padding:0 1rem}
h1{font-size:1.5rem;margin-bottom:.25rem}h2{font-size:1.15rem;margin-top:2rem;border-bottom:1px solid #ddd;padding-bottom:.25rem}
.meta,.desc{color:#555;font-size:.9rem}.params{font-size:.9rem}.params span{background:#f1f3f4;border-radius:4px;padding:.1rem .4rem;margin-right:.4rem}
.summary{display:flex;flex-wrap:wrap;gap:.75rem;margin:1rem 0}.figure{border:1px solid #ddd;border-radius:6px;padding:.6rem .9rem;min-width:9rem}
.figure .value{display:block;font-size:1.4rem;font-weight:600}.figure .label{font-size:.8rem;color:#555}
table{border-collapse:collapse;width:100%;font-size:.85rem}th,td{border:1px solid #ddd;padding:.3rem .5rem;text-align:left;vertical-align:top}
th{background:#f5f5f5}td.num{text-align:right;font-variant-numeric:tabular-nums}tr:nth-child(even) td{background:#fafafa}
figure{margin:1rem 0}svg.chart{width:100%;max-width:760px;height:auto;font-size:11px}.chart-title{font-size:14px;font-weight:600}
.grid{stroke:#e5e5e5}.axis{stroke:#888}.tick{fill:#444}.legend{fill:#222}
@media print{body{margin:0}h2{break-after:avoid}table,figure{break-inside:avoid}}
)css";

}  // namespace

std::string RenderHtml(const ReportOutput& r) {
  std::string out = "<!DOCTYPE html>\n<html lang=\"id\"><head><meta charset=\"utf-8\">"
                    "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
                    "<title>" + HtmlEscape(r.title) + "</title><style>" + kStyle + "</style></head><body>\n";
  out += "<header><h1>" + HtmlEscape(r.title) + "</h1>";
  if (!r.description.empty()) out += "<p class=\"desc\">" + HtmlEscape(r.description) + "</p>";
  if (!r.params.empty()) {
    out += "<p class=\"params\">";
    for (const auto& [name, value] : r.params) out += "<span>" + HtmlEscape(name) + " = " + HtmlEscape(value) + "</span>";
    out += "</p>";
  }
  out += "<p class=\"meta\">Laporan " + HtmlEscape(r.name) + " · dibuat " + HtmlEscape(FormatUtc(r.generated_at)) + " · zona waktu " +
         HtmlEscape(r.zone_label) + "</p></header>\n";
  if (!r.summary.empty()) {
    out += "<section class=\"summary\">";
    for (const SummaryFigure& f : r.summary)
      out += "<div class=\"figure\"><span class=\"value\">" + HtmlEscape(CellText(f.value)) + "</span><span class=\"label\">" +
             HtmlEscape(f.label) + "</span></div>";
    out += "</section>\n";
  }
  for (const ReportChart& c : r.charts) out += "<figure>" + RenderSvgChart(c) + "</figure>\n";
  for (const ReportTable& t : r.tables) {
    out += "<section><h2>" + HtmlEscape(t.title) + "</h2><table><thead><tr>";
    for (const ReportColumn& c : t.columns) out += "<th>" + HtmlEscape(c.label) + "</th>";
    out += "</tr></thead><tbody>";
    for (const auto& row : t.rows) {
      out += "<tr>";
      for (const auto& cell : row) out += std::string(cell.is_number() ? "<td class=\"num\">" : "<td>") + HtmlEscape(CellText(cell)) + "</td>";
      out += "</tr>";
    }
    if (t.rows.empty()) out += "<tr><td colspan=\"" + std::to_string(t.columns.size()) + "\"><em>tidak ada baris</em></td></tr>";
    out += "</tbody></table></section>\n";
  }
  if (!r.notes.empty()) {
    out += "<section><h2>Catatan</h2><ul>";
    for (const auto& n : r.notes) out += "<li>" + HtmlEscape(n) + "</li>";
    out += "</ul></section>\n";
  }
  out += "</body></html>\n";
  return out;
}

}  // namespace siaga
