// What a report run produces, independent of how it is printed: summary figures, tables and
// charts. The script builds it as a Lua table (docs/reports.md); ReadReportResult checks it and
// the renderers (render.h) print it as CSV, JSON, Markdown or HTML.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/clock.h"

namespace siaga {

struct ReportColumn {
  std::string key, label;
};

struct ReportTable {
  std::string name, title;
  std::vector<ReportColumn> columns;
  std::vector<std::vector<nlohmann::json>> rows;  // one cell per column: string, number, bool or null
};

struct ChartSeries {
  std::string name;
  std::vector<double> values;  // one per x label
};

struct ReportChart {
  std::string type;  // "bar" or "line"
  std::string title, y_label;
  bool stacked = false;  // bars only: series stacked instead of side by side
  std::vector<std::string> x;
  std::vector<ChartSeries> series;
};

struct SummaryFigure {
  std::string label;
  nlohmann::json value;
};

struct ReportOutput {
  std::string name, title, description;
  std::vector<std::pair<std::string, std::string>> params;  // name, value as given
  std::string zone_label;
  UnixSeconds generated_at = 0;
  std::vector<SummaryFigure> summary;
  std::vector<ReportTable> tables;
  std::vector<ReportChart> charts;
  std::vector<std::string> notes;
  std::string script_log;  // what the script print()ed (bounded by the sandbox), for its author
};

}  // namespace siaga
