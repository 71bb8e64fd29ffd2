#include <catch2/catch.hpp>

#include "procedure/loader.h"
#include "procedure_fixtures.h"

using namespace siaga;
using siaga::test::Mini;
using siaga::test::MiniWith;

namespace {

std::string Errors(const LoadResult& r) {
  std::string out;
  for (const auto& d : r.diagnostics)
    if (d.severity == Diagnostic::Severity::kError) out += d.ToString() + "\n";
  return out;
}

// Loads `source` with `from` replaced by `to` and returns the error text.
std::string ErrorsAfter(const std::string& from, const std::string& to) {
  std::string source = Mini();
  const auto pos = source.find(from);
  REQUIRE(pos != std::string::npos);
  source.replace(pos, from.size(), to);
  LoadResult r = LoadProcedureSource(source, "sop/uji/mini.lua");
  CHECK(r.procedure == nullptr);
  return Errors(r);
}

}  // namespace

TEST_CASE("a valid procedure compiles into its definition", "[procedure][loader]") {
  LoadResult r = LoadProcedureSource(Mini(), "sop/uji/mini.lua");
  INFO(Errors(r));
  REQUIRE(r.procedure != nullptr);
  const ProcedureDef& def = r.procedure->def();
  CHECK(def.id == "uji/mini");
  CHECK(def.Title() == "Prosedur Uji");
  CHECK(def.role_order == std::vector<std::string>{"staf", "kabid", "pelapor"});
  REQUIRE(def.steps.size() == 5);
  CHECK(def.steps[0].kind == StepKind::kTask);
  CHECK(def.steps[0].line == 13);
  CHECK(def.steps[0].has_guard);
  CHECK(def.steps[0].waktu->raw == "2 jam");
  CHECK(def.steps[1].branches.size() == 2);
  CHECK(def.steps[1].role_inferred);
  CHECK(def.steps[1].branches[1].set["status_laporan"] == "ditutup");
  CHECK(def.steps[3].on.at("lanjutan") == "periksa");
  CHECK(def.steps[4].hasil == "beres");
  CHECK(def.has_on_open);
  CHECK(def.hash.size() == 64);
  CHECK(def.fields.at("status_laporan").initial == "terbuka");
}

TEST_CASE("a broken file gets a message naming file, line, step and field", "[procedure][loader]") {
  SECTION("bad time string") {
    const std::string e = ErrorsAfter("waktu = \"2 jam\"", "waktu = \"2 minggu\"");
    CHECK_THAT(e, Catch::Contains("sop/uji/mini.lua:13: error: step 'terima' field 'waktu':") && Catch::Contains("2 minggu"));
  }
  SECTION("unknown role") {
    const std::string e = ErrorsAfter("pelaksana = \"staf\"", "pelaksana = \"satpam\"");
    CHECK_THAT(e, Catch::Contains(":13: error: step 'terima' field 'pelaksana': unknown role 'satpam'"));
  }
  SECTION("unknown target") {
    const std::string e = ErrorsAfter("next = \"periksa\"", "next = \"periksaa\"");
    CHECK_THAT(e, Catch::Contains("step 'terima' field 'next': goes to unknown step 'periksaa'"));
  }
  SECTION("misspelt field") {
    const std::string e = ErrorsAfter("kegiatan = \"Menerima laporan\"", "kegiatn = \"Menerima laporan\"");
    CHECK_THAT(e, Catch::Contains("field 'kegiatn': unknown field 'kegiatn' (a typo?)"));
  }
  SECTION("decision with one branch") {
    const std::string e = ErrorsAfter("{ \"ulang\", next = \"terima\" }, ", "");
    CHECK_THAT(e, Catch::Contains("step 'periksa' field 'branches': a decision needs at least two labelled branches"));
  }
  SECTION("task without next") {
    const std::string e = ErrorsAfter(", next = \"periksa\"", "");
    CHECK_THAT(e, Catch::Contains("step 'terima' field 'next'"));
  }
  SECTION("a set value outside the enum") {
    const std::string e = ErrorsAfter("status_laporan = \"ditutup\"", "status_laporan = \"hilang\"");
    CHECK_THAT(e, Catch::Contains("not one of its enum values"));
  }
  SECTION("bad basis") {
    const std::string e = ErrorsAfter("waktu = \"5 hari\"", "waktu = { \"5 hari\", basis = \"lunar\" }");
    CHECK_THAT(e, Catch::Contains("step 'tunggu' field 'waktu': unknown basis 'lunar'"));
  }
  SECTION("Lua syntax error") {
    const std::string e = ErrorsAfter("no = 1,", "no = 1,,");
    CHECK_THAT(e, Catch::Contains("sop/uji/mini.lua:14:"));
  }
  SECTION("not a sop table") {
    LoadResult r = LoadProcedureSource("return { id = 'x' }", "sop/uji/x.lua");
    CHECK_THAT(Errors(r), Catch::Contains("must return sop { ... }"));
  }
  SECTION("step id with bad characters") {
    const std::string e = ErrorsAfter("task \"terima\"", "task \"Terima Laporan\"");
    CHECK_THAT(e, Catch::Contains("lowercase"));
  }
}

TEST_CASE("hooks are looked up by step and by procedure", "[procedure][loader]") {
  LoadResult r = LoadProcedureSource(Mini(), "sop/uji/mini.lua");
  REQUIRE(r.procedure);
  const auto& p = *r.procedure;
  lua_State* L = p.sandbox().state();
  const int top = lua_gettop(L);
  CHECK(p.PushHook(p.def().Find("terima"), "guard"));
  lua_pop(L, 1);
  CHECK_FALSE(p.PushHook(p.def().Find("periksa"), "guard"));
  CHECK(p.PushHook(nullptr, "on_open"));
  lua_pop(L, 1);
  CHECK(lua_gettop(L) == top);
}

// Found by fuzz_procedure_loader (tests/fuzz/regressions/procedure_loader/): the loader read what
// the file returned outside any protected call, so an empty file aborted the process with
// "unprotected Lua error: attempt to index a nil value", and a metamethod on the returned table
// could raise (abort) or loop with no budget (hang).
TEST_CASE("whatever a file returns is a diagnostic, never an abort or a hang", "[procedure][loader][fuzz]") {
  for (const char* source : {"", "return nil", "return 42", "return true", "return 'sop'",
                             "return setmetatable({}, {__index = function() error('boom') end})"}) {
    INFO(source);
    LoadResult r = LoadProcedureSource(source, "sop/uji/x.lua");
    CHECK(r.procedure == nullptr);
    CHECK_THAT(Errors(r), Catch::Contains("must return sop"));
  }
  // A real sop { } table whose metatable raises, or loops, when the loader reads a missing field.
  std::string mini = Mini();
  const auto ret = mini.find("return sop {");
  REQUIRE(ret != std::string::npos);
  for (const char* index : {"function() error('boom') end", "function() while true do end end"}) {
    INFO(index);
    std::string source = mini;
    source.replace(ret, 12, "local t = sop {");
    source += "\nreturn setmetatable(t, {__index = " + std::string(index) + "})\n";
    LuaLimits limits = ProcedureLoadLimits();
    limits.instructions = 1'000'000;
    LoadResult r = LoadProcedureSource(source, "sop/uji/mini.lua", limits);
    CHECK(r.procedure == nullptr);
    CHECK_THAT(Errors(r), Catch::Contains("reading the returned table failed"));
  }
}

// Found by fuzz_procedure_loader (tests/fuzz/regressions/procedure_loader/set-invalid-utf8): a
// `set` value that was not UTF-8 (a Latin-1 file, or "\xC1" in a string) reached the checker,
// whose dump() threw json type_error 316 out of LoadProcedureSource (lint and reload crashed).
TEST_CASE("data that is not UTF-8 text is a diagnostic at the field", "[procedure][loader][fuzz]") {
  const std::string source = Mini();
  const auto pos = source.find("status_laporan = \"ditutup\"");
  REQUIRE(pos != std::string::npos);
  for (const char* bad : {"\"dit\\xC1tup\"", "\"dit\xE9tup\""}) {
    INFO(bad);
    std::string s = source;
    s.replace(pos, 26, std::string("status_laporan = ") + bad);
    LoadResult r = LoadProcedureSource(s, "sop/uji/mini.lua");
    CHECK(r.procedure == nullptr);
    CHECK_THAT(Errors(r), Catch::Contains("not valid UTF-8"));
  }
}

// Found by fuzz_procedure_loader (tests/fuzz/regressions/procedure_loader/branch-not-a-table): a
// branch written without its braces made the reader call lua_rawgeti on a string: SIGSEGV.
TEST_CASE("a branch that is not a table is a diagnostic, not a crash", "[procedure][loader][fuzz]") {
  for (const char* branch : {"\"ulang\"", "42", "true"}) {
    INFO(branch);
    CHECK_THAT(ErrorsAfter("{ \"ulang\", next = \"terima\" }", branch), Catch::Contains("branch 1 must be"));
  }
}
