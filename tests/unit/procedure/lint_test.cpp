#include <catch2/catch.hpp>

#include "procedure/lint.h"
#include "procedure/loader.h"
#include "procedure/registry.h"
#include "procedure_fixtures.h"
#include "test_support.h"

using namespace siaga;

namespace {

std::string All(const std::vector<Diagnostic>& diags) {
  std::string out;
  for (const auto& d : diags) out += d.ToString() + "\n";
  return out;
}

std::vector<Diagnostic> Lint(const std::string& source) {
  return LoadProcedureSource(source, "sop/uji/mini.lua").diagnostics;
}

}  // namespace

TEST_CASE("lint: graph errors", "[procedure][lint]") {
  SECTION("an unreachable step") {
    auto d = Lint(test::MiniWith("\n    task \"yatim\" { pelaksana = \"staf\", waktu = \"1 jam\", next = \"selesai\" },"));
    CHECK(HasErrors(d));
    CHECK_THAT(All(d), Catch::Contains("step 'yatim'") && Catch::Contains("unreachable"));
  }
  SECTION("a loop with no exit") {
    std::string src = test::kMiniProcedure;
    src.replace(src.find("{ \"ok\", next = \"beritahu\""), 25, "{ \"ok\", next = \"putar\"");
    src.replace(src.find("{EXTRA}"), 7, "\n    task \"putar\" { pelaksana = \"staf\", waktu = \"1 jam\", next = \"terima\" },");
    auto d = Lint(src);
    CHECK_THAT(All(d), Catch::Contains("dead end or loop with no exit"));
  }
  SECTION("no finish at all") {
    auto d = Lint("return sop { id = 'a/b', pelaksana = { s = {} }, langkah = { task 'x' { pelaksana = 's', next = 'x' } } }");
    CHECK_THAT(All(d), Catch::Contains("no finish step"));
  }
  SECTION("unknown zone") {
    std::string src = test::Mini();
    src.replace(src.find("zona_waktu = \"WIB\""), 18, "zona_waktu = \"CET\"");
    CHECK_THAT(All(Lint(src)), Catch::Contains("field 'zona_waktu': unknown time zone 'CET'"));
  }
}

TEST_CASE("lint: warnings do not fail a file", "[procedure][lint]") {
  auto d = Lint(test::Mini());
  CHECK_FALSE(HasErrors(d));
  const std::string all = All(d);
  CHECK_THAT(all, Catch::Contains("actor 'kabid' is inferred"));
  CHECK_THAT(all, Catch::Contains("has no bound"));
  SECTION("a bounded loop is not warned about") {
    std::string src = test::Mini();
    src.replace(src.find("waktu = \"1-2 jam\","), 18, "waktu = \"1-2 jam\", max_ulang = 3,");
    CHECK_THAT(All(Lint(src)), !Catch::Contains("has no bound"));
  }
  SECTION("the service standard is compared with the step times") {
    std::string src = test::Mini();
    src.replace(src.find("identitas"), 9, "sla_kasus = { waktu = \"1 hari kerja\" }, identitas");
    CHECK_THAT(All(Lint(src)), Catch::Contains("more than the service standard '1 hari kerja'"));
  }
}

TEST_CASE("path totals: shortest and longest path without loops", "[procedure][lint]") {
  LoadResult r = LoadProcedureSource(test::Mini(), "sop/uji/mini.lua");
  REQUIRE(r.procedure);
  PathTotals t = ComputePathTotals(r.procedure->def());
  // terima 2 jam + periksa 1-2 jam + tunggu 5 hari kerja (450 min each)
  CHECK(t.shortest_minutes == 120 + 60 + 5 * 450);
  CHECK(t.longest_minutes == 120 + 120 + 5 * 450);
  CHECK(FormatNominalMinutes(t.longest_minutes) == "5 hari kerja 4 jam");
}

TEST_CASE("the set of files: ids match paths and call targets exist", "[procedure][lint]") {
  test::TempDir dir;
  test::WriteFile(dir / "sop/uji/mini.lua", test::Mini());
  test::WriteFile(dir / "sop/uji/salah-nama.lua", test::Mini());  // same id, wrong path
  test::WriteFile(dir / "sop/uji/induk.lua", R"(return sop { id = "uji/induk", pelaksana = {},
    langkah = { call "anak" { prosedur = "uji/tidak-ada", next = "selesai" }, finish "selesai" {} } })");
  ProcedureRegistry registry;
  auto diags = registry.LoadDirectory(dir / "sop");
  const std::string all = All(diags);
  CHECK_THAT(all, Catch::Contains("does not match its path"));
  CHECK_THAT(all, Catch::Contains("calls unknown procedure 'uji/tidak-ada'"));
  CHECK(registry.Latest("uji/mini") != nullptr);
  CHECK(registry.Latest("uji/induk") == nullptr);
}

TEST_CASE("every seed procedure in sop/ loads with no errors", "[procedure][lint][seeds]") {
  ProcedureRegistry registry;
  auto diags = registry.LoadDirectory(test::kSeedDir);
  std::string errors;
  for (const auto& d : diags)
    if (d.severity == Diagnostic::Severity::kError) errors += d.ToString() + "\n";
  INFO(errors);
  CHECK_FALSE(HasErrors(diags));
  for (const char* id : {"kamisandi/manajemen-keamanan-informasi", "trenggalek/layanan-insiden",
                         "kaltim/gangguan-keamanan-jaringan", "tanah-bumbu/pengelolaan-kebijakan",
                         "tanah-bumbu/penyusunan-kebijakan", "tanah-bumbu/publikasi-kebijakan",
                         "tanah-bumbu/evaluasi-kebijakan", "surakarta/layanan-keamanan-informasi"}) {
    INFO(id);
    CHECK(registry.Latest(id) != nullptr);
  }
}
