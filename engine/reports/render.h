// Printing a ReportOutput: JSON (everything), CSV (one table), Markdown, and a self-contained
// HTML page (inline CSS, SVG charts drawn here: no JavaScript, nothing fetched from elsewhere).
// Every text that came from a script or the store is escaped for the format it lands in; CSV
// cells that a spreadsheet would run as a formula are defused (render_csv.cpp).
#pragma once

#include "common/html_escape.h"  // HtmlEscape, used by every HTML renderer

#include <string>

#include <nlohmann/json.hpp>

#include "common/status.h"
#include "reports/report_output.h"

namespace siaga {

enum class ReportFormat { kJson, kCsv, kMarkdown, kHtml };

// "json", "csv", "md" (or "markdown"), "html".
Result<ReportFormat> ParseReportFormat(const std::string& name);
const char* ReportContentType(ReportFormat format);
const char* ReportFileExtension(ReportFormat format);

// CSV prints one table: `table` by name, or the first when empty.
Result<std::string> RenderReport(const ReportOutput& report, ReportFormat format, const std::string& table = "");

nlohmann::json ReportToJson(const ReportOutput& report);
// The same document as text, written table row by table row (no JSON tree of the rows).
std::string RenderJson(const ReportOutput& report);
std::string RenderCsv(const ReportTable& table);
std::string RenderMarkdown(const ReportOutput& report);
std::string RenderHtml(const ReportOutput& report);
std::string RenderSvgChart(const ReportChart& chart);

// A cell or summary value as text: "" for null, integers as written, other numbers with at most
// two decimals, booleans as "ya" / "tidak".
std::string CellText(const nlohmann::json& value);

}  // namespace siaga
