// Notices end to end: the real server, a real HTTP receiver and a real SMTP receiver on loopback.
#include <cstdlib>
#include <filesystem>
#include <set>

#include <catch2/catch.hpp>

#include "e2e/http_support.h"
#include "e2e/receivers.h"
#include "notify/senders.h"

namespace siaga::test {
namespace {

// One step that notifies the role `csirt` when it is completed.
const std::string kNoticeProcedure = R"lua(
return sop {
  id = "uji/notif", revision = 1, instansi = "kota-surakarta", zona_waktu = "WIB",
  identitas = { nama = "Uji notifikasi" },
  pelaksana = { staf = { label = "Staf", kolom = 1 }, csirt = { label = "CSIRT Provinsi", jenis = "eksternal" } },
  langkah = {
    task "lapor" { no = 1, kegiatan = "Melapor ke CSIRT", pelaksana = "staf", waktu = "1 jam",
      notify = { { to = "csirt", template = "permohonan_bantuan", tlp = "AMBER" } }, next = "selesai" },
    finish "selesai" { no = 2, kegiatan = "Selesai" },
  },
}
)lua";

struct Setup {
  TempDir dir;
  SmtpReceiver smtp;
  HttpReceiver http;
  std::string sop = dir / "sop";

  // The seeds, the shipped templates, and channels pointing at the receivers.
  explicit Setup(int csirt_attempts = 40) {
    std::filesystem::copy(kSeedDir, sop, std::filesystem::copy_options::recursive);
    WriteFile(sop + "/uji/notif.lua", kNoticeProcedure);
    WriteFile(sop + "/notifikasi/kanal.lua", R"(
return notifikasi {
  link = "https://siaga.test/cases/{case}",
  channels = {
    arsip = { kind = "file", path = ")" + dir / "arsip.jsonl" + R"(", tlp_max = "RED" },
    email = { kind = "smtp", url = ")" + smtp.Url() + R"(", user = "siaga", secret = "UJI_SMTP",
              from = "Siaga <siaga@test.go.id>", tlp_max = "AMBER", retry_first = 1, retry_max = 1, attempts = 40, timeout = 5 },
    csirt = { kind = "http", url = ")" + http.Url() + R"(", secret = "UJI_HOOK", tlp_max = "AMBER", language = "en",
              retry_first = 1, retry_max = 2, attempts = )" + std::to_string(csirt_attempts) + R"(, timeout = 10 },
  },
  recipients = {
    ["*"] = { { channel = "arsip" } },
    opd_aset = { { channel = "email", address = "opd@surakarta.go.id" } },
    pelapor = { { channel = "email", address = "pelapor@contoh.id" } },
    eksternal = { { channel = "csirt" } },
    csirt = { { channel = "csirt" } },
  },
}
)");
    setenv("SIAGA_SECRET_UJI_SMTP", "sandi-smtp", 1);
    setenv("SIAGA_SECRET_UJI_HOOK", "rahasia-hook", 1);
  }
};

std::vector<std::string> Fast() { return {"--notice-poll-ms", "50"}; }

std::int64_t OpenCase(const Server& s, const std::string& token, const std::string& procedure, nlohmann::json fields = nlohmann::json::object()) {
  auto r = s.Post("/api/cases", {{"procedure", procedure}, {"title", "Situs diretas"}, {"fields", fields}}, token);
  INFO(r.body);
  REQUIRE(r.status == 201);
  return r.Json()["case"]["id"];
}

void Act(const Server& s, const std::string& token, std::int64_t id, nlohmann::json action) {
  auto r = s.Post("/api/cases/" + std::to_string(id) + "/actions", action, token);
  INFO(action.dump() + " -> " + r.body);
  REQUIRE(r.status == 200);
}

std::string Decode64(const std::string& b64) {
  std::string clean;
  for (char c : b64)
    if (c != '\r' && c != '\n') clean += c;
  std::string out;
  int val = 0, bits = -8;
  for (char c : clean) {
    const auto p = std::string("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/").find(c);
    if (p == std::string::npos) break;
    val = (val << 6) + static_cast<int>(p);
    bits += 6;
    if (bits >= 0) {
      out.push_back(static_cast<char>((val >> bits) & 0xFF));
      bits -= 8;
    }
  }
  return out;
}

std::string MailText(const ReceivedMail& m) {
  const auto at = m.data.find("text/plain; charset=UTF-8\r\nContent-Transfer-Encoding: base64\r\n\r\n");
  if (at == std::string::npos) return "";
  const auto body = m.data.find("\r\n\r\n", at) + 4;
  return Decode64(m.data.substr(body, m.data.find("--=_siaga-", body) - body));
}

std::string Header(const ReceivedMail& m, const std::string& name) {
  const auto at = m.data.find(name + ": ");
  return at == std::string::npos ? "" : m.data.substr(at + name.size() + 2, m.data.find("\r\n", at) - at - name.size() - 2);
}

TEST_CASE("a seed procedure run end to end sends its letters by e-mail and its request to the CSIRT webhook", "[e2e][notify]") {
  Setup setup;
  Server server(setup.dir, Fast(), kSourceDir + "/webhooks", setup.sop);
  REQUIRE(server.port() > 0);
  const std::string kabid = server.Token("kabid", {"kabid"}), analis = server.Token("analis", {"analis"}),
                    admin = server.Token("admin", {"admin"});
  const auto id = OpenCase(server, analis, "surakarta/layanan-keamanan-informasi");
  Act(server, kabid, id, {{"action", "complete"}, {"step", "terima"}});
  Act(server, analis, id, {{"action", "complete"}, {"step", "tindak_lanjut"}});
  Act(server, analis, id, {{"action", "decide"}, {"step", "jenis"}, {"branch", "insiden security"}});
  Act(server, kabid, id, {{"action", "complete"}, {"step", "beritahu_opd"}});  // letter 1: opd_aset
  Act(server, analis, id, {{"action", "complete"}, {"step", "isolasi"}});
  Act(server, analis, id, {{"action", "complete"}, {"step", "analisis"}});
  Act(server, analis, id, {{"action", "decide"}, {"step", "perlu_eksternal"}, {"branch", "ya"}});
  Act(server, kabid, id, {{"action", "complete"}, {"step", "hubungi_eksternal"}});  // request: eksternal
  Act(server, admin, id, {{"action", "signal"}, {"signal", "laporan_eksternal_diterima"}});
  Act(server, analis, id, {{"action", "complete"}, {"step", "verifikasi_eksternal"}});
  Act(server, kabid, id, {{"action", "decide"}, {"step", "periksa"}, {"branch", "belum sesuai"}});
  Act(server, analis, id, {{"action", "complete"}, {"step", "tangani"}});
  Act(server, kabid, id, {{"action", "decide"}, {"step", "periksa"}, {"branch", "sesuai"}});
  Act(server, analis, id, {{"action", "complete"}, {"step", "info_opd"}});  // letter 2: opd_aset
  Act(server, analis, id, {{"action", "complete"}, {"step", "tutup"}});     // letter 3: pelapor
  Act(server, analis, id, {{"action", "complete"}, {"step", "dokumentasi"}});

  const bool arrived = WaitFor([&] { return setup.smtp.count() >= 3 && setup.http.count() >= 1; }, 20);
  INFO(server.log());
  INFO(RunSiaga({"--db", server.db(), "notices", "list", "--state", "pending"}).out);
  REQUIRE(arrived);
  REQUIRE(WaitFor([&] { return CountRows(server.db(), "SELECT COUNT(*) FROM deliveries WHERE state = 'sent'") == 8; }, 10));
  std::this_thread::sleep_for(std::chrono::milliseconds(300));  // nothing more arrives
  const auto mails = setup.smtp.mails();
  REQUIRE(mails.size() == 3);
  CHECK(mails[0].to == std::vector<std::string>{"<opd@surakarta.go.id>"});
  CHECK(mails[0].from == "<siaga@test.go.id>");
  CHECK(Decode64(mails[0].auth.substr(mails[0].auth.find(' ') + 1)) == std::string("\0siaga\0sandi-smtp", 17));
  CHECK_THAT(MailText(mails[0]), Catch::Contains("Telah terjadi insiden keamanan informasi") && Catch::Contains("Langkah 5") &&
                                     Catch::Contains("https://siaga.test/cases/" + std::to_string(id)) && Catch::Contains("WIB"));
  // The last two are sent at the same step by parallel workers: their order is not fixed.
  const bool pelapor_last = mails[2].to == std::vector<std::string>{"<pelapor@contoh.id>"};
  const auto& status_mail = pelapor_last ? mails[1] : mails[2];
  const auto& closing_mail = pelapor_last ? mails[2] : mails[1];
  CHECK_THAT(MailText(status_mail), Catch::Contains("status penyelesaian insiden"));
  CHECK(closing_mail.to == std::vector<std::string>{"<pelapor@contoh.id>"});
  CHECK_THAT(MailText(closing_mail), Catch::Contains("laporan ditutup") && Catch::Contains("TLP:GREEN"));
  CHECK(Header(closing_mail, "X-Siaga-TLP") == "GREEN");
  std::set<std::string> keys;
  for (const auto& m : mails) keys.insert(Header(m, "X-Siaga-Idempotency-Key"));
  CHECK(keys.size() == 3);

  const auto posts = setup.http.posts();
  REQUIRE(posts.size() == 1);
  CHECK(posts[0].signature == "sha256=" + HmacSha256Hex("rahasia-hook", posts[0].timestamp + "." + posts[0].body));
  CHECK(posts[0].tlp == "AMBER");
  const auto body = nlohmann::json::parse(posts[0].body);
  CHECK(body["idempotency_key"] == posts[0].key);
  CHECK(body["subject"].get<std::string>().rfind("Request for incident-handling assistance", 0) == 0);  // the channel is English
  CHECK(body["case"]["id"] == id);
  CHECK(body["step"]["id"] == "hubungi_eksternal");
  CHECK(body["notice"]["to"] == "eksternal");

  // Four notices, each also in the archive file.
  std::ifstream archive(setup.dir / "arsip.jsonl");
  int lines = 0;
  for (std::string line; std::getline(archive, line);) ++lines;
  CHECK(lines == 4);
  // The case page shows each notice with its deliveries.
  auto page = server.Get("/api/cases/" + std::to_string(id), admin).Json();
  REQUIRE(page["notices"].size() == 4);
  CHECK(page["notices"][0]["deliveries"].size() == 2);
  CHECK(page["notices"][0]["deliveries"][0]["state"] == "sent");
}

TEST_CASE("a receiver that is down for a while gets every message once it is back", "[e2e][notify]") {
  Setup setup;
  const int port = setup.http.port();
  setup.http.Stop();
  Server server(setup.dir, Fast(), kSourceDir + "/webhooks", setup.sop);
  const std::string staf = server.Token("staf", {"staf"});
  std::vector<std::int64_t> cases;
  for (int i = 0; i < 6; ++i) {
    cases.push_back(OpenCase(server, staf, "uji/notif"));
    Act(server, staf, cases.back(), {{"action", "complete"}, {"step", "lapor"}});
  }
  // Attempts fail while the receiver is down: recorded, retried.
  REQUIRE(WaitFor([&] { return CountRows(server.db(), "SELECT COUNT(*) FROM deliveries WHERE channel = 'csirt' AND attempts >= 2") == 6; }, 20));
  CHECK(CountRows(server.db(), "SELECT COUNT(*) FROM deliveries WHERE channel = 'csirt' AND state = 'pending' AND last_error LIKE 'HTTP:%'") == 6);
  setup.http.Start(port);
  REQUIRE(setup.http.port() == port);
  REQUIRE(WaitFor([&] { return CountRows(server.db(), "SELECT COUNT(*) FROM deliveries WHERE channel = 'csirt' AND state = 'sent'") == 6; }, 20));
  std::set<std::int64_t> delivered;
  for (const auto& p : setup.http.posts()) delivered.insert(nlohmann::json::parse(p.body)["case"]["id"].get<std::int64_t>());
  CHECK(delivered == std::set<std::int64_t>(cases.begin(), cases.end()));
  CHECK(CountRows(server.db(), "SELECT COUNT(*) FROM deliveries WHERE state <> 'sent'") == 0);
}

TEST_CASE("a receiver that answers 500 forever yields a dead letter after the channel's attempts, which an admin can retry", "[e2e][notify]") {
  Setup setup(3);
  setup.http.status = 500;
  Server server(setup.dir, Fast(), kSourceDir + "/webhooks", setup.sop);
  const std::string staf = server.Token("staf", {"staf"}), admin = server.Token("admin", {"admin"});
  const auto id = OpenCase(server, staf, "uji/notif");
  Act(server, staf, id, {{"action", "complete"}, {"step", "lapor"}});
  REQUIRE(WaitFor([&] { return CountRows(server.db(), "SELECT COUNT(*) FROM deliveries WHERE state = 'dead'") == 1; }, 20));
  CHECK(CountRows(server.db(), "SELECT attempts FROM deliveries WHERE state = 'dead'") == 3);
  CHECK(CountRows(server.db(), "SELECT COUNT(*) FROM audit_events WHERE event = 'notice_dead'") == 1);
  CHECK_THAT(Http("GET", server.Url("/metrics")).body, Catch::Contains("siaga_notice_deliveries{state=\"dead\"} 1"));

  auto dead = server.Get("/api/notices?state=dead", admin);
  REQUIRE(dead.status == 200);
  REQUIRE(dead.Json()["notices"].size() == 1);
  CHECK_THAT(dead.Json()["notices"][0]["last_error"].get<std::string>(), Catch::Contains("HTTP 500"));
  const std::int64_t delivery = dead.Json()["notices"][0]["id"];
  CHECK(server.Get("/api/notices?state=dead", staf).status == 403);
  RunResult cli = RunSiaga({"--db", server.db(), "notices", "list", "--state", "dead"});
  CHECK_THAT(cli.out, Catch::Contains("HTTP 500"));

  setup.http.status = 200;
  auto retried = server.Post("/api/notices/" + std::to_string(delivery) + "/retry", nlohmann::json::object(), admin);
  INFO(retried.body);
  REQUIRE(retried.status == 200);
  REQUIRE(WaitFor([&] { return setup.http.count() == 1; }, 10));
  REQUIRE(WaitFor([&] { return CountRows(server.db(), "SELECT COUNT(*) FROM deliveries WHERE channel = 'csirt' AND state = 'sent'") == 1; }, 10));
}

TEST_CASE("kill -9 during delivery loses nothing, and a message sent twice carries the same key", "[e2e][notify][crash]") {
  Setup setup;
  setup.http.delay_ms = 700;  // sends are in flight when the server dies
  Server server(setup.dir, Fast(), kSourceDir + "/webhooks", setup.sop);
  const std::string staf = server.Token("staf", {"staf"});
  for (int i = 0; i < 8; ++i) {
    const auto id = OpenCase(server, staf, "uji/notif");
    Act(server, staf, id, {{"action", "complete"}, {"step", "lapor"}});
  }
  REQUIRE(WaitFor([&] { return setup.http.count() >= 2; }, 20));
  server.Kill();
  const std::size_t before = setup.http.count();
  server.Start();
  REQUIRE(server.port() > 0);
  REQUIRE(WaitFor([&] { return CountRows(server.db(), "SELECT COUNT(*) FROM deliveries WHERE channel = 'csirt' AND state = 'sent'") == 8; }, 30));
  std::this_thread::sleep_for(std::chrono::milliseconds(800));  // a last in-flight answer lands
  std::set<std::string> stored;
  auto db = Database::Open(server.db(), Database::Mode::kReadOnly);
  REQUIRE(db.ok());
  auto q = (*db)->Prepare("SELECT idempotency_key FROM deliveries WHERE channel = 'csirt'");
  while (*q->Step()) stored.insert(q->Text(0));
  std::set<std::string> received;
  std::size_t total = 0;
  for (const auto& p : setup.http.posts()) {
    received.insert(p.key);
    ++total;
  }
  INFO("received before the kill: " << before << ", in all: " << total);
  CHECK(received == stored);  // every message arrived, and any repeat is a key already seen
  CHECK(total >= stored.size());
}

TEST_CASE("a TLP:RED case never reaches a channel cleared for AMBER", "[e2e][notify][tlp]") {
  Setup setup;
  Server server(setup.dir, Fast(), kSourceDir + "/webhooks", setup.sop);
  const std::string staf = server.Token("staf", {"staf"});
  const auto id = OpenCase(server, staf, "uji/notif", {{"tlp", "RED"}});
  Act(server, staf, id, {{"action", "complete"}, {"step", "lapor"}});
  REQUIRE(WaitFor([&] { return CountRows(server.db(), "SELECT COUNT(*) FROM deliveries WHERE channel = 'arsip' AND state = 'sent'") == 1; }, 10));
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  CHECK(setup.http.count() == 0);
  CHECK(CountRows(server.db(), "SELECT COUNT(*) FROM deliveries WHERE channel = 'csirt' AND state = 'refused' AND tlp = 'RED' AND body_text = ''") == 1);
  CHECK(CountRows(server.db(), "SELECT COUNT(*) FROM audit_events WHERE event = 'notice_refused'") == 1);
}

}  // namespace
}  // namespace siaga::test

namespace siaga::test {
namespace {

TEST_CASE("an e-mail channel with tls = required sends nothing to a server that does not offer STARTTLS", "[e2e][notify]") {
  SmtpReceiver smtp;  // offers AUTH PLAIN, no STARTTLS
  Channel ch;
  ch.name = "email";
  ch.kind = ChannelKind::kSmtp;
  ch.url = smtp.Url();
  ch.from = "siaga@test.go.id";
  ch.tlp_max = "AMBER";
  ch.timeout_seconds = 5;
  OutgoingMessage m;
  m.recipient = "kabid@test.go.id";
  m.tlp = "GREEN";
  m.subject = "S";
  m.text = "T";
  m.html = "<p>T</p>";
  m.idempotency_key = "siaga-1";
  InitSenders();
  ch.tls = "required";
  const SendOutcome refused = SendMessage(ch, m, NowSeconds());
  CHECK(refused.kind == SendOutcome::Kind::kFailed);
  CHECK_THAT(refused.error, Catch::Contains("SMTP"));
  CHECK(smtp.count() == 0);
  ch.tls = "if_offered";
  CHECK(SendMessage(ch, m, NowSeconds()).kind == SendOutcome::Kind::kSent);
  CHECK(smtp.count() == 1);
}

}  // namespace
}  // namespace siaga::test
