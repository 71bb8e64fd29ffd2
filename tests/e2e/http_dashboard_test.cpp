// The dashboard through the real server: static files with their headers, path traversal over a
// socket, and the API the dashboard added (GET /api/queue, the case's allowed actions, the SLA
// filter of GET /api/cases).
#include <catch2/catch.hpp>

#include <algorithm>

#include "http_support.h"

using namespace siaga;
using namespace siaga::test;

namespace {

const std::string kSurakarta = "surakarta/layanan-keamanan-informasi";

// A GET whose path curl sends exactly as written (no dot-segment clean-up).
HttpReply RawGet(const Server& s, const std::string& path) { return Http("GET", s.Url(path), "", {}, true); }

nlohmann::json ActionsFor(const nlohmann::json& shown, const std::string& step) {
  for (const auto& a : shown["actions"]["steps"])
    if (a["step"] == step) return a;
  return nullptr;
}

}  // namespace

TEST_CASE("dashboard: served at / and /ui/ with content types, CSP and caching, traversal refused", "[http][web][security]") {
  TempDir dir;
  Server s(dir, {"--web", kSourceDir + "/web"});
  REQUIRE(s.port() > 0);

  HttpReply index = s.Get("/");
  CHECK(index.status == 200);
  CHECK(index.headers["content-type"] == "text/html; charset=utf-8");
  CHECK(index.body.find("/ui/app.js") != std::string::npos);
  CHECK(index.body.find("<script>") == std::string::npos);  // no inline script: the CSP would refuse it
  CHECK(index.headers["content-security-policy"].find("script-src 'self'") != std::string::npos);
  CHECK(index.headers["cache-control"] == "no-cache");
  CHECK(index.headers["x-content-type-options"] == "nosniff");

  HttpReply app = s.Get("/ui/app.js");
  CHECK(app.status == 200);
  CHECK(app.headers["content-type"] == "text/javascript; charset=utf-8");
  const std::string etag = app.headers["etag"];
  REQUIRE_FALSE(etag.empty());
  HttpReply again = Http("GET", s.Url("/ui/app.js"), "", {"If-None-Match: " + etag});
  CHECK(again.status == 304);
  CHECK(again.body.empty());
  CHECK(s.Get("/ui/style.css").headers["content-type"] == "text/css; charset=utf-8");
  CHECK(s.Get("/ui/views/case.js").status == 200);
  CHECK(s.Get("/ui/i18n.json").Json().contains("en"));
  // The API keeps its own policy.
  CHECK(s.Get("/healthz").headers["cache-control"] == "no-store");
  CHECK(Http("POST", s.Url("/"), "{}").status == 405);

  for (const char* path : {"/ui/../CMakeLists.txt", "/ui/../../etc/passwd", "/ui/%2e%2e/CMakeLists.txt", "/ui/..%2fCMakeLists.txt",
                           "/ui/%2e%2e%2f%2e%2e%2fetc%2fpasswd", "/ui/..%5cCMakeLists.txt", "/%2e%2e/CMakeLists.txt",
                           "/ui/./../CMakeLists.txt", "/ui/views/../../CMakeLists.txt", "/ui/", "/ui/views/", "/ui/.gitignore",
                           "/ui/../engine/http/api.cpp", "/ui//etc/passwd", "/ui/README.md"}) {
    CAPTURE(path);
    HttpReply r = RawGet(s, path);
    CHECK((r.status == 404 || r.status == 400));
    CHECK(r.body.find("cmake_minimum_required") == std::string::npos);
    CHECK(r.body.find("root:") == std::string::npos);
    CHECK(r.body.find("namespace siaga") == std::string::npos);
  }
}

TEST_CASE("dashboard API: my queue by deadline and SLA, allowed actions with branch labels, the SLA filter", "[http][web][api]") {
  TempDir dir;
  // A case opened long ago (its 10-minute step is breached by now), before the server starts.
  RunResult old = RunSiaga({"--db", dir / "siaga.db", "--sop", kSeedDir, "--now", "2026-01-05T09:00+07:00", "case", "open", kSurakarta,
                            "--title", "Laporan lama"});
  REQUIRE(old.exit_code == 0);
  Server s(dir, {"--web", kSourceDir + "/web"});
  REQUIRE(s.port() > 0);
  const std::string kabid = s.Token("bu-kabid", {"kabid"});
  const std::string analis = s.Token("pak-analis", {"analis"});
  const std::string sandiman = s.Token("sandiman", {"sandiman"});
  const std::string admin = s.Token("admin", {"admin"});
  const std::string other = s.Token("helpdesk", {"helpdesk"});

  HttpReply created = s.Post("/api/cases", {{"procedure", kSurakarta}, {"title", "Laporan baru"}}, kabid);
  REQUIRE(created.status == 201);
  const int fresh = created.Json()["case"]["id"];

  SECTION("the queue: the breached step first, coloured by SLA, with its activity and the agency's time") {
    auto q = s.Get("/api/queue", kabid).Json();
    REQUIRE(q["items"].size() == 2);
    CHECK(q["user"] == "bu-kabid");
    CHECK(q["items"][0]["case"]["title"] == "Laporan lama");
    CHECK(q["items"][0]["sla"] == "breached");
    CHECK(q["items"][0]["step"] == "terima");
    CHECK(q["items"][0]["kegiatan"].is_string());
    CHECK(q["items"][0]["due_at"]["local"].get<std::string>().find("WIB") != std::string::npos);
    CHECK(q["items"][1]["case"]["id"] == fresh);
    CHECK(q["items"][1]["sla"] != "breached");
    CHECK(s.Get("/api/queue", analis).Json()["items"].empty());  // terima is the kabid's
    CHECK(s.Get("/api/queue", other).Json()["items"].empty());
    CHECK(s.Get("/api/queue?scope=all", kabid).status == 403);
    CHECK(s.Get("/api/queue?scope=all", admin).Json()["items"].size() == 2);
    CHECK(s.Get("/api/queue?scope=everything", admin).status == 400);
    CHECK(s.Get("/api/queue").status == 401);
  }
  SECTION("the case's actions follow the roles; decide offers the branch labels; assisting roles count") {
    const std::string path = "/api/cases/" + std::to_string(fresh);
    auto shown = s.Get(path, kabid).Json();
    REQUIRE(ActionsFor(shown, "terima").is_object());
    CHECK(ActionsFor(shown, "terima")["actions"] == nlohmann::json::array({"complete"}));
    CHECK(shown["actions"]["comment"] == true);
    CHECK(s.Get(path, analis).Json()["actions"]["steps"].empty());
    REQUIRE(s.Post(path + "/actions", {{"action", "complete"}, {"step", "terima"}}, kabid).status == 200);
    // tindak_lanjut: the analis's, assisted by the sandiman; both see it in their queue.
    CHECK(s.Get("/api/queue", sandiman).Json()["items"].size() == 1);
    auto after = s.Post(path + "/actions", {{"action", "complete"}, {"step", "tindak_lanjut"}}, sandiman).Json();
    const auto decide = ActionsFor(after, "jenis");
    REQUIRE(decide.is_object());
    CHECK(decide["actions"] == nlohmann::json::array({"decide"}));
    CHECK(decide["branches"] == nlohmann::json::array({"insiden security", "insiden umum"}));
    CHECK(ActionsFor(s.Get(path, kabid).Json(), "jenis").is_null());
    auto decided = s.Post(path + "/actions", {{"action", "decide"}, {"step", "jenis"}, {"branch", "insiden security"}}, analis).Json();
    CHECK(ActionsFor(decided, "beritahu_opd").is_object() == false);  // the kabid's step now
    CHECK(ActionsFor(s.Get(path, kabid).Json(), "beritahu_opd")["actions"] == nlohmann::json::array({"complete"}));
    auto cancelled = s.Post(path + "/actions", {{"action", "cancel"}, {"reason", "uji"}}, admin).Json();
    CHECK(cancelled["actions"]["steps"].empty());
    CHECK(cancelled["actions"]["comment"] == false);
  }
  SECTION("GET /api/cases?sla= filters by the worst open step; each case carries its SLA state") {
    auto breached = s.Get("/api/cases?sla=breached", admin).Json()["cases"];
    REQUIRE(breached.size() == 1);
    CHECK(breached[0]["title"] == "Laporan lama");
    CHECK(breached[0]["sla"] == "breached");
    CHECK(breached[0]["next_due_at"]["utc"].is_string());
    auto fine = s.Get("/api/cases?sla=on_time", admin).Json()["cases"];
    REQUIRE(fine.size() == 1);
    CHECK(fine[0]["id"] == fresh);
    CHECK(s.Get("/api/cases?sla=warning", admin).Json()["cases"].empty());
    CHECK(s.Get("/api/cases?sla=late", admin).status == 400);
    CHECK(s.Get("/api/cases?sla=breached&procedure=" + kSurakarta + "&status=open", admin).Json()["cases"].size() == 1);
  }
}
