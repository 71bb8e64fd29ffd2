// The reports shipped in scripts/, run on a store filled by walking the seed procedures with a
// fake clock (report_store.h). Every expected figure is computed here from the delays and
// deadlines the walk chose, with the test's own arithmetic.
#include <catch2/catch.hpp>

#include <map>
#include <set>
#include <tuple>

#include "report_store.h"
#include "reports/render.h"
#include "reports/report_run.h"

using namespace siaga;
using siaga::test::ReportStore;
using siaga::test::Tally;

namespace {

Result<ReportOutput> Run(ReportStore& s, const std::string& name, std::map<std::string, std::string> params = {}) {
  auto db = OpenReportStore(s.dir / "siaga.db");
  REQUIRE(db.ok());
  ReportCatalog catalog = ReportCatalog::FromRegistry(s.registry);
  REQUIRE(catalog.AddStoredProcedures(**db).ok());
  ReportRunOptions options;
  options.scripts_dir = test::kSourceDir + "/scripts";
  options.now = s.now;
  auto r = RunReport(**db, catalog, {name, std::move(params)}, options);
  if (!r.ok()) UNSCOPED_INFO(r.status().message());
  return r;
}

const ReportTable& TableOf(const ReportOutput& r, const std::string& name) {
  for (const auto& t : r.tables)
    if (t.name == name) return t;
  FAIL("no table " << name);
  throw std::logic_error("unreachable");
}

nlohmann::json Cell(const ReportTable& t, std::size_t row, const std::string& key) {
  for (std::size_t c = 0; c < t.columns.size(); ++c)
    if (t.columns[c].key == key) return t.rows.at(row)[c];
  FAIL("no column " << key << " in " << t.name);
  return nullptr;
}

// The rows whose cells equal every given text.
std::vector<std::size_t> RowsWhere(const ReportTable& t, const std::map<std::string, std::string>& match) {
  std::vector<std::size_t> out;
  for (std::size_t i = 0; i < t.rows.size(); ++i) {
    bool all = true;
    for (const auto& [k, v] : match) all = all && CellText(Cell(t, i, k)) == v;
    if (all) out.push_back(i);
  }
  return out;
}

std::size_t RowWhere(const ReportTable& t, const std::map<std::string, std::string>& match) {
  auto rows = RowsWhere(t, match);
  INFO(t.name << ": rows matching " << nlohmann::json(match).dump());
  REQUIRE(rows.size() == 1);
  return rows[0];
}

nlohmann::json Figure(const ReportOutput& r, const std::string& label) {
  for (const auto& f : r.summary)
    if (f.label == label) return f.value;
  FAIL("no summary figure " << label);
  return nullptr;
}

double Number(const nlohmann::json& v) {
  REQUIRE(v.is_number());
  return v.get<double>();
}

// A count: a whole number, however the script wrote it.
std::int64_t Int(const nlohmann::json& v) {
  REQUIRE(v.is_number());
  const double d = v.get<double>();
  REQUIRE(d == static_cast<double>(static_cast<std::int64_t>(d)));
  return static_cast<std::int64_t>(d);
}

void CheckCompliance(const nlohmann::json& cell, const Tally& t) {
  if (t.judged() == 0) {
    CHECK(cell.is_null());
  } else {
    CHECK(Number(cell) == Approx(test::Round1(100.0 * static_cast<double>(t.met) / static_cast<double>(t.judged()))));
  }
}

// "1 hari 2 jam 5 menit", written here from the definition (days of 24 h, whole minutes).
std::string Words(std::int64_t s) {
  std::string out;
  if (s / 86400) out += std::to_string(s / 86400) + " hari";
  if (s % 86400 / 3600) out += (out.empty() ? "" : " ") + std::to_string(s % 86400 / 3600) + " jam";
  if (s % 3600 / 60 || out.empty()) out += (out.empty() ? "" : " ") + std::to_string(s % 3600 / 60) + " menit";
  return out;
}

using StepKey = std::tuple<std::string, std::string, std::string>;  // procedure, step, role

template <typename Keep>
std::map<StepKey, Tally> ByStep(const ReportStore& s, Keep keep) {
  std::map<StepKey, Tally> out;
  for (const auto& v : s.visits)
    if (keep(v)) out[{v.procedure, v.step, v.role}].Add(v, s.now);
  return out;
}

void CheckStepsTable(const ReportOutput& r, const std::map<StepKey, Tally>& expected) {
  const ReportTable& steps = TableOf(r, "steps");
  CHECK(steps.rows.size() == expected.size());
  for (const auto& [key, t] : expected) {
    const auto& [procedure, step, role] = key;
    INFO(procedure << " " << step << " " << role);
    const std::size_t row = RowWhere(steps, {{"procedure", procedure}, {"step", step}, {"role", role}});
    CHECK(Int(Cell(steps, row, "judged")) == t.judged());
    CHECK(Int(Cell(steps, row, "met")) == t.met);
    CHECK(Int(Cell(steps, row, "late")) == t.late);
    CHECK(Int(Cell(steps, row, "open_overdue")) == t.overdue);
    CheckCompliance(Cell(steps, row, "compliance"), t);
    if (t.durations.empty()) {
      CHECK(Cell(steps, row, "median_minutes").is_null());
    } else {
      CHECK(Number(Cell(steps, row, "median_minutes")) == Approx(static_cast<double>(test::NearestRank(t.durations, 1, 2)) / 60.0));
      CHECK(Number(Cell(steps, row, "p90_minutes")) == Approx(static_cast<double>(test::NearestRank(t.durations, 9, 10)) / 60.0));
    }
  }
}

}  // namespace

TEST_CASE("sla-compliance: met and breached visits, median and p90 per step, role and month match the walk", "[reports]") {
  ReportStore s;
  auto r = Run(s, "sla-compliance");
  REQUIRE(r.ok());

  Tally total;
  for (const auto& v : s.visits) total.Add(v, s.now);
  REQUIRE(total.judged() == 29);  // the walk as written: 26 visits done, 3 open past their deadline
  REQUIRE(total.late == 9);
  CHECK(Int(Figure(*r, "Langkah dinilai")) == total.judged());
  CHECK(Int(Figure(*r, "Memenuhi Mutu Baku")) == total.met);
  CHECK(Int(Figure(*r, "Melampaui Mutu Baku (selesai terlambat)")) == total.late);
  CHECK(Int(Figure(*r, "Masih terbuka, lewat tenggat")) == total.overdue);
  CHECK(Int(Figure(*r, "Masih berjalan dalam tenggat")) == total.open - total.overdue);
  CheckCompliance(Figure(*r, "Kepatuhan (%)"), total);
  CHECK(Figure(*r, "Median durasi") == Words(test::NearestRank(total.durations, 1, 2)));
  CHECK(Figure(*r, "Persentil ke-90 durasi") == Words(test::NearestRank(total.durations, 9, 10)));

  CheckStepsTable(*r, ByStep(s, [](const auto&) { return true; }));
  // The standard as the SOP writes it, and the role by its label.
  const ReportTable& steps = TableOf(*r, "steps");
  const std::size_t tangani =
      RowWhere(steps, {{"procedure", "surakarta/layanan-keamanan-informasi"}, {"step", "tangani"}, {"role", "analis"}});
  CHECK(Cell(steps, tangani, "standard") == "24 Jam");
  CHECK(Cell(steps, tangani, "role_label") == "Analisis Sistem Informatika dan Jaringan");
  const std::size_t pranata =
      RowWhere(steps, {{"procedure", "surakarta/layanan-keamanan-informasi"}, {"step", "tangani"}, {"role", "pranata"}});
  CHECK(Cell(steps, pranata, "role_label") == "Pranata Komputer Ahli Muda");

  SECTION("per role: role ids belong to their procedure") {
    std::map<std::pair<std::string, std::string>, Tally> by_role;
    for (const auto& v : s.visits) by_role[{v.procedure, v.role}].Add(v, s.now);
    const ReportTable& roles = TableOf(*r, "roles");
    CHECK(roles.rows.size() == by_role.size());
    for (const auto& [key, t] : by_role) {
      INFO(key.first << " " << key.second);
      const std::size_t row = RowWhere(roles, {{"procedure", key.first}, {"role", key.second}});
      CHECK(Int(Cell(roles, row, "judged")) == t.judged());
      CHECK(Int(Cell(roles, row, "met")) == t.met);
      CHECK(Int(Cell(roles, row, "breached")) == t.breached());
      CheckCompliance(Cell(roles, row, "compliance"), t);
    }
  }

  SECTION("per month, in each procedure's own zone") {
    std::map<std::string, Tally> by_month;
    for (const auto& v : s.visits) by_month[test::LocalMonth(v.ready, v.offset_minutes)].Add(v, s.now);
    const ReportTable& months = TableOf(*r, "months");
    REQUIRE(months.rows.size() == by_month.size());
    std::size_t i = 0;
    for (const auto& [month, t] : by_month) {  // ascending, as the table
      INFO(month);
      CHECK(Cell(months, i, "month") == month);
      CHECK(Int(Cell(months, i, "judged")) == t.judged());
      CHECK(Int(Cell(months, i, "met")) == t.met);
      CHECK(Int(Cell(months, i, "breached")) == t.breached());
      ++i;
    }
    // uji/bulan's second step became ready on 1 February in WITA (31 January in WIB).
    CHECK(by_month.count("2026-02") == 1);
  }

  SECTION("charts carry the same figures") {
    REQUIRE(r->charts.size() == 3);
    const ReportChart& per_step = r->charts[0];
    CHECK(per_step.type == "bar");
    CHECK(per_step.x.size() == steps.rows.size());
    double met = 0, breached = 0;
    for (double v : per_step.series[0].values) met += v;
    for (double v : per_step.series[1].values) breached += v;
    CHECK(met == static_cast<double>(total.met));
    CHECK(breached == static_cast<double>(total.breached()));
    CHECK(r->charts[2].type == "line");
  }
}

TEST_CASE("sla-compliance: the period, procedure and role parameters narrow the visits", "[reports]") {
  ReportStore s;
  SECTION("from a date: local midnight in WIB when no procedure is chosen") {
    const UnixSeconds from = test::Wib("2026-02-01 00:00");
    auto r = Run(s, "sla-compliance", {{"from", "2026-02-01"}});
    REQUIRE(r.ok());
    const auto expected = ByStep(s, [&](const auto& v) { return v.ready >= from; });
    CheckStepsTable(*r, expected);
    // uji/bulan's "dua" (ready 31 January 23:30 WIB) is left out.
    CHECK(RowsWhere(TableOf(*r, "steps"), {{"step", "dua"}}).empty());
  }
  SECTION("from a date with a procedure: local midnight in the procedure's zone (WITA)") {
    const UnixSeconds from = test::Wita("2026-02-01 00:00");
    auto r = Run(s, "sla-compliance", {{"from", "2026-02-01"}, {"procedure", "uji/bulan"}});
    REQUIRE(r.ok());
    CheckStepsTable(*r, ByStep(s, [&](const auto& v) { return v.procedure == "uji/bulan" && v.ready >= from; }));
    CHECK(RowsWhere(TableOf(*r, "steps"), {{"step", "dua"}}).size() == 1);
    CHECK(r->zone_label == "WITA");
  }
  SECTION("to a date, inclusive") {
    const UnixSeconds end = test::Wib("2026-01-08 00:00");
    auto r = Run(s, "sla-compliance", {{"to", "2026-01-07"}});
    REQUIRE(r.ok());
    CheckStepsTable(*r, ByStep(s, [&](const auto& v) { return v.ready < end; }));
  }
  SECTION("one role") {
    auto r = Run(s, "sla-compliance", {{"role", "analis"}});
    REQUIRE(r.ok());
    CheckStepsTable(*r, ByStep(s, [](const auto& v) { return v.role == "analis"; }));
  }
  SECTION("one agency") {
    auto r = Run(s, "sla-compliance", {{"agency", "prov-kaltim"}});
    REQUIRE(r.ok());
    CheckStepsTable(*r, ByStep(s, [](const auto& v) { return v.procedure == "kaltim/gangguan-keamanan-jaringan"; }));
  }
  SECTION("a bad parameter is refused with its name") {
    auto bad_date = Run(s, "sla-compliance", {{"from", "2026-02-30"}});
    REQUIRE(bad_date.status().code() == StatusCode::kInvalidArgument);
    CHECK(bad_date.status().field() == "from");
    CHECK_THAT(bad_date.status().message(), Catch::Contains("parameter 'from'"));
    auto unknown = Run(s, "sla-compliance", {{"procedur", "x"}});
    CHECK(unknown.status().field() == "procedur");
    auto role = Run(s, "sla-compliance", {{"procedure", "uji/bulan"}, {"role", "kabid"}});
    CHECK(role.status().field() == "role");
    CHECK_THAT(role.status().message(), Catch::Contains("has no role 'kabid'"));
  }
}

TEST_CASE("incident-register: one row per case reported in the period, in the CSIRT columns", "[reports]") {
  ReportStore s;
  auto r = Run(s, "incident-register", {{"from", "2026-01-01"}, {"to", "2026-01-31"}});
  REQUIRE(r.ok());
  const UnixSeconds from = test::Wib("2026-01-01 00:00"), to = test::Wib("2026-02-01 00:00");
  std::vector<const test::ExpectedCase*> expected;
  for (const auto& c : s.cases)
    if (c.opened >= from && c.opened < to) expected.push_back(&c);
  REQUIRE(expected.size() == 7);
  const ReportTable& t = TableOf(*r, "register");
  REQUIRE(t.rows.size() == expected.size());
  std::map<std::string, int> statuses;
  for (std::size_t i = 0; i < expected.size(); ++i) {
    const test::ExpectedCase& c = *expected[i];
    INFO(c.number);
    const auto field = [&](std::initializer_list<const char*> names) -> std::string {
      for (const char* n : names)
        if (c.fields.contains(n)) return c.fields[n].get<std::string>();
      return "";
    };
    CHECK(Cell(t, i, "no") == static_cast<int>(i + 1));
    CHECK(Cell(t, i, "number") == c.number);
    CHECK(Cell(t, i, "reported") == FormatLocal(c.opened, c.offset_minutes, c.zone));
    CHECK(Cell(t, i, "closed") == (c.closed ? FormatLocal(*c.closed, c.offset_minutes, c.zone) : ""));
    CHECK(Cell(t, i, "title") == c.title);
    const std::string reporter = field({"pelapor", "reporter", "source"});
    CHECK(Cell(t, i, "reporter") == (reporter.empty() ? "tester" : reporter));  // else who opened it
    CHECK(Cell(t, i, "asset") == field({"aset", "asset"}));
    std::string classification = field({"klasifikasi", "jenis_insiden", "severity"});
    if (c.procedure == "surakarta/layanan-keamanan-informasi" && classification.empty() && c.status == "closed")
      classification = "security";  // case B: the branch "insiden security" sets jenis_insiden
    CHECK(Cell(t, i, "classification") == classification);
    const std::string tlp = field({"tlp"});
    CHECK(Cell(t, i, "tlp") == (!tlp.empty() ? tlp : !c.evidence_tlp.empty() ? c.evidence_tlp : "AMBER"));
    const std::string status = c.status == "closed" ? "Ditutup" : c.status == "cancelled" ? "Dibatalkan" : "Terbuka";
    CHECK(Cell(t, i, "status") == status);
    ++statuses[status];
  }
  CHECK(Int(Figure(*r, "Insiden")) == 7);
  for (const auto& [status, n] : statuses) CHECK(Int(Figure(*r, status)) == n);

  SECTION("as CSV, cells a spreadsheet would run are defused and quoted") {
    auto csv = RenderReport(*r, ReportFormat::kCsv, "register");
    REQUIRE(csv.ok());
    CHECK_THAT(*csv, Catch::StartsWith("No,Nomor tiket,Tanggal lapor,"));
    CHECK_THAT(*csv, Catch::Contains(",\"'=HYPERLINK(\"\"http://contoh.invalid\"\",\"\"klik\"\")\","));
    CHECK_THAT(*csv, Catch::Contains(",'+62 811 000,'@server,'-lainnya,"));
    CHECK(csv->find(",=") == std::string::npos);
    CHECK(csv->find(",+") == std::string::npos);
  }
  SECTION("status=terbuka keeps the open cases") {
    auto open = Run(s, "incident-register", {{"from", "2026-01-01"}, {"to", "2026-01-31"}, {"status", "terbuka"}});
    REQUIRE(open.ok());
    std::set<std::string> numbers, want;
    const ReportTable& o = TableOf(*open, "register");
    for (std::size_t i = 0; i < o.rows.size(); ++i) numbers.insert(Cell(o, i, "number").get<std::string>());
    for (const auto* c : expected)
      if (c->status == "open") want.insert(c->number);
    CHECK(numbers == want);
    CHECK(want.size() == 3);
  }
}

TEST_CASE("monthly-recap: opened, closed, open at month end, service standard and step compliance", "[reports]") {
  ReportStore s;
  auto r = Run(s, "monthly-recap", {{"month", "2026-01"}});
  REQUIRE(r.ok());
  const UnixSeconds from = test::Wib("2026-01-01 00:00"), to = test::Wib("2026-02-01 00:00");
  std::int64_t opened = 0, closed = 0, cancelled = 0, open_at_end = 0, service_met = 0, service_late = 0;
  std::map<std::string, int> classes;
  for (const auto& c : s.cases) {
    const bool closed_in = c.closed && *c.closed >= from && *c.closed < to;
    if (c.opened >= from && c.opened < to) {
      ++opened;
      std::string k = c.fields.value("klasifikasi", c.fields.value("severity", ""));
      if (k.empty() && c.status == "closed" && c.procedure == "surakarta/layanan-keamanan-informasi") k = "security";
      ++classes[k.empty() ? "(belum diklasifikasi)" : k];
    }
    if (closed_in && c.status == "closed") ++closed;
    if (closed_in && c.status == "cancelled") ++cancelled;
    if (c.opened <= to - 1 && (!c.closed || *c.closed > to - 1)) ++open_at_end;
    if (closed_in && c.status == "closed" && c.service_met) ++(*c.service_met ? service_met : service_late);
  }
  CHECK(opened == 7);
  CHECK(Int(Figure(*r, "Kasus dibuka")) == opened);
  CHECK(Int(Figure(*r, "Kasus selesai")) == closed);
  CHECK(Int(Figure(*r, "Kasus dibatalkan")) == cancelled);
  CHECK(Int(Figure(*r, "Masih terbuka di akhir bulan")) == open_at_end);
  CHECK(Int(Figure(*r, "Standar pelayanan terpenuhi")) == service_met);
  CHECK(Int(Figure(*r, "Standar pelayanan terlampaui")) == service_late);
  CHECK(service_met == 1);
  CHECK(service_late == 1);

  // Steps count in the month, in their procedure's zone, in which they became ready.
  Tally steps;
  std::map<std::string, Tally> per_procedure;
  for (const auto& v : s.visits)
    if (test::LocalMonth(v.ready, v.offset_minutes) == "2026-01") {
      steps.Add(v, s.now);
      per_procedure[v.procedure].Add(v, s.now);
    }
  CHECK(Int(Figure(*r, "Langkah dinilai")) == steps.judged());
  CHECK(Int(Figure(*r, "Langkah tepat waktu")) == steps.met);
  CHECK(Int(Figure(*r, "Langkah terlambat")) == steps.breached());
  CheckCompliance(Figure(*r, "Kepatuhan langkah (%)"), steps);

  const ReportTable& procedures = TableOf(*r, "procedures");
  for (const auto& [procedure, t] : per_procedure) {
    INFO(procedure);
    const std::size_t row = RowWhere(procedures, {{"procedure", procedure}});
    CHECK(Int(Cell(procedures, row, "judged")) == t.judged());
    CHECK(Int(Cell(procedures, row, "met")) == t.met);
    CHECK(Int(Cell(procedures, row, "breached")) == t.breached());
  }
  const ReportTable& cls = TableOf(*r, "classifications");
  CHECK(cls.rows.size() == classes.size());
  for (const auto& [k, n] : classes) CHECK(Int(Cell(cls, RowWhere(cls, {{"classification", k}}), "count")) == n);
}

TEST_CASE("open-cases: open cases by age and the steps past their deadline", "[reports]") {
  ReportStore s;
  auto r = Run(s, "open-cases");
  REQUIRE(r.ok());
  // Buckets as the report documents them: < 1, 1-3, 3-7, 7-30, >= 30 days.
  const std::int64_t limits[] = {86400, 3 * 86400, 7 * 86400, 30 * 86400};
  std::map<std::string, std::array<int, 5>> ages;
  int open = 0;
  for (const auto& c : s.cases) {
    if (c.status != "open") continue;
    ++open;
    const std::int64_t age = s.now - c.opened;
    int b = 0;
    while (b < 4 && age >= limits[b]) ++b;
    ages[c.procedure][static_cast<std::size_t>(b)] += 1;
  }
  CHECK(open == 5);
  CHECK(Int(Figure(*r, "Kasus terbuka")) == open);
  const ReportTable& t = TableOf(*r, "ages");
  CHECK(t.rows.size() == ages.size());
  for (const auto& [procedure, counts] : ages) {
    INFO(procedure);
    const std::size_t row = RowWhere(t, {{"procedure", procedure}});
    for (int b = 0; b < 5; ++b) CHECK(Int(Cell(t, row, "b" + std::to_string(b + 1))) == counts[static_cast<std::size_t>(b)]);
  }
  // The oldest open case is the trenggalek one (12 January).
  CHECK_THAT(Figure(*r, "Kasus tertua").get<std::string>(), Catch::StartsWith("KAB-TRENGGALEK-2026-"));

  std::vector<const test::ExpectedVisit*> overdue;
  for (const auto& v : s.visits)
    if (!v.done && s.now >= v.due) overdue.push_back(&v);
  REQUIRE(overdue.size() == 3);
  const ReportTable& o = TableOf(*r, "overdue");
  CHECK(o.rows.size() == overdue.size());
  CHECK(Int(Figure(*r, "Langkah lewat tenggat")) == 3);
  for (const auto* v : overdue) {
    INFO(v->procedure << " " << v->step);
    const std::size_t row = RowWhere(o, {{"procedure", v->procedure}, {"step", v->step}});
    CHECK(Cell(o, row, "role") == v->role);
    CHECK(Number(Cell(o, row, "overdue_hours")) == Approx(test::Round1(static_cast<double>(s.now - v->due) / 3600.0)));
  }

  SECTION("one role") {
    auto kabid = Run(s, "open-cases", {{"role", "kabid"}});
    REQUIRE(kabid.ok());
    const ReportTable& k = TableOf(*kabid, "overdue");
    REQUIRE(k.rows.size() == 1);
    CHECK(Cell(k, 0, "step") == "terima");
  }
}
