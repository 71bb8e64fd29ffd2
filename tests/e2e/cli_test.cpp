// End-to-end: the real siaga binary over real files.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include "procedure_fixtures.h"
#include "store/database.h"
#include "test_support.h"

using namespace siaga::test;

namespace {

struct Workspace {
  TempDir dir;
  Workspace() { WriteFile(dir / "sop/uji/mini.lua", Mini()); }
  RunResult Run(std::vector<std::string> args, const std::string& now = "2026-01-05T08:00+07:00") {
    std::vector<std::string> full = {"--db", dir / "data/siaga.db", "--sop", dir / "sop", "--now", now};
    full.insert(full.end(), args.begin(), args.end());
    return RunSiaga(full);
  }
};

}  // namespace

TEST_CASE("cli: --help on every command and usage errors exit 2", "[e2e][cli]") {
  auto help = RunSiaga({"--help"});
  CHECK(help.exit_code == 0);
  for (const char* cmd : {"lint", "simulate", "case", "demo"}) CHECK_THAT(help.out, Catch::Contains(cmd));
  for (const std::vector<std::string>& args :
       std::vector<std::vector<std::string>>{{"lint", "--help"}, {"simulate", "--help"}, {"case", "--help"},
                                             {"case", "open", "--help"}, {"case", "decide", "--help"}, {"demo", "--help"}}) {
    auto r = RunSiaga(args);
    INFO(r.out);
    CHECK(r.exit_code == 0);
    CHECK_THAT(r.out, Catch::Contains("Usage") || Catch::Contains("USAGE"));
  }
  CHECK(RunSiaga({"case", "open"}).exit_code == 2);
  CHECK(RunSiaga({"no-such-command"}).exit_code == 2);
  CHECK(RunSiaga({}).exit_code == 2);
}

TEST_CASE("cli: lint passes the seeds and names file, line, step and field of a broken file", "[e2e][cli][lint]") {
  auto seeds = RunSiaga({"--sop", kSeedDir, "lint", kSeedDir});
  INFO(seeds.out);
  CHECK(seeds.exit_code == 0);
  CHECK_THAT(seeds.out, Catch::Contains(" 0 error(s)"));

  TempDir dir;
  std::string broken = Mini();
  broken.replace(broken.find("waktu = \"2 jam\""), 15, "waktu = \"2 pekan\"");
  WriteFile(dir / "sop/uji/mini.lua", broken);
  auto r = RunSiaga({"--sop", dir / "sop", "lint", dir / "sop"});
  CHECK(r.exit_code == 1);
  CHECK_THAT(r.out, Catch::Contains("sop/uji/mini.lua:13: error: step 'terima' field 'waktu': cannot read time standard '2 pekan'"));
  CHECK(RunSiaga({"lint", dir / "nothing-here"}).exit_code == 3);
  auto json = RunSiaga({"--sop", dir / "sop", "--json", "lint", dir / "sop"});
  auto parsed = nlohmann::json::parse(json.out.substr(json.out.find('{')));
  CHECK(parsed["errors"] == 1);
  CHECK(parsed["findings"][0]["step"] == "terima");
}

TEST_CASE("cli: a case from open to close, with deadlines, roles and history", "[e2e][cli][case]") {
  Workspace w;
  auto open = w.Run({"case", "open", "uji/mini", "--title", "Situs diretas", "--as", "sari:staf"});
  INFO(open.out);
  REQUIRE(open.exit_code == 0);
  CHECK_THAT(open.out, Catch::Contains("UJI-2026-000001 [open] open: terima (task, staf, due 2026-01-05 10:00 WIB)"));

  auto denied = w.Run({"case", "complete", "1", "terima", "--as", "budi:kabid"});
  CHECK(denied.exit_code == 4);
  CHECK_THAT(denied.out, Catch::Contains("may not act on step 'terima'"));

  CHECK(w.Run({"case", "complete", "UJI-2026-000001", "terima", "--as", "sari:staf"}, "2026-01-05T09:00+07:00").exit_code == 0);
  auto bad_label = w.Run({"case", "decide", "1", "periksa", "mungkin"});
  CHECK(bad_label.exit_code == 1);
  CHECK_THAT(bad_label.out, Catch::Contains("choose one of: 'ulang', 'ok'"));
  auto decided = w.Run({"case", "decide", "1", "periksa", "ok", "--note", "sudah aman"}, "2026-01-05T11:00+07:00");
  CHECK(decided.exit_code == 0);
  CHECK_THAT(decided.out, Catch::Contains("[waiting] open: tunggu"));

  // The 5-day wait has not run out on Friday; the next Wednesday it has.
  auto early = w.Run({"case", "tick"}, "2026-01-09T12:00+07:00");
  CHECK_THAT(early.out, Catch::Contains("timers fired: 0"));
  auto late = w.Run({"case", "tick"}, "2026-01-14T08:00+07:00");
  CHECK_THAT(late.out, Catch::Contains("timers fired: 1"));

  auto show = w.Run({"case", "show", "1"});
  INFO(show.out);
  CHECK(show.exit_code == 0);
  CHECK_THAT(show.out, Catch::Contains("status     closed (beres)"));
  CHECK_THAT(show.out, Catch::Contains("branch_taken"));
  CHECK_THAT(show.out, Catch::Contains("wait_timed_out"));
  auto json = w.Run({"case", "show", "1", "--json"});
  auto page = nlohmann::json::parse(json.out);
  CHECK(page["decisions"][0]["note"] == "sudah aman");
  CHECK(page["steps"].size() == 5);

  auto list = w.Run({"case", "list", "--status", "closed"});
  CHECK_THAT(list.out, Catch::Contains("UJI-2026-000001"));
  CHECK(w.Run({"case", "show", "999"}).exit_code == 3);
  CHECK(w.Run({"case", "complete", "1", "terima"}).exit_code == 1);  // closed cases take no actions
}

TEST_CASE("cli: signals, comments, evidence and closing early", "[e2e][cli][case]") {
  Workspace w;
  REQUIRE(w.Run({"case", "open", "uji/mini"}).exit_code == 0);
  CHECK(w.Run({"case", "signal", "1", "lanjutan"}).exit_code == 1);  // nothing waits for it yet
  CHECK(w.Run({"case", "comment", "1", "Pelapor dihubungi"}).exit_code == 0);
  WriteFile(w.dir / "bukti.txt", "abc");
  auto attach = w.Run({"case", "attach", "1", w.dir / "bukti.txt", "--step", "terima"});
  CHECK_THAT(attach.out, Catch::Contains("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"));
  CHECK(w.Run({"case", "close", "1"}).exit_code == 2);  // --reason is required
  auto closed = w.Run({"case", "close", "1", "--reason", "laporan ganda"});
  CHECK_THAT(closed.out, Catch::Contains("[cancelled]"));
}

TEST_CASE("cli: simulate prints the path, deadlines and total", "[e2e][cli][simulate]") {
  Workspace w;
  auto r = w.Run({"simulate", "uji/mini", "--choose", "periksa=ulang", "--choose", "periksa=ok"});
  INFO(r.out);
  REQUIRE(r.exit_code == 0);
  CHECK_THAT(r.out, Catch::Contains("terima #2"));
  CHECK_THAT(r.out, Catch::Contains("2026-01-05 10:00 WIB"));
  CHECK_THAT(r.out, Catch::Contains("outcome: beres"));
  CHECK_THAT(r.out, Catch::Contains("total    "));
  auto json = w.Run({"simulate", "uji/mini", "--signal", "tunggu=lanjutan", "--json"});
  auto report = nlohmann::json::parse(json.out);
  CHECK(report["outcome"] == "beres");
  CHECK(w.Run({"simulate", "uji/none"}).exit_code == 3);
  CHECK(w.Run({"simulate", "uji/mini", "--choose", "periksa"}).exit_code == 1);
}

TEST_CASE("cli: a store written by a newer siaga is refused with exit 5", "[e2e][cli]") {
  Workspace w;
  REQUIRE(w.Run({"case", "open", "uji/mini"}).exit_code == 0);
  {
    auto db = siaga::Database::Open(w.dir / "data/siaga.db");
    REQUIRE(db.ok());
    REQUIRE((*db)->Exec("PRAGMA user_version = 42").ok());
  }
  auto r = w.Run({"case", "list"});
  CHECK(r.exit_code == 5);
  CHECK_THAT(r.out, Catch::Contains("newer than this siaga"));
}

TEST_CASE("cli: hostile procedure files are refused and the good ones keep working", "[e2e][cli][hostile]") {
  Workspace w;
  const std::vector<std::pair<std::string, std::string>> hostile = {
      {"loop", "while true do end"},
      {"pcall-loop", "while true do pcall(function() while true do end end) end"},
      {"big", "local s = string.rep('x', 1024 * 1024 * 1024) return sop {}"},
      {"bytecode", std::string("\x1bLuaT\x00\x19\x93\r\n\x1a\n", 12)},
      {"exec", "os.execute('touch " + (w.dir / "pwned") + "') return sop {}"},
      {"io", "io.open('/etc/passwd') return sop {}"},
      {"require", "require('os') return sop {}"},
      {"debug", "debug.sethook() return sop {}"},
  };
  for (const auto& [name, code] : hostile) WriteFile(w.dir / ("sop/jahat/" + name + ".lua"), code);
  auto lint = w.Run({"lint", w.dir / "sop"});
  INFO(lint.out);
  CHECK(lint.exit_code == 1);
  CHECK_THAT(lint.out, Catch::Contains(" 8 error(s)"));
  CHECK_THAT(lint.out, Catch::Contains("jahat/loop.lua") && Catch::Contains("budget exhausted"));
  CHECK_THAT(lint.out, Catch::Contains("jahat/big.lua") && Catch::Contains("memory"));
  CHECK_THAT(lint.out, Catch::Contains("jahat/bytecode.lua") && Catch::Contains("binary"));
  CHECK_THAT(lint.out, Catch::Contains("jahat/exec.lua") && Catch::Contains("nil value"));
  CHECK_FALSE(std::filesystem::exists(w.dir / "pwned"));
  auto open = w.Run({"case", "open", "uji/mini"});
  CHECK(open.exit_code == 0);
  CHECK_THAT(open.out, Catch::Contains("8 error(s) loading procedures"));
  CHECK_THAT(open.out, Catch::Contains("UJI-2026-000001 [open]"));
}

TEST_CASE("cli: editing the calendar re-computes open working-time deadlines, audited", "[e2e][cli][calendar]") {
  Workspace w;
  std::string with_sla = Mini();
  with_sla.replace(with_sla.find("identitas"), 9, "sla_kasus = { waktu = \"1 hari kerja\" }, identitas");
  WriteFile(w.dir / "sop/uji/mini.lua", with_sla);
  WriteFile(w.dir / "sop/kalender/nasional-2026.lua", "return kalender { tahun = 2026, sumber = 'uji', libur = {} }");
  auto open = w.Run({"case", "open", "uji/mini"}, "2026-01-09T15:30+07:00");  // Friday
  CHECK_THAT(open.out, Catch::Contains("due 2026-01-12 08:30 WIB"));
  // Monday 12 January becomes a day off.
  WriteFile(w.dir / "sop/kalender/nasional-2026.lua",
            "return kalender { tahun = 2026, sumber = 'uji', libur = { { '2026-01-12', 'Libur uji' } } }");
  auto after = w.Run({"case", "comment", "1", "kalender diubah"}, "2026-01-09T16:00+07:00");
  INFO(after.out);
  CHECK_THAT(after.out, Catch::Contains("due 2026-01-13 08:30 WIB"));
  auto page = nlohmann::json::parse(w.Run({"case", "show", "1", "--json"}, "2026-01-09T16:00+07:00").out);
  bool audited = false;
  for (const auto& h : page["history"])
    if (h["event"] == "deadline_recomputed" && h["detail"].contains("step")) {
      audited = true;
      CHECK(h["detail"]["old_due_at"] == "2026-01-12T01:30:00Z");
      CHECK(h["detail"]["new_due_at"] == "2026-01-13T01:30:00Z");
    }
  CHECK(audited);
  for (const auto& t : page["timers"])
    if (t["kind"] == "sla_due") CHECK(t["due_at"]["utc"] == "2026-01-13T01:30:00Z");
  // The service standard, 1 hari kerja from Friday, moved from Monday to Tuesday close of business.
  CHECK(page["case"]["sla_due_at"]["local"] == "2026-01-13 16:00 WIB");
  // Nothing changes the second time.
  w.Run({"case", "comment", "1", "lagi"}, "2026-01-09T16:05+07:00");
  auto again = nlohmann::json::parse(w.Run({"case", "show", "1", "--json"}).out);
  int recomputed = 0;
  for (const auto& h : again["history"]) recomputed += h["event"] == "deadline_recomputed" ? 1 : 0;
  CHECK(recomputed == 2);  // the step's deadline and the service standard, once each
}
