#include "reports/render.h"

#include <cmath>
#include <cstdio>

namespace siaga {

Result<ReportFormat> ParseReportFormat(const std::string& name) {
  if (name == "json") return ReportFormat::kJson;
  if (name == "csv") return ReportFormat::kCsv;
  if (name == "md" || name == "markdown") return ReportFormat::kMarkdown;
  if (name == "html") return ReportFormat::kHtml;
  return InvalidField("format", "unknown format '" + name + "' (json, csv, md, html)");
}

const char* ReportContentType(ReportFormat format) {
  switch (format) {
    case ReportFormat::kJson: return "application/json";
    case ReportFormat::kCsv: return "text/csv; charset=utf-8";
    case ReportFormat::kMarkdown: return "text/markdown; charset=utf-8";
    case ReportFormat::kHtml: return "text/html; charset=utf-8";
  }
  return "application/octet-stream";
}

const char* ReportFileExtension(ReportFormat format) {
  switch (format) {
    case ReportFormat::kJson: return "json";
    case ReportFormat::kCsv: return "csv";
    case ReportFormat::kMarkdown: return "md";
    case ReportFormat::kHtml: return "html";
  }
  return "txt";
}

std::string CellText(const nlohmann::json& value) {
  switch (value.type()) {
    case nlohmann::json::value_t::null: return "";
    case nlohmann::json::value_t::boolean: return value.get<bool>() ? "ya" : "tidak";
    case nlohmann::json::value_t::number_integer: return std::to_string(value.get<std::int64_t>());
    case nlohmann::json::value_t::number_unsigned: return std::to_string(value.get<std::uint64_t>());
    case nlohmann::json::value_t::number_float: {
      const double d = value.get<double>();
      if (std::abs(d) < 1e15 && d == std::trunc(d)) return std::to_string(static_cast<std::int64_t>(d));
      char buf[64];
      std::snprintf(buf, sizeof buf, "%.2f", d);
      std::string s = buf;
      while (!s.empty() && s.back() == '0') s.pop_back();
      if (!s.empty() && s.back() == '.') s.pop_back();
      return s;
    }
    case nlohmann::json::value_t::string: return value.get<std::string>();
    default: return value.dump();
  }
}

nlohmann::json ReportToJson(const ReportOutput& r) {
  nlohmann::json params = nlohmann::json::object();
  for (const auto& [name, value] : r.params) params[name] = value;
  nlohmann::json summary = nlohmann::json::array();
  for (const SummaryFigure& f : r.summary) summary.push_back({{"label", f.label}, {"value", f.value}});
  nlohmann::json tables = nlohmann::json::array();
  for (const ReportTable& t : r.tables) {
    nlohmann::json columns = nlohmann::json::array();
    for (const ReportColumn& c : t.columns) columns.push_back({{"key", c.key}, {"label", c.label}});
    nlohmann::json rows = nlohmann::json::array();
    for (const auto& row : t.rows) {
      nlohmann::json o = nlohmann::json::object();
      for (std::size_t i = 0; i < t.columns.size(); ++i) o[t.columns[i].key] = row[i];
      rows.push_back(std::move(o));
    }
    tables.push_back({{"name", t.name}, {"title", t.title}, {"columns", columns}, {"rows", rows}});
  }
  nlohmann::json charts = nlohmann::json::array();
  for (const ReportChart& c : r.charts) {
    nlohmann::json series = nlohmann::json::array();
    for (const ChartSeries& s : c.series) series.push_back({{"name", s.name}, {"values", s.values}});
    charts.push_back({{"type", c.type}, {"title", c.title}, {"y_label", c.y_label}, {"stacked", c.stacked}, {"x", c.x}, {"series", series}});
  }
  return {{"report", r.name},   {"title", r.title},     {"description", r.description},
          {"params", params},   {"zona_waktu", r.zone_label},
          {"generated_at", FormatUtc(r.generated_at)},
          {"summary", summary}, {"tables", tables},      {"charts", charts}, {"notes", r.notes}};
}

namespace {

std::string Scalar(const nlohmann::json& v) { return v.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace); }

}  // namespace

// The same document as ReportToJson, written row by row: a register of a hundred thousand cases
// would otherwise be held twice more as a JSON tree. Tables and their rows go one per line.
std::string RenderJson(const ReportOutput& r) {
  nlohmann::json head = ReportToJson(ReportOutput{r.name, r.title, r.description, r.params, r.zone_label, r.generated_at,
                                                  r.summary, {}, r.charts, r.notes, ""});
  std::string out = "{";
  for (const auto& [key, value] : head.items()) {
    if (key == "tables") continue;
    out += "\n  " + Scalar(key) + ": " + Scalar(value) + ",";
  }
  out += "\n  \"tables\": [";
  for (std::size_t t = 0; t < r.tables.size(); ++t) {
    const ReportTable& table = r.tables[t];
    nlohmann::json columns = nlohmann::json::array();
    for (const ReportColumn& c : table.columns) columns.push_back({{"key", c.key}, {"label", c.label}});
    std::vector<std::string> keys;
    for (const ReportColumn& c : table.columns) keys.push_back(Scalar(c.key) + ":");
    out += std::string(t ? "," : "") + "\n    {\"name\": " + Scalar(table.name) + ", \"title\": " + Scalar(table.title) +
           ", \"columns\": " + Scalar(columns) + ", \"rows\": [";
    for (std::size_t i = 0; i < table.rows.size(); ++i) {
      out += i ? ",\n      {" : "\n      {";
      for (std::size_t c = 0; c < keys.size(); ++c) out += (c ? "," : "") + keys[c] + Scalar(table.rows[i][c]);
      out += "}";
    }
    out += table.rows.empty() ? "]}" : "\n    ]}";
  }
  out += r.tables.empty() ? "]\n}\n" : "\n  ]\n}\n";
  return out;
}

Result<std::string> RenderReport(const ReportOutput& report, ReportFormat format, const std::string& table) {
  switch (format) {
    case ReportFormat::kJson: return RenderJson(report);
    case ReportFormat::kCsv: {
      if (report.tables.empty()) return NotFound("report " + report.name + " has no table to print as CSV");
      if (table.empty()) return RenderCsv(report.tables.front());
      std::string names;
      for (const ReportTable& t : report.tables) {
        if (t.name == table) return RenderCsv(t);
        names += (names.empty() ? "" : ", ") + t.name;
      }
      return Status(StatusCode::kNotFound, "report " + report.name + " has no table '" + table + "' (it has: " + names + ")")
          .WithField("table");
    }
    case ReportFormat::kMarkdown: return RenderMarkdown(report);
    case ReportFormat::kHtml: return RenderHtml(report);
  }
  return Internal("unknown report format");
}

}  // namespace siaga
