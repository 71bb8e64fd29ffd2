#include <catch2/catch.hpp>

#include "reports/render.h"

using namespace siaga;

namespace {

ReportOutput Sample() {
  ReportOutput r;
  r.name = "uji";
  r.title = "Uji <script>alert(1)</script>";
  r.zone_label = "WIB";
  r.params = {{"from", "2026-01-01"}};
  r.summary = {{"Kasus", 3}, {"Kepatuhan (%)", 87.5}, {"Ada", true}};
  ReportTable t;
  t.name = "rows";
  t.title = "Baris";
  t.columns = {{"text", "Teks"}, {"n", "Jumlah"}};
  t.rows = {{"=1+2", -5}, {"a,b \"c\"", 12.0}, {"<b>x</b> | y\nz", nullptr}, {"@SUM(A1)", 1.234}};
  r.tables.push_back(t);
  ReportChart bar;
  bar.type = "bar";
  bar.title = "Bar <i>";
  bar.x = {"a", "b", "<c>"};
  bar.series = {{"Tepat", {1, 2, 3}}, {"Terlambat\"", {0, 1, 5}}};
  r.charts.push_back(bar);
  ReportChart line = bar;
  line.type = "line";
  r.charts.push_back(line);
  return r;
}

std::size_t Count(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (auto pos = text.find(what); pos != std::string::npos; pos = text.find(what, pos + 1)) ++n;
  return n;
}

}  // namespace

TEST_CASE("CSV quotes what needs quoting and defuses formulas in text cells only", "[reports][render]") {
  const std::string csv = RenderCsv(Sample().tables[0]);
  CHECK(csv ==
        "Teks,Jumlah\r\n"
        "'=1+2,-5\r\n"
        "\"a,b \"\"c\"\"\",12\r\n"
        "\"<b>x</b> | y\nz\",\r\n"
        "'@SUM(A1),1.23\r\n");
  CHECK(RenderReport(Sample(), ReportFormat::kCsv, "nope").status().code() == StatusCode::kNotFound);
}

TEST_CASE("HTML is self-contained and escapes everything from scripts and the store", "[reports][render]") {
  const std::string html = RenderHtml(Sample());
  CHECK(html.find("<script") == std::string::npos);
  CHECK(html.find("<b>x</b>") == std::string::npos);
  CHECK_THAT(html, Catch::Contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
  CHECK_THAT(html, Catch::Contains("&lt;b&gt;x&lt;/b&gt;"));
  CHECK_THAT(html, Catch::Contains("Terlambat&quot;"));
  CHECK(html.find("src=") == std::string::npos);
  CHECK(html.find("href=") == std::string::npos);
  CHECK(html.find("<link") == std::string::npos);
  CHECK(Count(html, "<svg") == 2);
  CHECK_THAT(html, Catch::Contains("<td class=\"num\">87.5</td>") || Catch::Contains(">87.5</span>"));
}

TEST_CASE("SVG charts draw one bar per value, and a line per series", "[reports][render]") {
  ReportOutput r = Sample();
  const std::string bar = RenderSvgChart(r.charts[0]);
  CHECK(Count(bar, "<rect") == 3 * 2 + 2);  // bars, then one legend swatch per series
  CHECK(Count(bar, "<title>") == 1 + 3 * 2);
  CHECK_THAT(bar, Catch::Contains("&lt;c&gt;"));
  const std::string line = RenderSvgChart(r.charts[1]);
  CHECK(Count(line, "<polyline") == 2);
  CHECK(Count(line, "<circle") == 6);
  ReportChart stacked = r.charts[0];
  stacked.stacked = true;
  CHECK(Count(RenderSvgChart(stacked), "<rect") == 3 * 2 + 2);
  ReportChart empty;
  empty.type = "bar";
  empty.series = {{"s", {}}};
  CHECK_THAT(RenderSvgChart(empty), Catch::EndsWith("</svg>"));
}

TEST_CASE("Markdown cells cannot break the table, and JSON keys rows by column", "[reports][render]") {
  const std::string md = RenderMarkdown(Sample());
  CHECK_THAT(md, Catch::Contains("| &lt;b&gt;x&lt;/b&gt; \\| y z |"));
  const nlohmann::json j = ReportToJson(Sample());
  CHECK(j["tables"][0]["rows"][1]["text"] == "a,b \"c\"");
  CHECK(j["tables"][0]["rows"][2]["n"].is_null());
  CHECK(j["summary"][1]["value"] == 87.5);
  CHECK(j["charts"][1]["type"] == "line");
  CHECK(CellText(nlohmann::json(12.0)) == "12");
  CHECK(CellText(nlohmann::json(true)) == "ya");
  CHECK(CellText(nlohmann::json(nullptr)).empty());
}

TEST_CASE("JSON written row by row is the document ReportToJson builds", "[reports][render]") {
  ReportOutput r = Sample();
  r.notes = {"catatan \"kutip\""};
  ReportTable empty;
  empty.name = "kosong";
  empty.columns = {{"a", "A"}};
  r.tables.push_back(empty);
  const std::string text = RenderJson(r);
  const nlohmann::json parsed = nlohmann::json::parse(text, nullptr, false);
  REQUIRE_FALSE(parsed.is_discarded());
  CHECK(parsed == ReportToJson(r));
  ReportOutput none;
  none.name = "kosong";
  CHECK(nlohmann::json::parse(RenderJson(none)) == ReportToJson(none));
}
