// Hot reload against the real server: edits go live while a case runs on its old version; broken,
// failing-lint and hostile edits are refused and the previous version keeps serving; both
// rename-over and truncate-and-write saves are picked up; an adapter edit never fails a payload.
#include <catch2/catch.hpp>

#include <fcntl.h>

#include "http_support.h"

using namespace siaga;
using namespace siaga::test;

namespace {

const std::string kProc = "surakarta/layanan-keamanan-informasi";
const std::string kFile = "surakarta/layanan-keamanan-informasi.lua";

// An editor that writes a temporary file and renames it over the original.
void SaveByRename(const std::string& path, const std::string& text) {
  WriteFile(path + ".swp", text);
  std::filesystem::rename(path + ".swp", path);
}

// An editor that truncates the file and writes it in place.
void SaveInPlace(const std::string& path, const std::string& text) {
  const int fd = open(path.c_str(), O_WRONLY | O_TRUNC);
  REQUIRE(fd >= 0);
  REQUIRE(write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()));
  close(fd);
}

std::string Replace(std::string text, const std::string& from, const std::string& to) {
  const auto at = text.find(from);
  REQUIRE(at != std::string::npos);
  return text.replace(at, from.size(), to);
}

// Waits until the server reports a reload newer than `reloads_before`, and returns it.
nlohmann::json WaitForReload(const Server& s, const std::string& token, int reloads_before) {
  for (int i = 0; i < 300; ++i) {
    auto last = s.Get("/api/sops", token).Json()["last_reload"];
    if (last.is_object() && last["sequence"].get<int>() > reloads_before) return last;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  FAIL("no reload within 3 s");
  return {};
}

int ReloadCount(const Server& s, const std::string& token) {
  auto last = s.Get("/api/sops", token).Json()["last_reload"];
  return last.is_object() ? last["sequence"].get<int>() : 0;
}

std::string OpenHash(const Server& s, const std::string& token) {
  HttpReply r = s.Post("/api/cases", {{"procedure", kProc}, {"title", "uji"}}, token);
  REQUIRE(r.status == 201);
  return r.Json()["case"]["version"]["hash"];
}

}  // namespace

TEST_CASE("reload: a case on the old version is offered that version's branch labels, a new case the new ones", "[reload][http]") {
  TempDir dir;
  const std::string sop = dir / "sop";
  std::filesystem::copy(kSeedDir, sop, std::filesystem::copy_options::recursive);
  Server s(dir, {}, kSourceDir + "/webhooks", sop);
  REQUIRE(s.port() > 0);
  const std::string kabid = s.Token("kabid", {"kabid", "analis", "admin"});
  auto at_decision = [&] {
    HttpReply opened = s.Post("/api/cases", {{"procedure", kProc}, {"title", "uji"}}, kabid);
    REQUIRE(opened.status == 201);
    const int id = opened.Json()["case"]["id"];
    for (const char* step : {"terima", "tindak_lanjut"})
      REQUIRE(s.Post("/api/cases/" + std::to_string(id) + "/actions", {{"action", "complete"}, {"step", step}}, kabid).status == 200);
    return id;
  };
  auto offered = [&](int id) {
    const nlohmann::json shown = s.Get("/api/cases/" + std::to_string(id), kabid).Json();
    for (const auto& step : shown["actions"]["steps"])
      if (step["step"] == "jenis") return step["branches"];
    return nlohmann::json();
  };
  const int old_case = at_decision();
  REQUIRE(offered(old_case) == nlohmann::json::array({"insiden security", "insiden umum"}));

  // v2 renames a branch.
  const std::string original = ReadText(sop + "/" + kFile);
  int before = ReloadCount(s, kabid);
  SaveByRename(sop + "/" + kFile, Replace(Replace(original, "revision = 1,", "revision = 2,"), "{ \"insiden umum\", next",
                                          "{ \"insiden non-security\", next"));
  REQUIRE(WaitForReload(s, kabid, before)["published"].size() == 1);
  const int new_case = at_decision();
  CHECK(offered(new_case) == nlohmann::json::array({"insiden security", "insiden non-security"}));
  // The old case still offers its own version's label, and the engine takes it.
  CHECK(offered(old_case) == nlohmann::json::array({"insiden security", "insiden umum"}));
  HttpReply decided = s.Post("/api/cases/" + std::to_string(old_case) + "/actions",
                             {{"action", "decide"}, {"step", "jenis"}, {"branch", "insiden umum"}}, kabid);
  INFO(decided.body);
  CHECK(decided.status == 200);
}

TEST_CASE("reload: an edit goes live, the running case stays on its version, bad edits are refused", "[reload][http]") {
  TempDir dir;
  const std::string sop = dir / "sop";
  std::filesystem::copy(kSeedDir, sop, std::filesystem::copy_options::recursive);
  Server s(dir, {}, kSourceDir + "/webhooks", sop);
  REQUIRE(s.port() > 0);
  const std::string admin = s.Token("admin", {"admin"});
  const std::string kabid = s.Token("kabid", {"kabid"});
  const std::string analis = s.Token("analis", {"analis"});
  const std::string original = ReadText(sop + "/" + kFile);

  HttpReply opened = s.Post("/api/cases", {{"procedure", kProc}, {"title", "berjalan"}}, admin);
  REQUIRE(opened.status == 201);
  const int running = opened.Json()["case"]["id"];
  const std::string v1 = opened.Json()["case"]["version"]["hash"];
  REQUIRE(s.Post("/api/cases/" + std::to_string(running) + "/actions", {{"action", "complete"}, {"step", "terima"}}, kabid).status == 200);

  // v2: the analysis step gets a time standard; saved by rename.
  int before = ReloadCount(s, admin);
  const std::string v2_text = Replace(original, "revision = 1,", "revision = 2,");
  SaveByRename(sop + "/" + kFile, v2_text);
  auto reload = WaitForReload(s, admin, before);
  CHECK(reload["published"].size() == 1);
  CHECK(reload["live_ms"].get<double>() < 200);
  const std::string v2 = OpenHash(s, admin);
  CHECK(v2 != v1);
  auto detail = s.Get("/api/sops/" + kProc, admin).Json();
  CHECK(detail["versions"].size() == 2);

  // The running case keeps its version and goes on.
  HttpReply step = s.Post("/api/cases/" + std::to_string(running) + "/actions", {{"action", "complete"}, {"step", "tindak_lanjut"}}, analis);
  REQUIRE(step.status == 200);
  CHECK(step.Json()["case"]["version"]["hash"] == v1);

  SECTION("a syntax error, saved in place, is refused") {
    before = ReloadCount(s, admin);
    SaveInPlace(sop + "/" + kFile, "return sop { id = ");
    reload = WaitForReload(s, admin, before);
    CHECK(reload["kept_previous"] == nlohmann::json::array({kProc}));
    CHECK(reload["errors"][0]["file"].get<std::string>().find(kFile) != std::string::npos);
  }
  SECTION("a lint error (an unknown role) is refused") {
    before = ReloadCount(s, admin);
    SaveByRename(sop + "/" + kFile, Replace(v2_text, "pelaksana = { \"kabid\", inferred = true },  -- the output is a Disposisi",
                                            "pelaksana = \"camat\","));
    reload = WaitForReload(s, admin, before);
    CHECK(reload["kept_previous"] == nlohmann::json::array({kProc}));
    CHECK_THAT(reload["errors"].dump(), Catch::Contains("camat"));
  }
  SECTION("a hostile script (an endless loop at load) is refused") {
    before = ReloadCount(s, admin);
    SaveByRename(sop + "/" + kFile, "while true do end\n" + v2_text);
    reload = WaitForReload(s, admin, before);
    CHECK(reload["kept_previous"] == nlohmann::json::array({kProc}));
    CHECK_THAT(reload["errors"].dump(), Catch::Contains("budget"));
  }
  // Whatever was refused, v2 still serves new cases, and a fixed file goes live again.
  CHECK(OpenHash(s, admin) == v2);
  // The case that started on v1 finishes on v1.
  const std::string pranata = s.Token("pranata", {"pranata"});
  const std::vector<std::tuple<std::string, nlohmann::json, std::string>> rest = {
      {"jenis", {{"action", "decide"}, {"branch", "insiden umum"}}, analis}, {"tangani", {{"action", "complete"}}, pranata},  // seed 004 hands general incidents to the Pranata
      {"periksa", {{"action", "decide"}, {"branch", "sesuai"}}, kabid},      {"info_opd", {{"action", "complete"}}, analis},
      {"tutup", {{"action", "complete"}}, analis},                           {"dokumentasi", {{"action", "complete"}}, analis}};
  HttpReply last;
  for (const auto& [step_id, action, token] : rest) {
    nlohmann::json a = action;
    a["step"] = step_id;
    last = s.Post("/api/cases/" + std::to_string(running) + "/actions", a, token);
    INFO(step_id << ": " << last.body);
    REQUIRE(last.status == 200);
  }
  CHECK(last.Json()["case"]["status"] == "closed");
  CHECK(last.Json()["case"]["version"]["hash"] == v1);
  before = ReloadCount(s, admin);
  SaveInPlace(sop + "/" + kFile, Replace(original, "revision = 1,", "revision = 3,"));
  reload = WaitForReload(s, admin, before);
  CHECK(reload["published"].size() == 1);
  CHECK(OpenHash(s, admin) != v2);
  CHECK(Http("GET", s.Url("/healthz")).status == 200);
}

TEST_CASE("reload: a broken adapter edit never fails a payload, SIGHUP and POST /api/reload rescan", "[reload][http]") {
  TempDir dir;
  const std::string hooks = dir / "webhooks";
  std::filesystem::copy(kSourceDir + "/webhooks", hooks, std::filesystem::copy_options::recursive);
  Server s(dir, {}, hooks);
  REQUIRE(s.port() > 0);
  const std::string admin = s.Token("admin", {"admin"});
  const std::string feed = s.Token("nuclei", {"webhook:nuclei"});
  const std::string lines = ReadText(kSourceDir + "/tests/data/webhooks/nuclei.jsonl");
  REQUIRE(Http("POST", s.Url("/hooks/nuclei"), lines, {"Authorization: Bearer " + feed}).Json()["accepted"] == 2);

  SaveInPlace(hooks + "/nuclei.lua", "adapter { title = ");  // half-written, or just broken
  HttpReply during = Http("POST", s.Url("/hooks/nuclei"), lines, {"Authorization: Bearer " + feed});
  CHECK(during.status == 202);
  CHECK(during.Json()["state"] == "processed");
  CHECK(during.Json()["duplicates"] == 2);

  HttpReply forced = Http("POST", s.Url("/api/reload"), "", {"Authorization: Bearer " + admin});
  REQUIRE(forced.status == 200);
  CHECK(forced.Json()["reason"] == "POST /api/reload");
  CHECK(Http("POST", s.Url("/api/reload"), "", {"Authorization: Bearer " + s.Token("kabid", {"kabid"})}).status == 403);
  auto adapters = s.Get("/api/adapters", admin).Json();
  CHECK(adapters["load_errors"].size() == 1);
  bool still_listed = false;
  for (const auto& a : adapters["adapters"]) still_listed |= a["name"] == "nuclei";
  CHECK(still_listed);

  RunResult status = RunSiaga({"--db", s.db(), "status"});
  CHECK(status.exit_code == 1);  // an adapter does not load
  CHECK_THAT(status.out, Catch::Contains("nuclei.lua"));
  const int before = ReloadCount(s, admin);
  RunResult hup = RunSiaga({"--db", s.db(), "reload"});
  CHECK(hup.exit_code == 0);
  auto reload = WaitForReload(s, admin, before);
  CHECK(reload["reason"] == "SIGHUP");
}
