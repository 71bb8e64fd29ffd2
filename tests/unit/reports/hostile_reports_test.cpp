// Hostile and broken report scripts: each is stopped, or refused, with an error that says what
// went wrong and where, and the connection it ran on stays usable.
#include <catch2/catch.hpp>

#include <chrono>

#include "report_store.h"
#include "reports/report_run.h"
#include "reports/step_sla.h"

using namespace siaga;

namespace {

struct Scripts {
  test::TempDir dir;
  void Write(const std::string& name, const std::string& source) { test::WriteFile(dir / (name + ".lua"), source); }
};

struct Hostile {
  test::ReportStore store;
  Scripts scripts;
  std::unique_ptr<Database> db = std::move(*OpenReportStore(store.dir / "siaga.db"));
  ReportCatalog catalog = ReportCatalog::FromRegistry(store.registry);
  ReportRunOptions options;

  Hostile() {
    options.scripts_dir = scripts.dir.path();
    options.now = store.now;
    options.time_budget = std::chrono::milliseconds(300);
    options.memory_bytes = 16u << 20;
  }
  Result<ReportOutput> Run(const std::string& name, const std::string& source, std::map<std::string, std::string> params = {}) {
    scripts.Write(name, source);
    return RunReport(*db, catalog, {name, std::move(params)}, options);
  }
  // A run that works, to show the connection is still usable after a failed one.
  void CheckStillUsable() {
    auto ok = Run("ok", R"(return report { run = function(p, data) return { summary = { { "kasus", data.count_cases{} } } } end })");
    INFO(ok.status().message());
    REQUIRE(ok.ok());
    CHECK(ok->summary[0].value == static_cast<std::int64_t>(store.cases.size()));
  }
};

std::string Wrap(const std::string& body) { return "return report { run = function(params, data)\n" + body + "\nend }"; }

}  // namespace

TEST_CASE("a report that never ends is stopped by its time budget, even when it pcalls", "[reports][hostile]") {
  Hostile h;
  const char* loops[] = {
      "while true do end",
      "while true do pcall(function() while true do end end) end",
      "local function f() return f() end return f()",  // a tail call never grows the stack
      "data.each_case({}, function(c) while true do end end)",
      "while true do pcall(data.each_case, {}, function() while true do end end) end",
  };
  for (const char* body : loops) {
    INFO(body);
    const auto t0 = std::chrono::steady_clock::now();
    auto r = h.Run("loop", Wrap(body));
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0).count();
    REQUIRE(r.status().code() == StatusCode::kScriptError);
    CHECK_THAT(r.status().message(), Catch::Contains("report 'loop'") && Catch::Contains("budget exhausted"));
    CHECK(ms < 2000);
  }
  h.CheckStillUsable();
}

TEST_CASE("a report whose top level never ends is stopped at load", "[reports][hostile]") {
  Hostile h;
  auto r = h.Run("top", "while true do end");
  REQUIRE(r.status().code() == StatusCode::kScriptError);
  CHECK_THAT(r.status().message(), Catch::Contains("budget exhausted"));
}

TEST_CASE("a report that eats memory is stopped by its memory budget", "[reports][hostile]") {
  Hostile h;
  for (const char* body : {"local t = {} for i = 1, 1e9 do t[i] = string.rep('x', 1000) .. i end",
                           "return { summary = { { 'x', string.rep('x', 1 << 30) } } }",
                           "local rows = {} data.each_step({}, function(s) for i = 1, 1e6 do rows[#rows + 1] = s end end)"}) {
    INFO(body);
    auto r = h.Run("hog", Wrap(body));
    REQUIRE(r.status().code() == StatusCode::kScriptError);
    CHECK_THAT(r.status().message(), Catch::Contains("memory") || Catch::Contains("budget"));
  }
  h.CheckStillUsable();
}

TEST_CASE("broken report files are refused with the file, line or key at fault", "[reports][hostile]") {
  Hostile h;
  struct Case {
    const char* name;
    std::string source;
    const char* says;
  };
  const Case cases[] = {
      {"syntax", "return report { run = function( }", "syntax.lua:1:"},
      {"binary", std::string("\x1bLua") + "T\x00", "binary (precompiled) chunks are refused"},
      {"runtime", Wrap("local x = nil\nreturn x.y"), "runtime.lua:3:"},  // Wrap adds one line before
      {"nothing", "return 42", "must return report"},
      {"other", "return report { name = 'different', run = function() end }", "must match the file name"},
      {"typo", "return report { titel = 'x', run = function() end }", "unknown key"},
      {"norun", "return report { title = 'x' }", "run: must be a function"},
      {"badtype", "return report { params = { from = { type = 'dat' } }, run = function() end }", "params.from.type: unknown type 'dat'"},
      {"reserved", "return report { params = { format = { type = 'string' } }, run = function() end }", "reserved"},
      {"nochoice", "return report { params = { s = { type = 'choice' } }, run = function() end }", "a choice needs its values"},
      {"atload", "local n = data.count_cases{}\nreturn report { run = function() end }", "only available while the report runs"},
      {"gc", Wrap("setmetatable({}, { __gc = function() while true do end end })"), "__gc"},
  };
  for (const Case& c : cases) {
    INFO(c.name);
    auto r = h.Run(c.name, c.source);
    REQUIRE_FALSE(r.ok());
    CHECK(r.status().code() == StatusCode::kScriptError);
    CHECK_THAT(r.status().message(), Catch::Contains(c.says));
    CHECK_THAT(r.status().message(), Catch::Contains("report '" + std::string(c.name) + "'"));
  }
}

TEST_CASE("a bad result is refused with the place of the mistake", "[reports][hostile]") {
  Hostile h;
  struct Case {
    const char* body;
    const char* says;
  };
  const Case cases[] = {
      {"return nil", "run must return a table"},
      {"return { tabels = {} }", "unknown key 'tabels'"},
      {"return { tables = { { name = 't', columns = { 'a' }, rows = { { b = 1 } } } } }", "result.tables[1].rows[1]: key 'b' is not a column"},
      {"return { tables = { { name = 't', columns = { 'a' }, rows = { { a = 0/0 } } } } }", "result.tables[1].rows[1].a: numbers must be finite"},
      {"return { tables = { { name = 't', columns = { 'a' }, rows = { { a = print } } } } }", "not a function"},
      {"return { tables = { { name = 't', columns = { 'a', 'a' } } } }", "column 'a' appears twice"},
      {"return { tables = { { name = 't', columns = { 'a' }, rows = { { 1, 2 } } } } }", "more cells than the table has columns"},
      {"return { charts = { { type = 'pie', x = {}, series = {} } } }", "result.charts[1].type"},
      {"return { charts = { { type = 'bar', x = { 'a', 'b' }, series = { { name = 's', values = { 1 } } } } } }", "1 values for 2 x labels"},
      {"return { summary = { { 'x', {} } } }", "result.summary[1].value"},
  };
  for (const Case& c : cases) {
    INFO(c.body);
    auto r = h.Run("shape", Wrap(c.body));
    REQUIRE(r.status().code() == StatusCode::kScriptError);
    CHECK_THAT(r.status().message(), Catch::Contains(c.says));
  }
}

TEST_CASE("a result with hostile metatables is read raw, without running their code", "[reports][hostile]") {
  Hostile h;
  auto r = h.Run("meta", Wrap(R"(
    local trap = { __index = function() while true do end end, __len = function() while true do end end }
    return setmetatable({ summary = setmetatable({ { "a", 1 } }, trap) }, trap))"));
  INFO(r.status().message());
  REQUIRE(r.ok());
  REQUIRE(r->summary.size() == 1);
  CHECK(r->summary[0].label == "a");
}

TEST_CASE("the data API refuses misuse with the function and filter named", "[reports][hostile]") {
  Hostile h;
  struct Case {
    const char* body;
    const char* says;
  };
  const Case cases[] = {
      {"data.cases{ procedure = 5 }", "data.cases: filter 'procedure': must be a string or a list"},
      {"data.cases{ procdure = 'x' }", "data.cases: filter 'procdure': unknown key"},
      {"data.steps{ from = '2026-01-01' }", "filter 'from': must be an instant"},
      {"data.cases{ agency = 'nowhere' }", "no procedure of agency 'nowhere'"},
      {"data.steps{ case = 'NO-SUCH-CASE' }", "filter 'case'"},
      {"data.each_case({}, 5)", "fn must be a function"},
      {"data.each_case({}, function() data.cases{} end)", "cannot run inside another iteration over cases"},
      {"data.each_case({}, function() error('boom in callback') end)", "boom in callback"},
      {"data.step_sla({}, { s = { 'weekday' } })", "unknown dimension 'weekday'"},
      {"fmt.date(0, 'CET')", "unknown zone 'CET'"},
      {"data.count_cases_by({}, 'weekday')", "by is \"procedure\", \"status\", \"sla\""},
      {"data.count_cases_by({}, { field = { \"a') OR 1=1 --\" } })", "is not a field name"},
  };
  for (const Case& c : cases) {
    INFO(c.body);
    auto r = h.Run("misuse", Wrap(c.body));
    REQUIRE_FALSE(r.ok());
    CHECK_THAT(r.status().message(), Catch::Contains(c.says));
  }
  h.CheckStillUsable();
}

TEST_CASE("filter values are bound, never spliced into SQL", "[reports][hostile]") {
  Hostile h;
  auto r = h.Run("inject", Wrap(R"(
    local n = #data.cases{ procedure = "x' OR 1=1 --" } + #data.cases{ status = { "open') OR ('1'='1" } }
    return { summary = { { "n", n }, { "all", #data.cases{} } } })"));
  INFO(r.status().message());
  REQUIRE(r.ok());
  CHECK(r->summary[0].value == 0);
  CHECK(r->summary[1].value == static_cast<std::int64_t>(h.store.cases.size()));
}

TEST_CASE("a list larger than the row cap asks for the each_ form", "[reports][hostile]") {
  Hostile h;
  h.options.max_list_rows = 3;
  auto r = h.Run("many", Wrap("return { summary = { { 'n', #data.cases{} } } }"));
  REQUIRE_FALSE(r.ok());
  CHECK_THAT(r.status().message(), Catch::Contains("more than 3 rows match") && Catch::Contains("data.each_case"));
  auto limited = h.Run("limited", Wrap("return { summary = { { 'n', #data.cases{ limit = 2 } } } }"));
  REQUIRE(limited.ok());
  CHECK(limited->summary[0].value == 2);
}

TEST_CASE("report names cannot leave the scripts folder", "[reports][hostile]") {
  Hostile h;
  for (const char* name : {"../secret", "/etc/passwd", "Sla", "a b", ""}) {
    INFO(name);
    auto r = RunReport(*h.db, h.catalog, {name, {}}, h.options);
    CHECK(r.status().code() == StatusCode::kNotFound);
  }
}

TEST_CASE("the host-side SLA scan stops on the time budget and on cancellation", "[reports][hostile]") {
  test::ReportStore s;
  ReportCatalog catalog = ReportCatalog::FromRegistry(s.registry);
  StepSlaQuery q;
  q.now = s.now;
  {
    ScanControl late(std::chrono::steady_clock::now() - std::chrono::seconds(1), nullptr, nullptr);
    auto r = AggregateStepSla(*s.db, catalog, q, late);
    REQUIRE(r.status().code() == StatusCode::kScriptError);
    CHECK_THAT(r.status().message(), Catch::Contains("time budget ran out"));
  }
  {
    std::atomic<bool> cancelled{true};
    ScanControl control(std::chrono::steady_clock::now() + std::chrono::seconds(10), &cancelled, nullptr);
    auto r = AggregateStepSla(*s.db, catalog, q, control);
    CHECK(r.status().code() == StatusCode::kUnavailable);
  }
}

TEST_CASE("the SLA scan split over two connections gives the figures of one, and only at one snapshot", "[reports]") {
  test::ReportStore s;
  ReportCatalog catalog = ReportCatalog::FromRegistry(s.registry);
  auto reader = Database::Open(s.dir / "siaga.db", Database::Mode::kReadOnly);
  REQUIRE(reader.ok());
  REQUIRE((*reader)->Exec("BEGIN").ok());
  StepSlaQuery q;
  q.now = s.now;
  q.groupings = {{SlaDimension::kProcedure, SlaDimension::kStep, SlaDimension::kRole}, {SlaDimension::kMonth}};
  auto run = [&](std::int64_t parallel_from) {
    q.parallel_from_rows = parallel_from;
    ScanControl control(std::chrono::steady_clock::now() + std::chrono::seconds(10), nullptr, nullptr);
    auto r = AggregateStepSla(**reader, catalog, q, control);
    REQUIRE(r.ok());
    return *r;
  };
  auto same = [](const StepSlaGroup& a, const StepSlaGroup& b) {
    return std::tie(a.procedure, a.step, a.role, a.month, a.visits, a.done, a.met, a.late, a.open, a.open_overdue, a.median_seconds,
                    a.p90_seconds) == std::tie(b.procedure, b.step, b.role, b.month, b.visits, b.done, b.met, b.late, b.open,
                                               b.open_overdue, b.median_seconds, b.p90_seconds);
  };
  const StepSlaResult one = run(0);
  const StepSlaResult two = run(1);
  CHECK(one.threads == 1);
  CHECK(two.threads == 2);
  CHECK(same(one.total, two.total));
  CHECK(one.total.visits == static_cast<std::int64_t>(s.visits.size()));
  REQUIRE(one.groupings.size() == two.groupings.size());
  for (std::size_t g = 0; g < one.groupings.size(); ++g) {
    REQUIRE(one.groupings[g].size() == two.groupings[g].size());
    for (std::size_t i = 0; i < one.groupings[g].size(); ++i) CHECK(same(one.groupings[g][i], two.groupings[g][i]));
  }

  // A commit after the reader's snapshot: a second connection would see it, so the scan stays
  // on one thread and still counts the reader's snapshot.
  test::ReportStore::Walk(s, "surakarta/layanan-keamanan-informasi", s.now, "Baru", nlohmann::json::object(), 7 * 60, "WIB")
      .Work("terima", "kabid", 5, 10);
  const StepSlaResult after = run(1);
  CHECK(after.threads == 1);
  CHECK(same(after.total, one.total));
  REQUIRE((*reader)->Exec("COMMIT").ok());
  REQUIRE((*reader)->Exec("BEGIN").ok());
  CHECK(run(1).total.visits == one.total.visits + 2);  // the new case's terima, and its next step open
}
