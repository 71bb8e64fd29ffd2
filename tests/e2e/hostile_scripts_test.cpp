// Hostile scripts against the real server, one trick at a time and in each folder a script can
// live in (research/security.md §7.1): a procedure's top level (sop/, run at load), a procedure
// hook (sop/, run while a case moves), a webhook adapter (webhooks/, run per payload in a worker
// process) and a report (scripts/, run per request). Each trick is stopped with an error that
// names it, nothing is stored half-way, and the server keeps serving the well-behaved scripts.
#include <catch2/catch.hpp>

#include <future>

#include "e2e/http_support.h"

namespace siaga::test {
namespace {

struct Trick {
  std::string slug;    // file and procedure names: lower case, digits and '-'
  std::string code;    // Lua statements; for "bytecode" the whole file
  std::vector<std::string> expect;  // what the error must say (any one of them)
};

const std::string kBytecode = std::string("\x1bLua\x54\x00\x19\x93\r\n\x1a\n", 12) + std::string(40, '\x04');

const std::vector<Trick>& Tricks() {
  static const std::vector<Trick> tricks = {
      {"endless-loop", "while true do end", {"budget exhausted"}},
      {"endless-loop-in-pcall", "while true do pcall(function() while true do end end) end", {"budget exhausted"}},
      {"deep-recursion", "local function f(n) return 1 + f(n + 1) end f(1)", {"stack overflow", "memory budget"}},
      {"gigabyte", "local s = string.rep('x', 1 << 30)", {"memory"}},
      {"backtracking-pattern", "string.find(('a'):rep(200), '.-.-.-.-x')", {"matching steps, over the sandbox limit"}},
      {"bytecode", kBytecode, {"binary"}},
      {"string-metatable", "getmetatable('').__index = function() return 'pwned' end", {"attempt to index a boolean value"}},
      {"os-execute", "os.execute('touch /tmp/siaga-pwned')", {"attempt to call a nil value (field 'execute')"}},
      {"io-open", "io.open('/etc/passwd')", {"attempt to index a nil value (global 'io')"}},
      {"package-loadlib", "package.loadlib('libc.so.6', 'system')", {"attempt to index a nil value (global 'package')"}},
      {"debug-sethook", "debug.sethook()", {"attempt to index a nil value (global 'debug')"}},
      {"load-binary", "assert(load(string.char(27) .. 'Lua', 'x', 'b'))", {"attempt to load a binary chunk"}},
      {"collectgarbage-stop", "collectgarbage('stop')", {"collectgarbage: only"}},
  };
  return tricks;
}

bool IsFileTrick(const Trick& t) { return t.slug == "bytecode"; }

// A procedure with one task; `hook` is the body of on_open.
std::string Procedure(const std::string& id, const std::string& hook = "") {
  return "return sop {\n  id = \"" + id + "\", revision = 1, instansi = \"kota-surakarta\", zona_waktu = \"WIB\",\n"
         "  identitas = { nama = \"Uji skrip jahat\" },\n"
         "  pelaksana = { staf = { label = \"Staf\", kolom = 1 } },\n"
         "  on_open = function(ctx)\n" + hook + "\n  end,\n"
         "  langkah = {\n"
         "    task \"terima\" { no = 1, kegiatan = \"Menerima laporan\", pelaksana = \"staf\", waktu = \"1 jam\", next = \"selesai\" },\n"
         "    finish \"selesai\" { no = 2, kegiatan = \"Selesai\" },\n"
         "  },\n}\n";
}

std::string Adapter(const std::string& body) {
  return "adapter { title = \"jahat\", format = \"json\", auth = \"token\",\n  parse = function(doc, meta)\n" + body +
         "\n    return { { title = 'tidak pernah', severity = 'low', source = 'jahat' } }\n  end }\n";
}

std::string Report(const std::string& slug, const std::string& body) {
  return "return report { name = \"" + slug + "\", title = \"jahat\", run = function()\n" + body + "\n  return {} end }\n";
}

// True when some occurrence of `needle` in `text` has one of `expect` within the next 1,500
// bytes (an error line names the file or report, then the message and its traceback).
bool SaysNear(const std::string& text, const std::string& needle, const std::vector<std::string>& expect) {
  for (auto at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1))
    for (const std::string& e : expect)
      if (text.substr(at, 1500).find(e) != std::string::npos) return true;
  return false;
}

struct HostileSetup {
  TempDir dir;
  std::string sop = dir / "sop", hooks = dir / "webhooks", scripts = dir / "scripts";

  HostileSetup() {
    std::filesystem::copy(kSeedDir, sop, std::filesystem::copy_options::recursive);
    std::filesystem::copy(kSourceDir + "/webhooks", hooks, std::filesystem::copy_options::recursive);
    std::filesystem::copy(kSourceDir + "/scripts", scripts, std::filesystem::copy_options::recursive);
  }
};

// The seeds and the shipped adapters and reports still work next to the hostile files.
void ExpectStillServing(const Server& s, const std::string& admin) {
  CHECK(Http("GET", s.Url("/healthz")).status == 200);
  HttpReply open = s.Post("/api/cases", {{"procedure", "surakarta/layanan-keamanan-informasi"}, {"title", "masih jalan"}}, admin);
  CHECK(open.status == 201);
  HttpReply report = s.Get("/api/reports/open-cases", admin);
  CHECK(report.status == 200);
}

TEST_CASE("hostile scripts in sop/ are refused at load, named in /api/sops, and the seeds keep serving", "[e2e][hostile][lua]") {
  HostileSetup setup;
  Server s(setup.dir, {"--scripts", setup.scripts}, setup.hooks, setup.sop);
  REQUIRE(s.port() > 0);
  const std::string admin = s.Token("adi", {"admin"});
  const auto procedures_before = s.Get("/api/sops", admin).Json()["procedures"].size();
  for (const Trick& t : Tricks())
    WriteFile(setup.sop + "/jahat/" + t.slug + ".lua", IsFileTrick(t) ? t.code : t.code + "\n" + Procedure("jahat/" + t.slug));
  HttpReply reload = Http("POST", s.Url("/api/reload"), "", {"Authorization: Bearer " + admin});
  REQUIRE(reload.status == 200);

  const nlohmann::json sops = s.Get("/api/sops", admin).Json();
  const std::string errors = sops["load_errors"].dump();
  for (const Trick& t : Tricks()) {
    INFO(t.slug);
    CHECK(SaysNear(errors, "jahat/" + t.slug + ".lua", t.expect));
  }
  CHECK(sops["procedures"].size() == procedures_before);
  CHECK_FALSE(std::filesystem::exists("/tmp/siaga-pwned"));
  ExpectStillServing(s, admin);
}

TEST_CASE("hostile procedure hooks refuse the case they would open, and the next case opens", "[e2e][hostile][lua]") {
  HostileSetup setup;
  for (const Trick& t : Tricks())
    if (!IsFileTrick(t)) WriteFile(setup.sop + "/jahat/" + t.slug + ".lua", Procedure("jahat/" + t.slug, t.code));
  Server s(setup.dir, {"--scripts", setup.scripts}, setup.hooks, setup.sop);
  REQUIRE(s.port() > 0);
  const std::string admin = s.Token("adi", {"admin"});
  REQUIRE(s.Get("/api/sops", admin).Json()["load_errors"].empty());
  const std::int64_t cases_before = CountRows(s.db(), "SELECT COUNT(*) FROM cases");
  for (const Trick& t : Tricks()) {
    if (IsFileTrick(t)) continue;
    INFO(t.slug);
    HttpReply r = s.Post("/api/cases", {{"procedure", "jahat/" + t.slug}, {"title", "uji"}}, admin);
    CHECK(r.status == 500);
    CHECK(r.Json()["error"]["code"] == "script_error");
    CHECK(r.body.find("jahat/") == std::string::npos);  // paths and tracebacks stay in the log
  }
  const std::string log = s.log();
  for (const Trick& t : Tricks()) {
    if (IsFileTrick(t)) continue;
    INFO(t.slug);
    CHECK(SaysNear(log, "jahat/" + t.slug + ".lua", t.expect));
  }
  CHECK(CountRows(s.db(), "SELECT COUNT(*) FROM cases") == cases_before);
  CHECK(CountRows(s.db(), "SELECT COUNT(*) FROM cases c JOIN procedure_versions v ON v.id = c.version_id WHERE v.procedure_id LIKE 'jahat/%'") == 0);
  CHECK_FALSE(std::filesystem::exists("/tmp/siaga-pwned"));
  ExpectStillServing(s, admin);
}

TEST_CASE("hostile webhook adapters hold their payload with the error, and a stuck one never blocks another feed", "[e2e][hostile][lua][webhooks]") {
  HostileSetup setup;
  for (const Trick& t : Tricks())
    WriteFile(setup.hooks + "/jahat-" + t.slug + ".lua", IsFileTrick(t) ? t.code : Adapter(t.code));
  // Tampering with the adapter's own string table must not reach the next adapter in the worker.
  WriteFile(setup.hooks + "/jahat-string-table.lua", Adapter("string.upper = function() return 'pwned' end  string.format = nil"));
  WriteFile(setup.hooks + "/routes.lua", R"(routes { { procedure = "trenggalek/layanan-insiden" } })");
  WriteFile(setup.hooks + "/polos.lua", R"(adapter { title = "polos", format = "json", auth = "token",
    parse = function(doc) return { { title = ('x'):upper() .. string.upper('y') .. string.format('%d', 1), severity = 'low', source = 'polos', source_ref = doc.id } } end })");
  Server s(setup.dir, {"--scripts", setup.scripts, "--adapter-workers", "2"}, setup.hooks, setup.sop);
  REQUIRE(s.port() > 0);
  const std::string admin = s.Token("adi", {"admin"});
  std::vector<std::string> roles = {"webhook:polos", "webhook:jahat-string-table"};
  for (const Trick& t : Tricks()) roles.push_back("webhook:jahat-" + t.slug);
  const std::string feed = s.Token("sensor", roles);
  auto post = [&](const std::string& adapter, const std::string& body) {
    return Http("POST", s.Url("/hooks/" + adapter), body, {"Authorization: Bearer " + feed});
  };

  const nlohmann::json adapters = s.Get("/api/adapters", admin).Json();
  CHECK(SaysNear(adapters["load_errors"].dump(), "jahat-bytecode.lua", {"binary"}));

  SECTION("each trick is stopped and its payload held with the reason") {
    for (const Trick& t : Tricks()) {
      if (IsFileTrick(t)) continue;
      INFO(t.slug);
      HttpReply r = post("jahat-" + t.slug, R"({"id": "1"})");
      CHECK(r.status == 202);
      CHECK(r.Json()["state"] == "held");
      CHECK(r.Json()["accepted"] == 0);
    }
    const std::string inbox = s.Get("/api/inbox?limit=100", admin).body;
    for (const Trick& t : Tricks()) {
      if (IsFileTrick(t)) continue;
      INFO(t.slug);
      CHECK(SaysNear(inbox, "jahat-" + t.slug + ".lua", t.expect));
    }
    HttpReply tampered = post("jahat-string-table", R"({"id": "2"})");
    CHECK(tampered.status == 202);
    HttpReply plain = post("polos", R"({"id": "3"})");
    REQUIRE(plain.status == 202);
    CHECK(plain.Json()["accepted"] == 1);
    CHECK(CountRows(s.db(), "SELECT COUNT(*) FROM cases WHERE title = 'XY1'") == 1);
    CHECK(CountRows(s.db(), "SELECT COUNT(*) FROM cases WHERE title = 'tidak pernah'") == 1);  // the string-table one ran
  }
  SECTION("a stuck adapter never blocks another feed") {
    auto stuck = std::async(std::launch::async, [&] { return post("jahat-endless-loop", R"({"id": "4"})"); });
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    const auto t0 = std::chrono::steady_clock::now();
    HttpReply plain = post("polos", R"({"id": "5"})");
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0).count();
    CHECK(plain.status == 202);
    CHECK(plain.Json()["accepted"] == 1);
    CHECK(ms < 1000);  // the stuck run takes its full 2 s budget
    CHECK(stuck.get().Json()["state"] == "held");
  }
  CHECK_FALSE(std::filesystem::exists("/tmp/siaga-pwned"));
  ExpectStillServing(s, admin);
}

TEST_CASE("hostile report scripts answer 500 with the reason in the log, and the shipped reports keep running", "[e2e][hostile][lua][reports]") {
  HostileSetup setup;
  for (const Trick& t : Tricks())
    WriteFile(setup.scripts + "/jahat-" + t.slug + ".lua", IsFileTrick(t) ? t.code : Report("jahat-" + t.slug, t.code));
  Server s(setup.dir, {"--scripts", setup.scripts}, setup.hooks, setup.sop);
  REQUIRE(s.port() > 0);
  const std::string admin = s.Token("adi", {"admin"});
  for (const Trick& t : Tricks()) {
    INFO(t.slug);
    HttpReply r = s.Get("/api/reports/jahat-" + t.slug, admin);
    CHECK(r.status == 500);
    CHECK(r.Json()["error"]["code"] == "script_error");
  }
  const std::string log = s.log();
  for (const Trick& t : Tricks()) {
    INFO(t.slug);
    CHECK(SaysNear(log, IsFileTrick(t) ? "jahat-" + t.slug + ".lua" : "report 'jahat-" + t.slug + "'", t.expect));
  }
  CHECK_FALSE(std::filesystem::exists("/tmp/siaga-pwned"));
  ExpectStillServing(s, admin);
}

}  // namespace
}  // namespace siaga::test
