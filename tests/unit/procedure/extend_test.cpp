// turunan: a procedure that extends a base procedure and states only what differs.
#include <catch2/catch.hpp>

#include "common/sha256.h"
#include "procedure/loader.h"
#include "procedure/registry.h"
#include "test_support.h"

using namespace siaga;
using namespace siaga::test;

namespace {

const std::string kBase = R"lua(
return sop {
  id = "dasar/uji", revision = 1, zona_waktu = "WIB",
  identitas = { nama = "Dasar" },
  pelaksana = { staf = { label = "Staf" }, kabid = { label = "Kabid" } },
  langkah = {
    task "terima" { pelaksana = "staf", waktu = "2 jam", next = "periksa",
      on_enter = function(ctx) ctx:note("dasar") end },
    decision "periksa" { pelaksana = "kabid", branches = { { "ok", next = "selesai" }, { "ulang", next = "terima" } } },
    finish "selesai" { hasil = "beres" },
  },
}
)lua";

LoadResult LoadChild(const TempDir& dir, const std::string& child) {
  WriteFile(dir / "dasar/uji.lua", kBase);
  return LoadProcedureSource(child, dir / "lokal/uji.lua", ProcedureLoadLimits(), FolderResolver(dir.path()));
}

std::string Errors(const LoadResult& r) {
  std::string all;
  for (const auto& d : r.diagnostics) all += d.ToString() + "\n";
  return all;
}

}  // namespace

TEST_CASE("turunan: a derived procedure overrides steps, times and roles, and adds steps", "[extend]") {
  TempDir dir;
  LoadResult r = LoadChild(dir, R"lua(
    return turunan "dasar/uji" {
      id = "lokal/uji", instansi = "kab-uji",
      pelaksana = { kabid = { label = "Kepala Bidang Lokal" }, sekretaris = { label = "Sekretaris" } },
      ubah = { terima = { waktu = "30 menit" },
               periksa = { pelaksana = "sekretaris", branches = { { "ok", next = "arsip" }, { "ulang", next = "terima" } } } },
      tambah = { task "arsip" { setelah = "periksa", pelaksana = "staf", next = "selesai" } },
    })lua");
  INFO(Errors(r));
  REQUIRE(r.procedure);
  const ProcedureDef& def = r.procedure->def();
  CHECK(def.id == "lokal/uji");
  CHECK(def.instansi == "kab-uji");
  CHECK(def.Title() == "Dasar");
  CHECK(def.roles.at("kabid").label == "Kepala Bidang Lokal");
  CHECK(def.roles.count("staf") == 1);
  CHECK(def.Find("terima")->waktu->raw == "30 menit");
  CHECK(def.Find("terima")->has_on_enter);  // the base's hook comes along
  CHECK(def.Find("periksa")->role == "sekretaris");
  REQUIRE(def.steps.size() == 4);
  CHECK(def.steps[2].id == "arsip");
  // The version is the derived text and its base: both are kept for pinned cases.
  CHECK(r.procedure->bases().contains("dasar/uji"));
  CHECK(def.hash != Sha256Hex(r.procedure->source()));
  LoadResult again = LoadProcedureSource(r.procedure->source(), def.file, ProcedureLoadLimits(), StoredResolver(r.procedure->bases()));
  REQUIRE(again.procedure);
  CHECK(again.procedure->def().hash == def.hash);
}

TEST_CASE("turunan: mistakes are named", "[extend]") {
  TempDir dir;
  CHECK_THAT(Errors(LoadChild(dir, R"(return turunan "dasar/tidak-ada" { id = "lokal/uji" })")), Catch::Contains("no base procedure file"));
  CHECK_THAT(Errors(LoadChild(dir, R"(return turunan "dasar/uji" { id = "lokal/uji", ubah = { nope = { waktu = "1 jam" } } })")),
             Catch::Contains("ubah.nope"));
  CHECK_THAT(Errors(LoadChild(dir, R"(return turunan "dasar/uji" { id = "lokal/uji", tambah = { task "terima" { pelaksana = "staf", next = "selesai" } } })")),
             Catch::Contains("exists"));
  CHECK_THAT(Errors(LoadChild(dir, R"(return turunan "../../etc/passwd" { id = "lokal/uji" })")), Catch::Contains("not a procedure id"));
  // An override that breaks the flow is caught by lint like any procedure.
  CHECK_THAT(Errors(LoadChild(dir, R"(return turunan "dasar/uji" { id = "lokal/uji", ubah = { terima = { next = "hilang" } } })")),
             Catch::Contains("hilang"));
  WriteFile(dir / "dasar/lingkar.lua", R"(return turunan "dasar/lingkar" { id = "dasar/lingkar" })");
  CHECK_THAT(Errors(LoadChild(dir, R"(return turunan "dasar/lingkar" { id = "lokal/uji" })")), Catch::Contains("circle"));
}

TEST_CASE("the shipped base procedure and its Trenggalek variation load and lint clean", "[extend]") {
  ProcedureRegistry registry;
  std::vector<Diagnostic> diagnostics = registry.LoadDirectory(kSeedDir);
  std::string errors;
  for (const auto& d : diagnostics)
    if (d.severity == Diagnostic::Severity::kError) errors += d.ToString() + "\n";
  INFO(errors);
  CHECK(errors.empty());
  auto base = registry.Latest("bersama/penanganan-insiden");
  auto local = registry.Latest("trenggalek/penanganan-insiden-lokal");
  REQUIRE(base);
  REQUIRE(local);
  CHECK(local->def().Find("analisis")->waktu->raw == "2 jam");
  CHECK(base->def().Find("analisis")->waktu->raw == "4 jam");
  CHECK(local->def().Find("autoresolve") != nullptr);
  CHECK(base->def().Find("autoresolve") == nullptr);
  CHECK(local->def().roles.at("helpdesk").label == "Helpdesk Dinas Kominfo");
}
