// siaga report and GET /api/reports on the real binary: formats, exit codes, HTTP status codes,
// and a hostile script stopped without taking the server down.
#include <catch2/catch.hpp>

#include <cstdlib>
#include <future>

#include "http_support.h"

using namespace siaga;
using namespace siaga::test;

namespace {

const std::string kScripts = kSourceDir + "/scripts";

// A store with the five seeds walked end to end (siaga demo).
std::string DemoStore(const TempDir& dir) {
  const std::string db = dir / "siaga.db";
  RunResult r = RunSiaga({"--db", db, "--sop", kSeedDir, "demo"});
  INFO(r.out);
  REQUIRE(r.exit_code == 0);
  return db;
}

RunResult Report(const std::string& db, std::vector<std::string> args, const std::string& scripts = kScripts) {
  std::vector<std::string> all = {"--db", db, "--sop", kSeedDir, "--now", "2026-07-01T00:00", "report", "--scripts", scripts};
  all.insert(all.end(), args.begin(), args.end());
  return RunSiaga(all);
}

}  // namespace

TEST_CASE("siaga report prints every shipped report in every format", "[e2e][reports]") {
  TempDir dir;
  const std::string db = DemoStore(dir);
  RunResult list = Report(db, {"--list"});
  REQUIRE(list.exit_code == 0);
  for (const char* name : {"sla-compliance", "incident-register", "monthly-recap", "open-cases"}) CHECK_THAT(list.out, Catch::Contains(name));

  RunResult csv = Report(db, {"sla-compliance", "--format", "csv"});
  INFO(csv.out);
  REQUIRE(csv.exit_code == 0);
  CHECK_THAT(csv.out, Catch::StartsWith("Prosedur,No,Langkah,Peran,Pelaksana,Mutu Baku (Waktu),Dinilai,"));
  RunResult roles = Report(db, {"sla-compliance", "--format", "csv", "--table", "roles"});
  CHECK_THAT(roles.out, Catch::StartsWith("Prosedur,Peran,Pelaksana,"));

  RunResult json = Report(db, {"incident-register", "--format", "json"});
  REQUIRE(json.exit_code == 0);
  auto j = nlohmann::json::parse(json.out, nullptr, false);
  REQUIRE(j.is_object());
  CHECK(j["report"] == "incident-register");
  CHECK(j["tables"][0]["rows"].size() == 11);  // siaga demo opens eleven cases

  RunResult md = Report(db, {"monthly-recap", "-p", "month=2026-01"});
  REQUIRE(md.exit_code == 0);
  CHECK_THAT(md.out, Catch::StartsWith("# Rekap bulanan 2026-01"));

  const std::string html_file = dir / "open.html";
  RunResult html = Report(db, {"open-cases", "--format", "html", "--output", html_file});
  REQUIRE(html.exit_code == 0);
  const std::string page = ReadText(html_file);
  CHECK_THAT(page, Catch::StartsWith("<!DOCTYPE html>") && Catch::Contains("<svg") && Catch::EndsWith("</html>\n"));
}

TEST_CASE("siaga report exit codes: bad parameter 1, unknown report 3, no store 3, broken script 6", "[e2e][reports]") {
  TempDir dir;
  const std::string db = DemoStore(dir);
  RunResult bad = Report(db, {"sla-compliance", "--param", "from=kemarin"});
  CHECK(bad.exit_code == 1);
  CHECK_THAT(bad.out, Catch::Contains("parameter 'from'"));
  CHECK(Report(db, {"sla-compliance", "--param", "from"}).exit_code == 1);
  CHECK(Report(db, {"sla-compliance", "--format", "pdf"}).exit_code == 1);
  CHECK(Report(db, {"no-such-report"}).exit_code == 3);
  CHECK(Report(dir / "missing.db", {"sla-compliance"}).exit_code == 3);

  TempDir scripts;
  WriteFile(scripts / "loop.lua", "return report { run = function() while true do end end }");
  RunResult loop = Report(db, {"loop", "--time-budget-ms", "200"}, scripts.path());
  CHECK(loop.exit_code == 6);
  CHECK_THAT(loop.out, Catch::Contains("report 'loop'") && Catch::Contains("budget exhausted"));
}

TEST_CASE("GET /api/reports lists and runs reports for any role, and maps errors to 400, 401, 403, 404 and 500", "[e2e][reports][http]") {
  TempDir dir;
  DemoStore(dir);
  TempDir scripts;
  for (const char* name : {"sla-compliance", "incident-register", "monthly-recap", "open-cases"})
    WriteFile(scripts / (std::string(name) + ".lua"), ReadText(kScripts + "/" + name + ".lua"));
  WriteFile(scripts / "loop.lua", "return report { run = function() while true do end end }");
  WriteFile(scripts / "deep.lua", "return report { run = function() local function f(n) return 1 + f(n + 1) end return f(1) end }");
  setenv("SIAGA_SCRIPTS", scripts.path().c_str(), 1);
  Server server(dir);
  unsetenv("SIAGA_SCRIPTS");
  REQUIRE(server.port() != 0);
  const std::string reader = server.Token("sari", {"helpdesk"});  // a role of seed 001 only
  const std::string admin = server.Token("kepala", {"admin"});
  const std::string feed = server.Token("scanner", {"webhook:nuclei"});

  HttpReply list = server.Get("/api/reports", reader);
  REQUIRE(list.status == 200);
  CHECK(list.Json()["reports"].size() == 6);

  HttpReply json = server.Get("/api/reports/sla-compliance?from=2026-01-01", reader);
  INFO(json.body);
  REQUIRE(json.status == 200);
  CHECK(json.Json()["params"]["from"] == "2026-01-01");
  CHECK(json.Json()["tables"][0]["name"] == "steps");

  // What a report reads is limited to the reader's procedures: the helpdesk sees seed 001's case
  // only; admin sees all eleven.
  CHECK(server.Get("/api/reports/incident-register", admin).Json()["tables"][0]["rows"].size() == 11);
  const auto own = server.Get("/api/reports/incident-register", reader).Json()["tables"][0]["rows"];
  REQUIRE(own.size() == 1);
  CHECK(own[0]["procedure"] == "trenggalek/layanan-insiden");
  CHECK(server.Get("/api/reports/sla-compliance?procedure=kaltim/gangguan-keamanan-jaringan", reader).status == 400);

  HttpReply csv = server.Get("/api/reports/incident-register?format=csv", reader);
  REQUIRE(csv.status == 200);
  CHECK_THAT(csv.headers["content-type"], Catch::StartsWith("text/csv"));
  CHECK_THAT(csv.headers["content-disposition"], Catch::Contains("incident-register.csv"));

  HttpReply html = server.Get("/api/reports/monthly-recap?format=html&month=2026-01", reader);
  REQUIRE(html.status == 200);
  CHECK_THAT(html.headers["content-security-policy"], Catch::StartsWith("default-src 'none'"));

  HttpReply bad = server.Get("/api/reports/monthly-recap?month=januari", reader);
  CHECK(bad.status == 400);
  CHECK(bad.Json()["error"]["field"] == "month");
  CHECK(server.Get("/api/reports/monthly-recap", reader).Json()["error"]["field"] == "month");  // required
  CHECK(server.Get("/api/reports/sla-compliance?format=pdf", reader).status == 400);
  CHECK(server.Get("/api/reports/nope", reader).status == 404);
  CHECK(server.Get("/api/reports/..%2Fetc", reader).status == 404);
  CHECK(server.Get("/api/reports/sla-compliance").status == 401);
  CHECK(server.Get("/api/reports/sla-compliance", feed).status == 403);

  // A script that never ends, and one that recurses deeply, run on the report threads (not on
  // CivetWeb's small stacks): both are stopped, and the server keeps answering.
  HttpReply loop = server.Get("/api/reports/loop", reader);
  CHECK(loop.status == 500);
  CHECK(loop.Json()["error"]["code"] == "script_error");
  HttpReply deep = server.Get("/api/reports/deep", reader);
  CHECK(deep.status == 500);
  CHECK(server.Get("/healthz").status == 200);
  CHECK_THAT(server.log(), Catch::Contains("budget exhausted"));

  // Several at once: each answered, with the report or 503 when the report threads are busy.
  std::vector<std::future<long>> replies;
  for (int i = 0; i < 12; ++i)
    replies.push_back(std::async(std::launch::async, [&] { return server.Get("/api/reports/sla-compliance", reader).status; }));
  int ok = 0;
  for (auto& r : replies) {
    const long status = r.get();
    CHECK((status == 200 || status == 503));
    ok += status == 200;
  }
  CHECK(ok >= 2);
}
