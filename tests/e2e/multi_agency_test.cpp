// Agencies as tenants (docs/multi-agency.md) against the real server: the isolation matrix (an
// agency's tokens on another agency's cases, evidence, queue, reports, notices, inbox), two
// agencies side by side in different zones and calendars, oversight (read, never act), the
// hand-over between agencies, and the upward report over three agencies.
#include <catch2/catch.hpp>

#include <ctime>
#include <filesystem>
#include <map>
#include <set>

#include "common/clock.h"
#include "http_support.h"
#include "time/calendar_book.h"
#include "time/time_standard.h"

using namespace siaga;
using namespace siaga::test;

namespace {

const std::string kKaltim = "kaltim/gangguan-keamanan-jaringan";
const std::string kSurakarta = "surakarta/layanan-keamanan-informasi";
const std::string kTrenggalek = "trenggalek/layanan-insiden";

// "YYYY-MM-DD" of the local day `days` after today in a zone `offset_hours` east of UTC.
std::string LocalDate(int days, int offset_hours) {
  const std::time_t t = static_cast<std::time_t>(NowSeconds() + offset_hours * 3600 + days * 86400);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[16];
  std::strftime(buf, sizeof buf, "%Y-%m-%d", &tm);
  return buf;
}

// The seeds' sop/ folder, with prov-kaltim overseeing kab-trenggalek (only) and closed for the
// next three days by a local holiday, so its calendar differs from the others' in zone and days.
struct Province {
  TempDir sop;
  Province() {
    std::filesystem::copy(kSeedDir, sop.path(), std::filesystem::copy_options::recursive | std::filesystem::copy_options::overwrite_existing);
    WriteFile(sop / "instansi/prov-kaltim.lua",
              "return instansi {\n"
              "  id = \"prov-kaltim\",\n"
              "  nama = \"Bidang TIK, Pemerintah Provinsi Kalimantan Timur\",\n"
              "  zona_waktu = \"WITA\",\n"
              "  kalender = \"nasional\",\n"
              "  mengawasi = { \"kab-trenggalek\" },\n"
              "  libur_lokal = { { \"" + LocalDate(1, 8) + "\", \"uji 1\" }, { \"" + LocalDate(2, 8) + "\", \"uji 2\" }, { \"" +
                  LocalDate(3, 8) + "\", \"uji 3\" } },\n"
              "}\n");
  }
};

std::string MakeToken(const Server& s, const Province& p, const std::string& user, const std::vector<std::string>& roles,
                      const std::vector<std::string>& agencies, const std::vector<std::string>& oversees = {}) {
  std::vector<std::string> args = {"--db", s.db(), "--sop", p.sop.path(), "--json", "token", "create", "--user", user};
  for (const auto& r : roles) args.insert(args.end(), {"--role", r});
  for (const auto& a : agencies) args.insert(args.end(), {"--agency", a});
  for (const auto& a : oversees) args.insert(args.end(), {"--oversees", a});
  RunResult r = RunSiaga(args);
  INFO(r.out);
  REQUIRE(r.exit_code == 0);
  auto j = nlohmann::json::parse(r.out.substr(r.out.find('{')), nullptr, false);
  REQUIRE(j.is_object());
  return j.value("token", "");
}

int Open(const Server& s, const std::string& procedure, const nlohmann::json& fields, const std::string& token,
         const std::string& title = "Laporan uji") {
  HttpReply r = s.Post("/api/cases", {{"procedure", procedure}, {"title", title}, {"fields", fields}}, token);
  INFO(r.body);
  REQUIRE(r.status == 201);
  return r.Json()["case"]["id"];
}

HttpReply Act(const Server& s, int id, const nlohmann::json& action, const std::string& token) {
  return s.Post("/api/cases/" + std::to_string(id) + "/actions", action, token);
}

std::int64_t Audited(const Server& s, const std::string& event) {
  return CountRows(s.db(), "SELECT COUNT(*) FROM audit_events WHERE event = '" + event + "'");
}

}  // namespace

TEST_CASE("agencies: agency A's operator and admin get 404 or 403 and no data on every path to agency B's case, audited", "[e2e][agency][http]") {
  Province province;
  TempDir dir;
  Server s(dir, {"--scripts", kSourceDir + "/scripts"}, kSourceDir + "/webhooks", province.sop.path());
  REQUIRE(s.port() > 0);
  // Agency B: prov-kaltim. Agency A: kota-surakarta. Both have a "kabid" role, so without the
  // agency binding A's kabid would read B's cases through its role.
  const std::string b_admin = MakeToken(s, province, "admin-kaltim", {"admin"}, {"prov-kaltim"});
  const std::string a_kabid = MakeToken(s, province, "kabid-solo", {"kabid", "analis"}, {"kota-surakarta"});
  const std::string a_admin = MakeToken(s, province, "admin-solo", {"admin"}, {"kota-surakarta"});
  const int b_case = Open(s, kKaltim, {{"severity", "critical"}}, b_admin, "Rahasia Kaltim: gangguan jaringan");
  REQUIRE(Act(s, b_case, {{"action", "attach"}, {"name", "pcap.txt"}, {"content", "rahasia-kaltim-isi"}, {"tlp", "AMBER"}}, b_admin).status == 200);
  const nlohmann::json b_shown = s.Get("/api/cases/" + std::to_string(b_case), b_admin).Json();
  const std::string b_number = b_shown["case"]["number"];
  const int b_evidence = b_shown["evidence"][0]["id"];
  // A's own case, walked until a notice is queued (step 5 notifies opd_aset).
  const int a_case = Open(s, kSurakarta, nlohmann::json::object(), a_kabid);
  REQUIRE(Act(s, a_case, {{"action", "complete"}, {"step", "terima"}}, a_kabid).status == 200);
  REQUIRE(Act(s, a_case, {{"action", "complete"}, {"step", "tindak_lanjut"}}, a_kabid).status == 200);
  REQUIRE(Act(s, a_case, {{"action", "decide"}, {"step", "jenis"}, {"branch", "insiden security"}}, a_kabid).status == 200);
  REQUIRE(Act(s, a_case, {{"action", "complete"}, {"step", "beritahu_opd"}}, a_kabid).status == 200);

  // The answer for a case that does not exist, to compare with.
  const HttpReply missing = s.Get("/api/cases/999999", a_kabid);
  REQUIRE(missing.status == 404);

  const std::int64_t audited_before = Audited(s, "cross_agency_denied");
  int case_probes = 0;
  // `echo`: the ref the caller sent, which a 404 repeats as it would for any missing case.
  auto no_b_data = [&](const HttpReply& r, const std::string& echo = "") {
    INFO(r.status << " " << r.body);
    std::string body = r.body;
    if (!echo.empty())
      for (auto at = body.find(echo); at != std::string::npos; at = body.find(echo)) body.erase(at, echo.size());
    CHECK(body.find(b_number) == std::string::npos);
    CHECK(body.find("Rahasia Kaltim") == std::string::npos);
    CHECK(body.find("rahasia-kaltim-isi") == std::string::npos);
  };
  for (const std::string& token : {a_kabid, a_admin}) {
    for (const std::string& ref : {std::to_string(b_case), b_number}) {
      HttpReply shown = s.Get("/api/cases/" + ref, token);
      CHECK(shown.status == 404);
      no_b_data(shown, ref);
      ++case_probes;
      // Word for word the answer for a missing case: neither the id nor the number can be probed.
      nlohmann::json expected = missing.Json();
      expected["error"]["message"] = "no case '" + ref + "' (give its id or its number)";
      CHECK(shown.Json() == expected);
    }
    for (const nlohmann::json& action : {nlohmann::json{{"action", "comment"}, {"text", "x"}},
                                         nlohmann::json{{"action", "complete"}},
                                         nlohmann::json{{"action", "cancel"}, {"reason", "x"}},
                                         nlohmann::json{{"action", "attach"}, {"name", "a"}, {"content", "b"}},
                                         nlohmann::json{{"action", "handover"}, {"to_agency", "kota-surakarta"}, {"procedure", kSurakarta}}}) {
      HttpReply r = Act(s, b_case, action, token);
      CHECK(r.status == 404);
      no_b_data(r);
      ++case_probes;
    }
    HttpReply evidence = s.Get("/api/cases/" + std::to_string(b_case) + "/evidence/" + std::to_string(b_evidence), token);
    CHECK(evidence.status == 404);
    no_b_data(evidence);
    ++case_probes;

    HttpReply list = s.Get("/api/cases?limit=1000", token);
    CHECK(list.status == 200);
    no_b_data(list);
    CHECK(list.body.find(kSurakarta) != std::string::npos);  // A's own case is there
    HttpReply filtered = s.Get("/api/cases?procedure=" + kKaltim, token);
    CHECK(filtered.Json()["cases"].empty());
    HttpReply queue = s.Get("/api/queue", token);
    CHECK(queue.status == 200);
    no_b_data(queue);
    HttpReply opened = s.Post("/api/cases", {{"procedure", kKaltim}, {"title", "x"}}, token);
    CHECK(opened.status == 404);
    ++case_probes;
    HttpReply sops = s.Get("/api/sops", token);
    CHECK(sops.status == 200);
    CHECK(sops.body.find(kKaltim) == std::string::npos);
    CHECK(sops.body.find(kSurakarta) != std::string::npos);
    CHECK(s.Get("/api/sops/" + kKaltim, token).status == 404);
    // The rendered SOP document and flowchart (siaga render) follow the same scope.
    for (const char* rendering : {"/document", "/flowchart.svg"}) {
      INFO(rendering);
      HttpReply r = s.Get("/api/sops/" + kKaltim + rendering, token);
      CHECK(r.status == 404);
      no_b_data(r);
      CHECK(s.Get("/api/sops/" + kSurakarta + rendering, token).status == 200);
    }
    for (const char* report : {"open-cases", "incident-register", "sla-compliance", "rekap-nasional"}) {
      HttpReply r = s.Get(std::string("/api/reports/") + report + "?format=json", token);
      INFO(report);
      CHECK(r.status == 200);
      no_b_data(r);
      CHECK(r.body.find("prov-kaltim") == std::string::npos);
    }
    HttpReply csv = s.Get("/api/reports/rekap-nasional?format=csv&table=instansi", token);
    CHECK(csv.status == 200);
    CHECK(csv.body.find("prov-kaltim") == std::string::npos);
  }
  // The admin-of-A views: all of A's queue, its notices, never B's; the inbox and reload are deployment-wide.
  HttpReply all = s.Get("/api/queue?scope=all", a_admin);
  CHECK(all.status == 200);
  no_b_data(all);
  CHECK(all.body.find(kSurakarta) != std::string::npos);
  CHECK(s.Get("/api/queue?scope=all", b_admin).body.find(b_number) != std::string::npos);  // B's admin sees it
  for (const char* state : {"pending", "sent", "dead", "refused"}) {
    HttpReply notices = s.Get(std::string("/api/notices?state=") + state, a_admin);
    CHECK(notices.status == 200);
    no_b_data(notices);
    // B's admin never sees A's notices either.
    HttpReply theirs = s.Get(std::string("/api/notices?state=") + state, b_admin);
    const std::string a_number = s.Get("/api/cases/" + std::to_string(a_case), a_admin).Json()["case"]["number"];
    CHECK(theirs.body.find(a_number) == std::string::npos);
  }
  // A's notice exists and A's admin sees it (so the filter is not simply empty).
  REQUIRE(WaitFor([&] { return CountRows(s.db(), "SELECT COUNT(*) FROM deliveries WHERE case_id = " + std::to_string(a_case)) > 0; }, 10));
  bool a_sees_own = false;
  for (const char* state : {"pending", "sent", "dead", "refused"})
    a_sees_own |= !s.Get(std::string("/api/notices?state=") + state, a_admin).Json()["notices"].empty();
  CHECK(a_sees_own);
  // B's admin cannot retry A's delivery: it does not exist for B.
  const std::int64_t a_delivery = CountRows(s.db(), "SELECT COALESCE(MAX(id), 0) FROM deliveries WHERE case_id = " + std::to_string(a_case));
  CHECK(s.Post("/api/notices/" + std::to_string(a_delivery) + "/retry", nlohmann::json::object(), b_admin).status == 404);
  CHECK(WaitFor([&] {
    return CountRows(s.db(), "SELECT COUNT(*) FROM audit_events WHERE event = 'cross_agency_denied' AND actor = 'admin-kaltim' "
                             "AND json_extract(detail, '$.what') = 'retry_notice' AND json_extract(detail, '$.delivery_id') = " +
                                 std::to_string(a_delivery)) == 1;
  }, 10));
  // A delivery that does not exist is just missing: nothing to record.
  CHECK(s.Post("/api/notices/999999/retry", nlohmann::json::object(), b_admin).status == 404);
  CHECK(s.Get("/api/inbox", a_admin).status == 403);
  CHECK(s.Post("/api/reload", nlohmann::json::object(), a_admin).status == 403);
  CHECK(s.Get("/api/inbox", a_kabid).status == 403);

  // Every probe of B's case was audited, naming the token's user and the case.
  INFO(s.log());
  CHECK(WaitFor([&] { return Audited(s, "cross_agency_denied") - audited_before >= case_probes; }, 10));
  CHECK(CountRows(s.db(), "SELECT COUNT(*) FROM audit_events WHERE event = 'cross_agency_denied' AND json_extract(detail, '$.case_id') = " +
                              std::to_string(b_case) + " AND actor = 'kabid-solo'") > 0);
  CHECK(CountRows(s.db(), "SELECT COUNT(*) FROM audit_events WHERE event = 'cross_agency_denied' AND json_extract(detail, '$.what') = 'open_case' "
                          "AND json_extract(detail, '$.procedure') = '" + kKaltim + "'") == 2);
  // B's case is untouched.
  const nlohmann::json after = s.Get("/api/cases/" + std::to_string(b_case), b_admin).Json();
  CHECK(after["case"]["status"] == "open");
  CHECK(after["evidence"].size() == 1);
}

TEST_CASE("agencies: an oversight token reads the overseen agency's cases and gets 403 on every action", "[e2e][agency][http]") {
  Province province;
  TempDir dir;
  Server s(dir, {}, kSourceDir + "/webhooks", province.sop.path());
  REQUIRE(s.port() > 0);
  const std::string helpdesk = MakeToken(s, province, "helpdesk-tgl", {"helpdesk"}, {"kab-trenggalek"});
  const std::string csirt = MakeToken(s, province, "csirt-prov", {"pengamat"}, {"prov-kaltim"}, {"kab-trenggalek"});
  const int id = Open(s, kTrenggalek, nlohmann::json::object(), helpdesk);
  REQUIRE(Act(s, id, {{"action", "attach"}, {"name", "log.txt"}, {"content", "isi"}}, helpdesk).status == 200);
  const nlohmann::json shown = s.Get("/api/cases/" + std::to_string(id), csirt).Json();
  REQUIRE(shown.contains("case"));
  CHECK(shown["actions"]["comment"] == false);
  CHECK(shown["actions"]["steps"].empty());
  CHECK(s.Get("/api/cases/" + std::to_string(id) + "/evidence/" + std::to_string(shown["evidence"][0]["id"].get<int>()), csirt).status == 200);
  CHECK(s.Get("/api/cases?procedure=" + kTrenggalek, csirt).Json()["cases"].size() == 1);
  CHECK(s.Get("/api/queue?scope=all", csirt).Json()["items"].size() >= 1);
  for (const nlohmann::json& action : {nlohmann::json{{"action", "comment"}, {"text", "x"}}, nlohmann::json{{"action", "complete"}},
                                       nlohmann::json{{"action", "attach"}, {"name", "a"}, {"content", "b"}},
                                       nlohmann::json{{"action", "handover"}, {"to_agency", "prov-kaltim"}, {"procedure", kKaltim}}}) {
    HttpReply r = Act(s, id, action, csirt);
    INFO(r.body);
    CHECK(r.status == 403);
  }
  CHECK(s.Post("/api/cases", {{"procedure", kTrenggalek}}, csirt).status == 403);
  // The CLI refuses oversight the province does not declare, naming the field.
  RunResult refused = RunSiaga({"--db", s.db(), "--sop", province.sop.path(), "token", "create", "--user", "x", "--role", "pengamat",
                                "--agency", "prov-kaltim", "--oversees", "kota-surakarta"});
  CHECK(refused.exit_code != 0);
  CHECK_THAT(refused.out, Catch::Contains("oversees"));
  RunResult unknown = RunSiaga({"--db", s.db(), "--sop", province.sop.path(), "token", "create", "--user", "x", "--role", "admin",
                                "--agency", "kab-entah"});
  CHECK(unknown.exit_code != 0);
  CHECK_THAT(unknown.out, Catch::Contains("agency"));
  // An old (unscoped) token keeps its single-agency behaviour: the admin reads everything.
  const std::string old_admin = s.Token("root", {"admin"});
  CHECK(s.Get("/api/cases/" + std::to_string(id), old_admin).status == 200);
  CHECK(s.Get("/api/me", csirt).Json()["oversees"] == nlohmann::json::array({"kab-trenggalek"}));
}

TEST_CASE("agencies: admins bind people to roles over HTTP, an agency's admin within its own agencies only", "[e2e][agency][http]") {
  Province province;
  TempDir dir;
  Server s(dir, {}, kSourceDir + "/webhooks", province.sop.path());
  REQUIRE(s.port() > 0);
  const std::string root = MakeToken(s, province, "root", {"admin"}, {});

  // The deployment's admin makes the regency's admin; the token is shown once, never cached.
  HttpReply made = s.Post("/api/tokens", {{"user", "admin-tgl"}, {"roles", {"admin"}}, {"agencies", {"kab-trenggalek"}}}, root);
  INFO(made.body);
  REQUIRE(made.status == 201);
  const std::string tgl_admin = made.Json()["token"];
  const int tgl_admin_id = made.Json()["id"];
  CHECK(made.headers["cache-control"] == "no-store");
  CHECK(made.headers["location"] == "/api/tokens/" + std::to_string(tgl_admin_id));
  CHECK(made.Json()["agencies"] == nlohmann::json::array({"kab-trenggalek"}));
  CHECK(made.Json()["created_by"] == "root");

  // The regency's admin binds an acting helpdesk officer (Plt.) to the helpdesk role.
  HttpReply plt = s.Post("/api/tokens", {{"user", "plt-helpdesk-tgl"}, {"roles", {"helpdesk"}}, {"agencies", {"kab-trenggalek"}},
                                         {"note", "Plt. selama cuti petugas helpdesk"}}, tgl_admin);
  INFO(plt.body);
  REQUIRE(plt.status == 201);
  const std::string helpdesk = plt.Json()["token"];
  const int helpdesk_id = plt.Json()["id"];
  CHECK(s.Get("/api/me", helpdesk).Json()["roles"] == nlohmann::json::array({"helpdesk"}));
  Open(s, kTrenggalek, nlohmann::json::object(), helpdesk);  // the new token works on its agency's procedure
  CHECK(s.Post("/api/cases", {{"procedure", kKaltim}, {"title", "x"}}, helpdesk).status == 404);

  // Outside its agency, deployment-wide, or a feed: refused, naming the field; nothing stored.
  const std::int64_t tokens_before = CountRows(s.db(), "SELECT COUNT(*) FROM api_tokens");
  struct Refusal {
    nlohmann::json body;
    long status;
    std::string field;
  };
  for (const Refusal& r : {Refusal{{{"user", "x"}, {"roles", {"admin"}}, {"agencies", {"prov-kaltim"}}}, 403, "agencies"},
                           Refusal{{{"user", "x"}, {"roles", {"admin"}}}, 403, "agencies"},
                           Refusal{{{"user", "x"}, {"roles", {"webhook:wazuh"}}, {"agencies", {"kab-trenggalek"}}}, 403, "roles"},
                           Refusal{{{"user", "x"}, {"roles", {"admin"}}, {"agencies", {"kab-trenggalek"}}, {"oversees", {"kota-surakarta"}}}, 400, "oversees"},
                           Refusal{{{"user", "x"}, {"agencies", {"kab-trenggalek"}}}, 400, "roles"},
                           Refusal{{{"user", "x"}, {"roles", "helpdesk"}, {"agencies", {"kab-trenggalek"}}}, 400, "roles"},
                           Refusal{{{"user", "x"}, {"roles", {"Bad Role"}}, {"agencies", {"kab-trenggalek"}}}, 400, "roles"},
                           Refusal{{{"user", ""}, {"roles", {"helpdesk"}}, {"agencies", {"kab-trenggalek"}}}, 400, "user"},
                           Refusal{{{"user", "x"}, {"roles", {"helpdesk"}}, {"agencies", {"kab-trenggalek"}}, {"token", "mine"}}, 400, "token"}}) {
    HttpReply refused = s.Post("/api/tokens", r.body, tgl_admin);
    INFO(r.body.dump() << " -> " << refused.body);
    CHECK(refused.status == r.status);
    CHECK(refused.Json()["error"]["field"] == r.field);
  }
  CHECK(CountRows(s.db(), "SELECT COUNT(*) FROM api_tokens") == tokens_before);
  // Only admins manage tokens.
  CHECK(s.Get("/api/tokens", helpdesk).status == 403);
  CHECK(s.Post("/api/tokens", {{"user", "x"}, {"roles", {"admin"}}, {"agencies", {"kab-trenggalek"}}}, helpdesk).status == 403);

  // Each admin lists the tokens it manages, never a secret.
  auto users = [&](const std::string& token) {
    std::set<std::string> out;
    const nlohmann::json listed = s.Get("/api/tokens", token).Json();
    for (const auto& t : listed["tokens"]) out.insert(t["user"].get<std::string>());
    return out;
  };
  CHECK(users(tgl_admin) == std::set<std::string>{"admin-tgl", "plt-helpdesk-tgl"});
  CHECK(users(root) == std::set<std::string>{"root", "admin-tgl", "plt-helpdesk-tgl"});
  CHECK(s.Get("/api/tokens", root).body.find(helpdesk.substr(3)) == std::string::npos);
  const int root_id = s.Get("/api/me", root).Json()["token_id"];
  CHECK(s.Get("/api/tokens/" + std::to_string(root_id), tgl_admin).status == 404);
  CHECK(s.Get("/api/tokens/" + std::to_string(helpdesk_id), tgl_admin).Json()["note"] == "Plt. selama cuti petugas helpdesk");
  CHECK(s.Get("/api/tokens/abc", tgl_admin).Json()["error"]["field"] == "id");

  // Revoking: the acting officer's term ends; the deployment's token is out of the regency's reach.
  CHECK(s.Post("/api/tokens/" + std::to_string(root_id) + "/revoke", nlohmann::json::object(), tgl_admin).status == 404);
  CHECK(s.Get("/api/me", root).status == 200);
  HttpReply revoked = s.Post("/api/tokens/" + std::to_string(helpdesk_id) + "/revoke", nlohmann::json::object(), tgl_admin);
  INFO(revoked.body);
  CHECK(revoked.status == 200);
  CHECK(s.Get("/api/me", helpdesk).status == 401);
  CHECK(s.Post("/api/tokens/" + std::to_string(helpdesk_id) + "/revoke", nlohmann::json::object(), tgl_admin).status == 404);
  CHECK(s.Get("/api/tokens/" + std::to_string(helpdesk_id), root).Json()["revoked_at"].is_string());

  // Audited with who did it; the clear token appears in neither the audit trail nor the log.
  CHECK(CountRows(s.db(), "SELECT COUNT(*) FROM audit_events WHERE event = 'token_created' AND actor = 'admin-tgl' "
                          "AND json_extract(detail, '$.user') = 'plt-helpdesk-tgl'") == 1);
  CHECK(CountRows(s.db(), "SELECT COUNT(*) FROM audit_events WHERE event = 'token_revoked' AND actor = 'admin-tgl' "
                          "AND json_extract(detail, '$.token_id') = " + std::to_string(helpdesk_id)) == 1);
  CHECK(CountRows(s.db(), "SELECT COUNT(*) FROM audit_events WHERE instr(detail, '" + helpdesk.substr(3, 20) + "') > 0") == 0);
  CHECK(s.log().find(helpdesk.substr(3, 20)) == std::string::npos);

  // An acting official's (Plh.) token ends by itself; an end already past or unreadable is refused.
  const std::string soon = FormatUtc(NowSeconds() + 3);
  HttpReply plh = s.Post("/api/tokens", {{"user", "plh-helpdesk-tgl"}, {"roles", {"helpdesk"}}, {"agencies", {"kab-trenggalek"}},
                                         {"expires_at", soon}}, tgl_admin);
  INFO(plh.body);
  REQUIRE(plh.status == 201);
  CHECK(plh.Json()["expires_at"] == soon);
  const std::string plh_token = plh.Json()["token"];
  CHECK(s.Get("/api/me", plh_token).status == 200);
  CHECK(WaitFor([&] { return s.Get("/api/me", plh_token).status == 401; }, 8));
  for (const char* end : {"2020-01-01", "besok"}) {
    HttpReply refused = s.Post("/api/tokens", {{"user", "x"}, {"roles", {"helpdesk"}}, {"agencies", {"kab-trenggalek"}}, {"expires_at", end}}, tgl_admin);
    CHECK(refused.status == 400);
    CHECK(refused.Json()["error"]["field"] == "expires_at");
  }

  // The province's CSIRT, with the oversight its file declares, and what each token sees of agencies.
  HttpReply csirt_made = s.Post("/api/tokens", {{"user", "csirt-prov"}, {"roles", {"pengamat"}}, {"agencies", {"prov-kaltim"}},
                                                {"oversees", {"kab-trenggalek"}}}, root);
  REQUIRE(csirt_made.status == 201);
  const std::string csirt = csirt_made.Json()["token"];
  auto access = [&](const std::string& token) {
    std::map<std::string, std::string> out;
    const nlohmann::json listed = s.Get("/api/agencies", token).Json();
    for (const auto& a : listed["agencies"]) out[a["id"]] = a["access"];
    return out;
  };
  CHECK(access(tgl_admin) == std::map<std::string, std::string>{{"kab-trenggalek", "member"}});
  CHECK(access(csirt) == std::map<std::string, std::string>{{"kab-trenggalek", "overseer"}, {"prov-kaltim", "member"}});
  CHECK(access(root).size() == 5);
  const nlohmann::json agencies = s.Get("/api/agencies", csirt).Json()["agencies"];
  for (const auto& a : agencies)
    if (a["id"] == "kab-trenggalek") {
      CHECK(a["diawasi_oleh"] == nlohmann::json::array({"prov-kaltim"}));
      CHECK(a["procedures"] == nlohmann::json::array({kTrenggalek, "trenggalek/penanganan-insiden-lokal"}));
    }
  // The webhook routes a token sees lead to its agencies' procedures only.
  const nlohmann::json tgl_routes = s.Get("/api/adapters", tgl_admin).Json()["routes"];
  CHECK_FALSE(tgl_routes.empty());
  for (const auto& route : tgl_routes) CHECK(route["procedure"] == kTrenggalek);
  CHECK(s.Get("/api/adapters", root).Json()["routes"].size() > s.Get("/api/adapters", tgl_admin).Json()["routes"].size());
}

TEST_CASE("agencies: a hand-over closes the case at the regency and opens a linked one at the province, audited on both sides", "[e2e][agency][http]") {
  Province province;
  TempDir dir;
  Server s(dir, {}, kSourceDir + "/webhooks", province.sop.path());
  REQUIRE(s.port() > 0);
  const std::string helpdesk = MakeToken(s, province, "helpdesk-tgl", {"helpdesk"}, {"kab-trenggalek"});
  const std::string kaltim = MakeToken(s, province, "pemeriksa-kaltim", {"pemeriksa_ti"}, {"prov-kaltim"});
  const std::string solo = MakeToken(s, province, "kabid-solo", {"kabid"}, {"kota-surakarta"});
  const int id = Open(s, kTrenggalek, {{"severity", "high"}}, helpdesk, "Defacement situs desa");

  SECTION("to the province that oversees the regency") {
    // The case page offers exactly the agencies that oversee the regency, with their procedures.
    const nlohmann::json offered = s.Get("/api/cases/" + std::to_string(id), helpdesk).Json()["actions"];
    CHECK(offered["handover"] == true);
    REQUIRE(offered["handover_to"].size() == 1);
    CHECK(offered["handover_to"][0]["agency"] == "prov-kaltim");
    CHECK(offered["handover_to"][0]["procedures"] == nlohmann::json::array({kKaltim}));
    HttpReply r = Act(s, id, {{"action", "handover"}, {"to_agency", "prov-kaltim"}, {"procedure", kKaltim}, {"note", "butuh CSIRT provinsi"}}, helpdesk);
    INFO(r.body);
    REQUIRE(r.status == 200);
    const nlohmann::json body = r.Json();
    CHECK(body["case"]["status"] == "closed");
    CHECK(body["case"]["outcome"] == "diserahkan");
    const int to = body["handover"]["to_case"];
    CHECK(to != id);
    // The source agency no longer sees the case it handed over; the province does.
    CHECK(s.Get("/api/cases/" + std::to_string(to), helpdesk).status == 404);
    const nlohmann::json received = s.Get("/api/cases/" + std::to_string(to), kaltim).Json();
    REQUIRE(received.contains("case"));
    CHECK(received["case"]["procedure"] == kKaltim);
    CHECK(received["case"]["status"] == "open");
    CHECK(received["case"]["title"] == "Defacement situs desa");
    CHECK(received["case"]["fields"]["severity"] == "high");
    CHECK(received["case"]["handed_over_from"]["id"] == id);
    CHECK(body["case"]["handed_over_to"]["id"] == to);
    CHECK(body["case"]["handed_over_to"]["number"] == received["case"]["number"]);
    // Audit on both sides, each naming the other; the link is stored.
    CHECK(CountRows(s.db(), "SELECT COUNT(*) FROM audit_events WHERE event = 'handed_over' AND case_id = " + std::to_string(id) +
                                " AND json_extract(detail, '$.to_case') = " + std::to_string(to) +
                                " AND json_extract(detail, '$.to_agency') = 'prov-kaltim' AND actor = 'helpdesk-tgl'") == 1);
    CHECK(CountRows(s.db(), "SELECT COUNT(*) FROM audit_events WHERE event = 'handover_received' AND case_id = " + std::to_string(to) +
                                " AND json_extract(detail, '$.from_case') = " + std::to_string(id) +
                                " AND json_extract(detail, '$.from_agency') = 'kab-trenggalek'") == 1);
    CHECK(CountRows(s.db(), "SELECT COUNT(*) FROM cases WHERE id = " + std::to_string(to) + " AND handed_over_from = " + std::to_string(id)) == 1);
    CHECK(CountRows(s.db(), "SELECT COUNT(*) FROM cases WHERE id = " + std::to_string(id) + " AND handed_over_to = " + std::to_string(to)) == 1);
    CHECK(CountRows(s.db(), "SELECT COUNT(*) FROM timers WHERE state = 'armed' AND case_id = " + std::to_string(id)) == 0);
    CHECK(CountRows(s.db(), "SELECT COUNT(*) FROM step_instances WHERE state = 'ready' AND case_id = " + std::to_string(id)) == 0);
    // A closed case is not handed over twice.
    CHECK(Act(s, id, {{"action", "handover"}, {"to_agency", "prov-kaltim"}, {"procedure", kKaltim}}, helpdesk).status == 409);
  }
  SECTION("refused to an agency that does not oversee the source, and for a mismatched procedure") {
    const int solo_case = Open(s, kSurakarta, nlohmann::json::object(), solo);
    // Nobody oversees Surakarta here: no hand-over is offered.
    const nlohmann::json solo_actions = s.Get("/api/cases/" + std::to_string(solo_case), solo).Json()["actions"];
    CHECK(solo_actions["handover"] == false);
    CHECK(solo_actions["handover_to"].empty());
    HttpReply r = Act(s, solo_case, {{"action", "handover"}, {"to_agency", "prov-kaltim"}, {"procedure", kKaltim}}, solo);
    INFO(r.body);
    CHECK(r.status == 403);
    CHECK(r.Json()["error"]["field"] == "to_agency");
    CHECK(s.Get("/api/cases/" + std::to_string(solo_case), solo).Json()["case"]["status"] == "open");
    HttpReply mismatch = Act(s, id, {{"action", "handover"}, {"to_agency", "prov-kaltim"}, {"procedure", kSurakarta}}, helpdesk);
    CHECK(mismatch.status == 400);
    CHECK(mismatch.Json()["error"]["field"] == "procedure");
    HttpReply unknown = Act(s, id, {{"action", "handover"}, {"to_agency", "prov-entah"}, {"procedure", kKaltim}}, helpdesk);
    CHECK(unknown.status == 400);
    CHECK(unknown.Json()["error"]["field"] == "to_agency");
    HttpReply missing = Act(s, id, {{"action", "handover"}, {"procedure", kKaltim}}, helpdesk);
    CHECK(missing.status == 400);
    CHECK(missing.Json()["error"]["field"] == "to_agency");
    // A role of the receiving agency cannot pull a case out of the regency.
    CHECK(Act(s, id, {{"action", "handover"}, {"to_agency", "prov-kaltim"}, {"procedure", kKaltim}}, kaltim).status == 404);
    CHECK(s.Get("/api/cases/" + std::to_string(id), helpdesk).Json()["case"]["status"] == "open");
    CHECK(CountRows(s.db(), "SELECT COUNT(*) FROM audit_events WHERE event = 'handed_over'") == 0);
  }
  SECTION("from the server's command line, beside the running server") {
    RunResult refused = RunSiaga({"--db", s.db(), "--sop", province.sop.path(), "case", "handover", std::to_string(id), "--to-agency",
                                  "kota-surakarta", "--procedure", kSurakarta});
    CHECK(refused.exit_code == 4);  // kota-surakarta does not oversee the regency
    CHECK_THAT(refused.out, Catch::Contains("mengawasi"));
    RunResult r = RunSiaga({"--db", s.db(), "--sop", province.sop.path(), "--json", "case", "handover", std::to_string(id), "--to-agency",
                            "prov-kaltim", "--procedure", kKaltim, "--note", "eskalasi lewat CLI", "--as", "kasi-persandian"});
    INFO(r.out);
    REQUIRE(r.exit_code == 0);
    const std::int64_t to = CountRows(s.db(), "SELECT COALESCE(handed_over_to, 0) FROM cases WHERE id = " + std::to_string(id));
    REQUIRE(to > 0);
    // The server serves what the CLI wrote: the regency's case closed, the province's open.
    CHECK(s.Get("/api/cases/" + std::to_string(id), helpdesk).Json()["case"]["outcome"] == "diserahkan");
    CHECK(s.Get("/api/cases/" + std::to_string(to), kaltim).Json()["case"]["status"] == "open");
    CHECK(CountRows(s.db(), "SELECT COUNT(*) FROM audit_events WHERE event = 'handed_over' AND case_id = " + std::to_string(id) +
                                " AND actor = 'kasi-persandian' AND json_extract(detail, '$.note') = 'eskalasi lewat CLI'") == 1);
    CHECK(CountRows(s.db(), "SELECT COUNT(*) FROM audit_events WHERE event = 'handover_received' AND case_id = " + std::to_string(to)) == 1);
  }
}

TEST_CASE("agencies: siaga agency create writes a checked file that a running server loads and tokens can then name", "[e2e][agency][cli]") {
  Province province;
  TempDir dir;
  Server s(dir, {}, kSourceDir + "/webhooks", province.sop.path());
  REQUIRE(s.port() > 0);
  const std::string root = MakeToken(s, province, "root", {"admin"}, {});
  auto siaga = [&](std::vector<std::string> args) {
    args.insert(args.begin(), {"--db", s.db(), "--sop", province.sop.path()});
    return RunSiaga(args);
  };
  // Before the file exists, no token can name the agency.
  CHECK(siaga({"token", "create", "--user", "x", "--role", "helpdesk", "--agency", "kab-kukar"}).exit_code == 1);

  // Refused, naming the field, and no file (not even a draft) left behind.
  struct Refusal {
    std::vector<std::string> args;
    std::string field;
  };
  for (const Refusal& r : {Refusal{{"Kab Kukar", "--nama", "x"}, "id"},
                           Refusal{{"kab-kukar", "--nama", "x", "--zona", "PST"}, "zona_waktu"},
                           Refusal{{"kab-kukar", "--nama", "baris satu\nbaris dua"}, "nama"},
                           Refusal{{"kab-kukar", "--nama", "x", "--mengawasi", "kab-kukar"}, "mengawasi"},
                           Refusal{{"kab-trenggalek", "--nama", "x"}, "id"}}) {
    std::vector<std::string> args = {"agency", "create"};
    args.insert(args.end(), r.args.begin(), r.args.end());
    RunResult out = siaga(args);
    INFO(out.out);
    CHECK(out.exit_code == 1);
    CHECK_THAT(out.out, Catch::Contains(r.field + ":"));
  }
  CHECK_FALSE(std::filesystem::exists(province.sop / "instansi/kab-kukar.lua"));
  CHECK_FALSE(std::filesystem::exists(province.sop / "instansi/kab-kukar.lua.tmp"));

  RunResult made = siaga({"agency", "create", "kab-kukar", "--nama", "Diskominfo Kabupaten Kutai \"Kartanegara\"", "--zona", "WITA",
                          "--mengawasi", "kab-trenggalek"});
  INFO(made.out);
  REQUIRE(made.exit_code == 0);
  CHECK_THAT(made.out, Catch::Contains("--agency kab-kukar"));
  CHECK(siaga({"lint", province.sop.path()}).exit_code == 0);
  // A second create of the same agency is refused; the file is the admin's to edit from now on.
  CHECK(siaga({"agency", "create", "kab-kukar", "--nama", "lain"}).exit_code == 1);

  // The running server loads it (the watcher, or a reload), and lists it with its name and zone.
  REQUIRE(s.Post("/api/reload", nlohmann::json::object(), root).status == 200);
  nlohmann::json kukar;
  const nlohmann::json agencies = s.Get("/api/agencies", root).Json()["agencies"];
  for (const auto& a : agencies)
    if (a["id"] == "kab-kukar") kukar = a;
  REQUIRE(kukar.is_object());
  CHECK(kukar["nama"] == "Diskominfo Kabupaten Kutai \"Kartanegara\"");
  CHECK(kukar["zona_waktu"] == "WITA");
  CHECK(kukar["mengawasi"] == nlohmann::json::array({"kab-trenggalek"}));
  // Its people can now be bound to it, from the CLI and over HTTP, with the oversight it declares.
  CHECK(siaga({"token", "create", "--user", "ani", "--role", "helpdesk", "--agency", "kab-kukar"}).exit_code == 0);
  RunResult plt = siaga({"--json", "token", "create", "--user", "plt", "--role", "helpdesk", "--agency", "kab-kukar", "--until", "2099-12-31"});
  CHECK(plt.exit_code == 0);
  CHECK_THAT(plt.out, Catch::Contains("\"expires_at\":\"2099-12-31T17:00:00Z\""));
  RunResult past = siaga({"token", "create", "--user", "plt", "--role", "helpdesk", "--agency", "kab-kukar", "--until", "2020-01-01"});
  CHECK(past.exit_code == 1);
  CHECK_THAT(past.out, Catch::Contains("expires_at"));
  HttpReply issued = s.Post("/api/tokens", {{"user", "csirt-kukar"}, {"roles", {"pengamat"}}, {"agencies", {"kab-kukar"}},
                                            {"oversees", {"kab-trenggalek"}}}, root);
  INFO(issued.body);
  CHECK(issued.status == 201);
}

TEST_CASE("agencies: two agencies side by side keep their own zone, calendar, reports and notices", "[e2e][agency][http]") {
  Province province;
  TempDir dir;
  Server s(dir, {"--scripts", kSourceDir + "/scripts"}, kSourceDir + "/webhooks", province.sop.path());
  REQUIRE(s.port() > 0);
  const std::string kaltim = MakeToken(s, province, "admin-kaltim", {"admin"}, {"prov-kaltim"});
  const std::string solo = MakeToken(s, province, "admin-solo", {"admin"}, {"kota-surakarta"});
  const std::string solo_staff = MakeToken(s, province, "staf-solo", {"kabid", "analis"}, {"kota-surakarta"});
  const int k = Open(s, kKaltim, nlohmann::json::object(), kaltim);
  const int w = Open(s, kSurakarta, nlohmann::json::object(), solo);

  CalendarBook book;
  for (const Diagnostic& d : book.LoadDirectory(province.sop.path())) REQUIRE(d.severity != Diagnostic::Severity::kError);
  auto deadline = [&](const std::string& agency, const std::string& zone, const std::string& standard, UnixSeconds from) {
    auto cal = book.For(agency, zone);
    REQUIRE(cal.ok());
    auto ts = ParseTimeStandard(standard, TimeDefaults{});
    REQUIRE(ts.ok());
    return cal->DeadlineFor(*ts, from).due_at;
  };
  auto stored = [&](int id, const char* column) {
    return CountRows(s.db(), std::string("SELECT ") + column + " FROM cases WHERE id = " + std::to_string(id));
  };
  // The service standards (sla_kasus): prov-kaltim's "2-5 hari kerja" in WITA with its local
  // holidays, kota-surakarta's "1 Hari kerja" in WIB on the national calendar.
  const UnixSeconds k_opened = stored(k, "opened_at"), w_opened = stored(w, "opened_at");
  const UnixSeconds k_due = deadline("prov-kaltim", "WITA", "2-5 hari kerja", k_opened);
  const UnixSeconds w_due = deadline("kota-surakarta", "WIB", "1 Hari kerja", w_opened);
  CHECK(stored(k, "sla_due_at") == k_due);
  CHECK(stored(w, "sla_due_at") == w_due);
  // Computed in the other agency's zone and calendar, both would differ (so the checks above can fail).
  CHECK(deadline("kota-surakarta", "WIB", "2-5 hari kerja", k_opened) != k_due);
  CHECK(deadline("prov-kaltim", "WITA", "1 Hari kerja", w_opened) != w_due);
  const nlohmann::json k_shown = s.Get("/api/cases/" + std::to_string(k), kaltim).Json();
  const nlohmann::json w_shown = s.Get("/api/cases/" + std::to_string(w), solo).Json();
  CHECK(k_shown.dump().find("WITA") != std::string::npos);
  CHECK(w_shown.dump().find("WIB") != std::string::npos);
  const std::string k_number = k_shown["case"]["number"], w_number = w_shown["case"]["number"];

  // Reports: each agency's report holds its own case only.
  HttpReply k_report = s.Get("/api/reports/open-cases?format=json", kaltim);
  HttpReply w_report = s.Get("/api/reports/open-cases?format=json", solo);
  REQUIRE(k_report.status == 200);
  REQUIRE(w_report.status == 200);
  CHECK(k_report.body.find(kKaltim) != std::string::npos);
  CHECK(k_report.body.find(kSurakarta) == std::string::npos);
  CHECK(w_report.body.find(kSurakarta) != std::string::npos);
  CHECK(w_report.body.find(kKaltim) == std::string::npos);
  // The deployment's metrics count each agency's active cases under its own label.
  const std::string metrics = Http("GET", s.Url("/metrics")).body;
  CHECK_THAT(metrics, Catch::Contains("siaga_cases_active{agency=\"prov-kaltim\",status=\"open\"} 1\n"));
  CHECK_THAT(metrics, Catch::Contains("siaga_cases_active{agency=\"kota-surakarta\",status=\"open\"} 1\n"));

  // Notices: surakarta's step 5 queues one; it is listed for surakarta's admin only.
  for (const auto& [step, action] : std::vector<std::pair<std::string, nlohmann::json>>{
           {"terima", {{"action", "complete"}}}, {"tindak_lanjut", {{"action", "complete"}}},
           {"jenis", {{"action", "decide"}, {"branch", "insiden security"}}}, {"beritahu_opd", {{"action", "complete"}}}}) {
    nlohmann::json a = action;
    a["step"] = step;
    REQUIRE(Act(s, w, a, solo_staff).status == 200);
  }
  REQUIRE(WaitFor([&] { return CountRows(s.db(), "SELECT COUNT(*) FROM deliveries WHERE case_id = " + std::to_string(w)) > 0; }, 10));
  std::string k_notices, w_notices;
  for (const char* state : {"pending", "sent", "dead", "refused"}) {
    k_notices += s.Get(std::string("/api/notices?state=") + state, kaltim).body;
    w_notices += s.Get(std::string("/api/notices?state=") + state, solo).body;
  }
  CHECK(w_notices.find(w_number) != std::string::npos);
  CHECK(k_notices.find(w_number) == std::string::npos);
  CHECK(k_notices.find(k_number) == std::string::npos);  // kaltim's case queued none yet
}

TEST_CASE("agencies: the upward report over three agencies matches the cases created, with TLP:RED left out", "[e2e][agency][reports]") {
  Province province;
  TempDir dir;
  Server s(dir, {"--scripts", kSourceDir + "/scripts"}, kSourceDir + "/webhooks", province.sop.path());
  REQUIRE(s.port() > 0);
  const std::string tgl = MakeToken(s, province, "admin-tgl", {"admin"}, {"kab-trenggalek"});
  const std::string solo = MakeToken(s, province, "admin-solo", {"admin"}, {"kota-surakarta"});
  const std::string kaltim = MakeToken(s, province, "admin-kaltim", {"admin"}, {"prov-kaltim"});
  // The national view: an observer of the three agencies (no agency of its own).
  const std::string national = MakeToken(s, province, "csirt-nasional", {"pengamat"}, {}, {"kab-trenggalek", "kota-surakarta", "prov-kaltim"});

  struct Made {
    std::string agency, procedure, token;
    nlohmann::json fields;
  };
  const std::vector<Made> made = {
      {"kab-trenggalek", kTrenggalek, tgl, {{"severity", "critical"}}},
      {"kab-trenggalek", kTrenggalek, tgl, {{"severity", "high"}}},
      {"kab-trenggalek", kTrenggalek, tgl, {{"klasifikasi", "malware"}, {"severity", "critical"}}},
      {"kota-surakarta", kSurakarta, solo, {{"klasifikasi", "malware"}}},
      {"kota-surakarta", kSurakarta, solo, {{"klasifikasi", "phishing"}}},
      {"kota-surakarta", kSurakarta, solo, {{"klasifikasi", "malware"}, {"tlp", "RED"}}},
      {"prov-kaltim", kKaltim, kaltim, {{"severity", "critical"}, {"klasifikasi", "ddos"}}},
      {"prov-kaltim", kKaltim, kaltim, nlohmann::json::object()},
  };
  // Figures computed here, independently of the script.
  std::map<std::string, int> cases, critical_open;
  std::map<std::pair<std::string, std::string>, int> by_class;
  int red = 0;
  for (const Made& m : made) {
    Open(s, m.procedure, m.fields, m.token);
    if (m.fields.value("tlp", "") == "RED") {
      ++red;
      continue;
    }
    ++cases[m.agency];
    std::string cls = m.fields.value("klasifikasi", m.fields.value("severity", "(belum diklasifikasi)"));
    ++by_class[{m.agency, cls}];
    if (m.fields.value("severity", "") == "critical") ++critical_open[m.agency];
  }

  HttpReply r = s.Get("/api/reports/rekap-nasional?format=json", national);
  INFO(r.body);
  REQUIRE(r.status == 200);
  const nlohmann::json report = r.Json();
  auto table = [&](const std::string& name) {
    for (const auto& t : report["tables"])
      if (t["name"] == name) return t["rows"];
    FAIL("no table " << name);
    return nlohmann::json();
  };
  const nlohmann::json agencies = table("instansi");
  REQUIRE(agencies.size() == 3);
  for (const auto& row : agencies) {
    const std::string a = row["agency"];
    CHECK(row["cases"] == cases[a]);
    CHECK(row["open"] == cases[a]);
    CHECK(row["critical_open"] == critical_open[a]);
  }
  const nlohmann::json classes = table("klasifikasi");
  CHECK(classes.size() == by_class.size());
  for (const auto& row : classes) {
    INFO(row.dump());
    CHECK(row["cases"] == by_class[{row["agency"].get<std::string>(), row["classification"].get<std::string>()}]);
  }
  int kritis = 0;
  for (const auto& [a, n] : critical_open) kritis += n;
  CHECK(table("kritis").size() == static_cast<std::size_t>(kritis));
  CHECK(table("sla").size() == 3);
  for (const auto& row : table("kritis")) CHECK(row["tlp"] != "RED");
  bool red_counted = false;
  for (const auto& f : report["summary"]) red_counted |= f["label"] == "TLP:RED tidak disertakan" && f["value"] == red;
  CHECK(red_counted);

  // With sertakan_red=ya the RED case counts; one agency's admin sees its own row only.
  HttpReply with_red = s.Get("/api/reports/rekap-nasional?format=json&sertakan_red=ya", national);
  REQUIRE(with_red.status == 200);
  const nlohmann::json with_red_json = with_red.Json();
  int total = 0;
  for (const auto& t : with_red_json["tables"])
    if (t["name"] == "instansi")
      for (const auto& row : t["rows"]) total += row["cases"].get<int>();
  CHECK(total == static_cast<int>(made.size()));
  HttpReply own = s.Get("/api/reports/rekap-nasional?format=csv&table=instansi", solo);
  REQUIRE(own.status == 200);
  CHECK(own.body.rfind("agency,cases,open,closed,handed_over,cancelled,critical_open\r\n", 0) == 0);
  CHECK(own.body.find("kota-surakarta,2,2,") != std::string::npos);
  CHECK(own.body.find("kab-trenggalek") == std::string::npos);
  CHECK(own.body.find("prov-kaltim") == std::string::npos);
}
