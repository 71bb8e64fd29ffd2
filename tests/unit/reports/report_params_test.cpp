#include <catch2/catch.hpp>

#include <random>

#include "report_store.h"
#include "reports/report_params.h"
#include "reports/duration_percentiles.h"

using namespace siaga;

namespace {

ReportCatalog TwoProcedures() {
  ReportCatalog c;
  ReportProcedureInfo wib;
  wib.id = "a/satu";
  wib.instansi = "kota-a";
  wib.roles = {{"kabid", "Kepala Bidang"}, {"analis", "Analis"}};
  c.Add(wib);
  ReportProcedureInfo wita;
  wita.id = "b/dua";
  wita.instansi = "prov-b";
  wita.zona_waktu = "WITA";
  wita.utc_offset_minutes = 8 * 60;
  wita.roles = {{"staf", "Staf"}};
  c.Add(wita);
  return c;
}

ParamSpec Spec(const std::string& name, ParamType type) {
  ParamSpec s;
  s.name = s.label = name;
  s.type = type;
  return s;
}

}  // namespace

TEST_CASE("date and month parameters are local midnights in the report's zone", "[reports][params]") {
  const ReportCatalog catalog = TwoProcedures();
  const std::vector<ParamSpec> specs = {Spec("from", ParamType::kDate), Spec("month", ParamType::kMonth),
                                        Spec("procedure", ParamType::kProcedure), Spec("agency", ParamType::kAgency)};
  auto wib = ResolveParams(specs, {{"from", "2026-01-31"}, {"month", "2026-02"}}, catalog);
  REQUIRE(wib.ok());
  CHECK(wib->zone_label == "WIB");
  CHECK(wib->Find("from")->value == test::Wib("2026-01-31 00:00"));
  CHECK(wib->Find("month")->value == test::Wib("2026-02-01 00:00"));

  auto wita = ResolveParams(specs, {{"from", "2026-01-31"}, {"procedure", "b/dua"}}, catalog);
  REQUIRE(wita.ok());
  CHECK(wita->zone_label == "WITA");
  CHECK(wita->Find("from")->value == test::Wita("2026-01-31 00:00"));
  auto agency = ResolveParams(specs, {{"month", "2026-02"}, {"agency", "prov-b"}}, catalog);
  REQUIRE(agency.ok());
  CHECK(agency->Find("month")->value == test::Wita("2026-02-01 00:00"));

  auto instant = ResolveParams(specs, {{"from", "2026-01-31T08:00+09:00"}}, catalog);
  REQUIRE(instant.ok());
  CHECK(instant->Find("from")->value == *ParseInstant("2026-01-30T23:00:00Z"));

  for (const char* bad : {"2026-02-30", "31-01-2026", "2026-1-5", "tomorrow", "2026-01-31x"}) {
    INFO(bad);
    auto r = ResolveParams(specs, {{"from", bad}}, catalog);
    REQUIRE(r.status().code() == StatusCode::kInvalidArgument);
    CHECK(r.status().field() == "from");
    CHECK_THAT(r.status().message(), Catch::StartsWith("parameter 'from': "));
  }
  for (const char* bad : {"2026-13", "2026-00", "2026-1", "2026/01"}) {
    INFO(bad);
    CHECK(ResolveParams(specs, {{"month", bad}}, catalog).status().field() == "month");
  }
}

TEST_CASE("procedure, agency and role parameters must be known, roles those of the chosen procedure", "[reports][params]") {
  const ReportCatalog catalog = TwoProcedures();
  const std::vector<ParamSpec> specs = {Spec("procedure", ParamType::kProcedure), Spec("agency", ParamType::kAgency),
                                        Spec("role", ParamType::kRole)};
  CHECK(ResolveParams(specs, {{"procedure", "x/y"}}, catalog).status().field() == "procedure");
  CHECK(ResolveParams(specs, {{"agency", "kota-z"}}, catalog).status().field() == "agency");
  CHECK(ResolveParams(specs, {{"role", "kabid"}}, catalog).ok());
  CHECK(ResolveParams(specs, {{"role", "nobody"}}, catalog).status().field() == "role");
  auto wrong = ResolveParams(specs, {{"role", "kabid"}, {"procedure", "b/dua"}}, catalog);
  CHECK(wrong.status().field() == "role");
  CHECK_THAT(wrong.status().message(), Catch::Contains("procedure b/dua has no role 'kabid'"));
}

TEST_CASE("required, default, unknown, integer, choice and string parameters", "[reports][params]") {
  const ReportCatalog catalog = TwoProcedures();
  ParamSpec month = Spec("month", ParamType::kMonth);
  month.required = true;
  ParamSpec top = Spec("top", ParamType::kInteger);
  top.min = 1;
  top.max = 100;
  top.default_value = "10";
  ParamSpec status = Spec("status", ParamType::kChoice);
  status.values = {"semua", "terbuka"};
  const std::vector<ParamSpec> specs = {month, top, status, Spec("note", ParamType::kString)};

  auto missing = ResolveParams(specs, {}, catalog);
  CHECK(missing.status().field() == "month");
  CHECK_THAT(missing.status().message(), Catch::Contains("is required"));
  auto ok = ResolveParams(specs, {{"month", "2026-01"}}, catalog);
  REQUIRE(ok.ok());
  CHECK(ok->Find("top")->value == 10);
  CHECK(ok->Find("status") == nullptr);
  CHECK(ResolveParams(specs, {{"month", "2026-01"}, {"top", "0"}}, catalog).status().field() == "top");
  CHECK(ResolveParams(specs, {{"month", "2026-01"}, {"top", "7x"}}, catalog).status().field() == "top");
  CHECK(ResolveParams(specs, {{"month", "2026-01"}, {"status", "all"}}, catalog).status().field() == "status");
  CHECK(ResolveParams(specs, {{"month", "2026-01"}, {"note", "a\nb"}}, catalog).status().field() == "note");
  CHECK(ResolveParams(specs, {{"month", "2026-01"}, {"note", std::string(201, 'x')}}, catalog).status().field() == "note");
  auto unknown = ResolveParams(specs, {{"month", "2026-01"}, {"bulan", "1"}}, catalog);
  CHECK(unknown.status().field() == "bulan");
  CHECK_THAT(unknown.status().message(), Catch::Contains("it takes: month, top, status, note"));
}

TEST_CASE("local month arithmetic crosses years", "[reports][params]") {
  const int wib = 7 * 60;
  CHECK(AddLocalMonths(test::Wib("2025-12-01 00:00"), 1, wib) == test::Wib("2026-01-01 00:00"));
  CHECK(AddLocalMonths(test::Wib("2026-01-01 00:00"), -5, wib) == test::Wib("2025-08-01 00:00"));
  CHECK(AddLocalMonths(test::Wib("2026-01-01 00:00"), -13, wib) == test::Wib("2024-12-01 00:00"));
  CHECK(LocalMonthStart(test::Wib("2026-03-31 23:59"), wib) == test::Wib("2026-03-01 00:00"));
  CHECK(LocalDayStart(test::Wita("2026-03-31 00:30"), 8 * 60) == test::Wita("2026-03-31 00:00"));
}

TEST_CASE("nearest-rank percentiles across sorted parts agree with one plain sort", "[reports]") {
  std::mt19937 rng(7);
  for (int n : {1, 2, 3, 9, 10, 11, 100, 1001, 5000}) {
    for (int parts : {1, 3, 7}) {
      INFO(n << " values in " << parts << " parts");
      std::vector<std::vector<std::uint32_t>> split(static_cast<std::size_t>(parts));
      std::vector<std::int64_t> all;
      for (int i = 0; i < n; ++i) {
        const auto x = static_cast<std::uint32_t>(rng() % 4'000'000'000u);
        split[static_cast<std::size_t>(rng() % static_cast<unsigned>(parts))].push_back(x);
        all.push_back(x);
      }
      std::vector<const std::vector<std::uint32_t>*> sorted;
      for (auto& part : split) {
        auto check = part;
        std::sort(check.begin(), check.end());
        SortDurations(part);  // radix sort above 512 values
        CHECK(part == check);
        sorted.push_back(&part);
      }
      CHECK(NearestRankAcross(sorted, 0.5) == test::NearestRank(all, 1, 2));
      CHECK(NearestRankAcross(sorted, 0.9) == test::NearestRank(all, 9, 10));
    }
  }
}
