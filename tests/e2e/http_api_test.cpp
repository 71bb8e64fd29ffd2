// The REST API against the real server: a seed procedure worked through every step by the
// people its roles name, the role matrix, errors, health, metrics and the graceful stop.
#include <catch2/catch.hpp>

#include <set>

#include "http_support.h"

using namespace siaga;
using namespace siaga::test;

namespace {

const std::string kSurakarta = "surakarta/layanan-keamanan-informasi";

// Surakarta's (seed 004) roles, one token each, plus an admin, someone from another agency's
// procedure, and a feed.
struct People {
  std::map<std::string, std::string> token;
  explicit People(const Server& s) {
    for (const char* role : {"analis", "sandiman", "pranata", "kabid", "eksternal", "opd_aset", "pelapor", "admin", "helpdesk"})
      token[role] = s.Token(std::string("user-") + role, {role});
    token["webhook:zap"] = s.Token("zap-sensor", {"webhook:zap"});
  }
  const std::string& operator[](const std::string& role) const { return token.at(role); }
};

std::vector<std::string> OpenSteps(const Server& s, int id, const std::string& token) {
  auto c = s.Get("/api/cases/" + std::to_string(id), token).Json();
  std::vector<std::string> open;
  for (const auto& step : c["steps"])
    if (step["state"] == "ready") open.push_back(step["step"]);
  return open;
}

int OpenCase(const Server& s, const std::string& token) {
  HttpReply r = s.Post("/api/cases", {{"procedure", kSurakarta}, {"title", "Laporan uji"}}, token);
  REQUIRE(r.status == 201);
  return r.Json()["case"]["id"];
}

HttpReply Act(const Server& s, int id, const nlohmann::json& action, const std::string& token) {
  return s.Post("/api/cases/" + std::to_string(id) + "/actions", action, token);
}

}  // namespace

TEST_CASE("http: a webhook case worked through every step of seed 004 by its roles, history read back", "[http][api]") {
  TempDir dir;
  Server s(dir);
  REQUIRE(s.port() > 0);
  People p(s);
  const std::string secret = s.Secret("zap");
  const std::string report = ReadText(kSourceDir + "/tests/data/webhooks/zap.json");
  HttpReply hook = Http("POST", s.Url("/hooks/zap"), report, SignedHeaders(secret, report, NowSeconds()));
  REQUIRE(hook.status == 202);
  const int id = hook.Json()["cases"][0];

  // The path: security incident, external help, a check that sends the work back once.
  const std::vector<std::tuple<std::string, nlohmann::json, std::string>> path = {
      {"terima", {{"action", "complete"}, {"note", "didisposisikan"}}, "kabid"},
      {"tindak_lanjut", {{"action", "complete"}}, "analis"},
      {"jenis", {{"action", "decide"}, {"branch", "insiden security"}}, "sandiman"},
      {"beritahu_opd", {{"action", "complete"}}, "kabid"},
      {"isolasi", {{"action", "complete"}}, "analis"},
      {"analisis", {{"action", "complete"}}, "opd_aset"},  // an assisting role of this step
      {"perlu_eksternal", {{"action", "decide"}, {"branch", "ya"}}, "analis"},
      {"hubungi_eksternal", {{"action", "complete"}}, "kabid"},
      {"bantuan_eksternal", {{"action", "signal"}, {"signal", "laporan_eksternal_diterima"}}, "eksternal"},
      {"verifikasi_eksternal", {{"action", "complete"}}, "analis"},
      {"periksa", {{"action", "decide"}, {"branch", "belum sesuai"}}, "kabid"},
      {"tangani", {{"action", "complete"}}, "analis"},
      {"periksa", {{"action", "decide"}, {"branch", "sesuai"}}, "kabid"},
      {"info_opd", {{"action", "complete"}}, "analis"},
      {"tutup", {{"action", "complete"}}, "analis"},
      {"dokumentasi", {{"action", "complete"}}, "sandiman"},
  };
  for (const auto& [step, action, role] : path) {
    INFO(step << " by " << role);
    REQUIRE(OpenSteps(s, id, p["admin"]) == std::vector<std::string>{step});
    nlohmann::json a = action;
    if (a["action"] != "signal") a["step"] = step;
    HttpReply r = Act(s, id, a, p[role]);
    INFO(r.body);
    REQUIRE(r.status == 200);
    if (step == "isolasi") {
      REQUIRE(Act(s, id, {{"action", "comment"}, {"text", "aset sudah diisolasi"}}, p["analis"]).status == 200);
      REQUIRE(Act(s, id, {{"action", "attach"}, {"name", "log.txt"}, {"content_base64", "bG9nIGFrc2Vz"}, {"tlp", "RED"}}, p["analis"]).status == 200);
      REQUIRE(Act(s, id, {{"action", "assign"}, {"step", "analisis"}, {"assignee", "user-analis"}}, p["analis"]).status == 200);
    }
  }
  auto c = s.Get("/api/cases/" + std::to_string(id), p["pelapor"]).Json();
  CHECK(c["case"]["status"] == "closed");
  CHECK(c["case"]["fields"]["jenis_insiden"] == "security");
  // History: every step visit, the decisions and the audit trail, in order.
  int periksa_visits = 0;
  for (const auto& step : c["steps"]) periksa_visits += step["step"] == "periksa" ? 1 : 0;
  CHECK(periksa_visits == 2);
  CHECK(c["decisions"].size() == 4);
  std::vector<std::string> events;
  for (const auto& e : c["history"]) events.push_back(e["event"]);
  CHECK(events.front() == "case_opened");
  CHECK(std::count(events.begin(), events.end(), "step_completed") == 11);
  CHECK(std::count(events.begin(), events.end(), "comment") == 1);
  CHECK(std::count(events.begin(), events.end(), "evidence_attached") == 2);  // the ZAP alert and log.txt
  CHECK(std::count(events.begin(), events.end(), "step_assigned") == 1);
  CHECK(std::count(events.begin(), events.end(), "signal_received") == 1);
  bool attached = false;
  for (const auto& e : c["evidence"]) attached |= e["name"] == "log.txt" && e["tlp"] == "RED" && e["size"] == 9;
  CHECK(attached);
  CHECK(Act(s, id, {{"action", "comment"}, {"text", "sesudah ditutup"}}, p["analis"]).status == 200);
  CHECK(Act(s, id, {{"action", "complete"}}, p["analis"]).status == 409);
}

TEST_CASE("http: role matrix, every role tries every action and only the allowed ones pass", "[http][api][roles]") {
  TempDir dir;
  Server s(dir);
  REQUIRE(s.port() > 0);
  People p(s);
  const std::vector<std::string> roles = {"analis", "sandiman", "pranata", "kabid", "eksternal", "opd_aset", "pelapor",
                                          "admin", "helpdesk", "webhook:zap"};
  const std::set<std::string> participants = {"analis", "sandiman", "pranata", "kabid", "eksternal", "opd_aset", "pelapor", "admin"};
  struct Action {
    std::string name;
    std::vector<std::pair<nlohmann::json, std::string>> setup;  // steps to get there, by their owners
    nlohmann::json request;
    std::set<std::string> allowed;
  };
  const std::vector<Action> actions = {
      {"complete terima (pelaksana kabid)", {}, {{"action", "complete"}, {"step", "terima"}}, {"kabid"}},
      {"complete tindak_lanjut (analis, assisted by sandiman)",
       {{{{"action", "complete"}, {"step", "terima"}}, "kabid"}},
       {{"action", "complete"}, {"step", "tindak_lanjut"}},
       {"analis", "sandiman"}},
      {"decide jenis",
       {{{{"action", "complete"}, {"step", "terima"}}, "kabid"}, {{{"action", "complete"}, {"step", "tindak_lanjut"}}, "analis"}},
       {{"action", "decide"}, {"step", "jenis"}, {"branch", "insiden umum"}},
       {"analis", "sandiman"}},
      {"signal the external party's report",
       {{{{"action", "complete"}, {"step", "terima"}}, "kabid"},
        {{{"action", "complete"}, {"step", "tindak_lanjut"}}, "analis"},
        {{{"action", "decide"}, {"step", "jenis"}, {"branch", "insiden security"}}, "analis"},
        {{{"action", "complete"}, {"step", "beritahu_opd"}}, "kabid"},
        {{{"action", "complete"}, {"step", "isolasi"}}, "analis"},
        {{{"action", "complete"}, {"step", "analisis"}}, "analis"},
        {{{"action", "decide"}, {"step", "perlu_eksternal"}, {"branch", "ya"}}, "analis"},
        {{{"action", "complete"}, {"step", "hubungi_eksternal"}}, "kabid"}},
       {{"action", "signal"}, {"signal", "laporan_eksternal_diterima"}},
       {"eksternal", "admin"}},
      {"comment", {}, {{"action", "comment"}, {"text", "catatan"}}, participants},
      {"attach", {}, {{"action", "attach"}, {"name", "a.txt"}, {"content", "isi"}}, participants},
      {"assign terima to a person", {}, {{"action", "assign"}, {"step", "terima"}, {"assignee", "budi"}}, {"kabid", "admin"}},
      {"hand terima to another role", {}, {{"action", "assign"}, {"step", "terima"}, {"role", "analis"}}, {"admin"}},
      {"cancel the case", {}, {{"action", "cancel"}, {"reason", "laporan ganda"}}, {"admin"}},
  };
  int checked = 0;
  for (const Action& a : actions) {
    for (const std::string& role : roles) {
      INFO(a.name << " by " << role);
      const int id = OpenCase(s, p["admin"]);
      for (const auto& [step, owner] : a.setup) REQUIRE(Act(s, id, step, p[owner]).status == 200);
      HttpReply r = Act(s, id, a.request, p[role]);
      INFO(r.body);
      const bool allowed = a.allowed.count(role) == 1;
      CHECK(r.status == (allowed ? 200 : 403));
      if (!allowed) CHECK(r.Json()["error"]["code"] == "forbidden");
      ++checked;
    }
  }
  CHECK(checked == static_cast<int>(actions.size() * roles.size()));
  // Opening a case: the procedure's roles and admin.
  for (const std::string& role : roles) {
    INFO("open by " << role);
    HttpReply r = s.Post("/api/cases", {{"procedure", kSurakarta}, {"title", "x"}}, p[role]);
    CHECK(r.status == (participants.count(role) == 1 ? 201 : 403));
  }
}

TEST_CASE("http: API errors name the field, and reads page through cases", "[http][api]") {
  TempDir dir;
  Server s(dir);
  REQUIRE(s.port() > 0);
  const std::string admin = s.Token("admin", {"admin"});
  const std::string kabid = s.Token("kabid", {"kabid"});
  CHECK(s.Get("/api/cases").status == 401);
  CHECK(s.Get("/api/cases", "sg_nope").status == 401);
  CHECK(s.Get("/api/cases", admin).status == 200);
  CHECK(s.Get("/api/nothing", admin).status == 404);
  CHECK(Http("DELETE", s.Url("/api/cases"), "", {"Authorization: Bearer " + admin}).status == 405);

  auto error_field = [](const HttpReply& r) { return r.Json()["error"]["field"]; };
  HttpReply bad_json = Http("POST", s.Url("/api/cases"), "{oops", {"Authorization: Bearer " + admin});
  CHECK(bad_json.status == 400);
  CHECK(error_field(bad_json) == "body");
  HttpReply no_proc = s.Post("/api/cases", {{"title", "x"}}, admin);
  CHECK(no_proc.status == 400);
  CHECK(error_field(no_proc) == "procedure");
  HttpReply unknown_key = s.Post("/api/cases", {{"procedure", kSurakarta}, {"colour", "red"}}, admin);
  CHECK(unknown_key.status == 400);
  CHECK(error_field(unknown_key) == "colour");
  CHECK(s.Post("/api/cases", {{"procedure", "tidak/ada"}}, admin).status == 404);
  CHECK(s.Post("/api/cases", {{"procedure", kSurakarta}, {"fields", {{"jenis_insiden", "lain"}}}}, admin).status == 400);

  const int id = OpenCase(s, admin);
  HttpReply bad_action = Act(s, id, {{"action", "fly"}}, kabid);
  CHECK(bad_action.status == 400);
  CHECK(error_field(bad_action) == "action");
  HttpReply wrong_step = Act(s, id, {{"action", "complete"}, {"step", "tutup"}}, kabid);
  CHECK(wrong_step.status == 409);
  HttpReply no_branch = Act(s, id, {{"action", "decide"}, {"step", "terima"}}, kabid);
  CHECK(error_field(no_branch) == "branch");
  CHECK(Act(s, id, {{"action", "attach"}, {"name", "x"}, {"content_base64", "@@@"}}, admin).status == 400);
  CHECK(s.Get("/api/cases/99999", admin).status == 404);

  for (int i = 0; i < 4; ++i) OpenCase(s, admin);
  HttpReply page = s.Get("/api/cases?limit=2", admin);
  REQUIRE(page.status == 200);
  CHECK(page.Json()["cases"].size() == 2);
  const std::string next = page.Json()["next"];
  HttpReply page2 = s.Get(next, admin);
  CHECK(page2.Json()["cases"][0]["id"] == 3);
  CHECK(s.Get("/api/cases?limit=0", admin).status == 400);
  CHECK(s.Get("/api/cases?status=lost", admin).status == 400);
  CHECK(s.Get("/api/cases/" + page.Json()["cases"][0]["number"].get<std::string>(), admin).status == 200);

  HttpReply sops = s.Get("/api/sops", admin);
  REQUIRE(sops.status == 200);
  CHECK(sops.Json()["procedures"].size() == 10);  // the 8 seed procedures, the shared base and its variation
  HttpReply sop = s.Get("/api/sops/" + kSurakarta, admin);
  REQUIRE(sop.status == 200);
  CHECK(sop.Json()["versions"].size() == 1);
  CHECK(sop.Json()["roles"].contains("kabid"));
  CHECK(s.Get("/api/adapters", admin).Json()["adapters"].size() == 6);
  bool branches_listed = false;
  const nlohmann::json detail = sop.Json();
  for (const auto& step : detail["steps"])
    if (step["id"] == "periksa") branches_listed = step["branches"] == nlohmann::json::array({"sesuai", "belum sesuai"});
  CHECK(branches_listed);
  CHECK(s.Get("/api/me", kabid).Json()["roles"] == nlohmann::json::array({"kabid"}));
}

TEST_CASE("http: cases are read by their procedure's roles, admin and observers only", "[http][api][roles]") {
  TempDir dir;
  Server s(dir);
  REQUIRE(s.port() > 0);
  const std::string admin = s.Token("admin", {"admin"});
  const int surakarta = OpenCase(s, admin);
  HttpReply other = s.Post("/api/cases", {{"procedure", "trenggalek/layanan-insiden"}, {"title", "lain"}}, admin);
  REQUIRE(other.status == 201);
  const std::string kabid = s.Token("kabid", {"kabid"});          // a role of seed 004 only
  const std::string helpdesk = s.Token("helpdesk", {"helpdesk"});  // a role of seed 001 only
  const std::string observer = s.Token("inspektorat", {"pengamat"});
  CHECK(s.Get("/api/cases/" + std::to_string(surakarta), kabid).status == 200);
  CHECK(s.Get("/api/cases/" + std::to_string(surakarta), helpdesk).status == 403);
  CHECK(s.Get("/api/cases/" + std::to_string(surakarta), observer).status == 200);
  CHECK(s.Get("/api/cases", kabid).Json()["cases"].size() == 1);
  CHECK(s.Get("/api/cases", helpdesk).Json()["cases"].size() == 1);
  CHECK(s.Get("/api/cases", observer).Json()["cases"].size() == 2);
  CHECK(s.Get("/api/cases", admin).Json()["cases"].size() == 2);
  REQUIRE(Act(s, surakarta, {{"action", "attach"}, {"name", "rahasia.txt"}, {"content", "x"}, {"tlp", "RED"}}, admin).status == 200);
  auto shown = s.Get("/api/cases/" + std::to_string(surakarta), admin).Json();
  const std::string evidence = "/api/cases/" + std::to_string(surakarta) + "/evidence/" + std::to_string(shown["evidence"][0]["id"].get<int>());
  CHECK(s.Get(evidence, kabid).status == 200);
  CHECK(s.Get(evidence, helpdesk).status == 403);
  CHECK(Act(s, surakarta, {{"action", "comment"}, {"text", "x"}}, observer).status == 403);  // observers only read
}

TEST_CASE("http: health, metrics, and a graceful stop on SIGTERM", "[http][api]") {
  TempDir dir;
  Server s(dir);
  REQUIRE(s.port() > 0);
  HttpReply health = Http("GET", s.Url("/healthz"));
  CHECK(health.status == 200);
  CHECK(health.Json()["status"] == "ok");
  CHECK(health.Json()["procedure_errors"] == 0);
  const std::string admin = s.Token("admin", {"admin"});
  OpenCase(s, admin);
  HttpReply metrics = Http("GET", s.Url("/metrics"));
  CHECK(metrics.status == 200);
  CHECK_THAT(metrics.body, Catch::Contains("siaga_http_requests_total{code=\"201\"} 1"));
  CHECK_THAT(metrics.body, Catch::Contains("siaga_engine_commands_total 1"));
  CHECK(Http("GET", s.Url("/")).status == 404);
  CHECK(Http("GET", s.Url("/../../etc/passwd")).status == 404);
  CHECK(Http("PUT", s.Url("/api/cases")).status == 405);
  CHECK_THAT(Http("GET", s.Url("/metrics")).body, Catch::Contains("siaga_http_requests_total{code=\"405\"} 1"));
  CHECK(s.Terminate() == 0);
  CHECK_THAT(s.log(), Catch::Contains("stopped after 1 command(s)"));
}
