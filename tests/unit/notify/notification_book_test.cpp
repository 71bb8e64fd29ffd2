#include <openssl/evp.h>

#include <catch2/catch.hpp>

#include "engine_fixture.h"
#include "notify/notification_book.h"
#include "notify/retry.h"
#include "notify/senders.h"

namespace siaga {
namespace {

using test::TempDir;
using test::WriteFile;

const std::string kBook = R"lua(
return notifikasi {
  language = "id",
  link = "https://siaga.test/#/cases/{case}",
  channels = {
    arsip = { kind = "file", path = "/tmp/x.jsonl", tlp_max = "RED" },
    email = { kind = "smtp", url = "smtp://127.0.0.1:2525", from = "Siaga <siaga@test.go.id>", tlp_max = "AMBER", attempts = 3 },
    hijau = { kind = "smtp", url = "smtp://127.0.0.1:2525", from = "siaga@test.go.id", tlp_max = "GREEN" },
    csirt = { kind = "http", url = "http://127.0.0.1:9/hook", secret = "CSIRT", tlp_max = "AMBER", language = "en" },
  },
  recipients = {
    ["*"] = { { channel = "arsip" } },
    pelapor = { { channel = "email", field = "email_pelapor" } },
    kabid = { { channel = "email", address = { "kabid@test.go.id", "wakil@test.go.id" } },
              { channel = "email", address = "rahasia@test.go.id", tlp_max = "GREEN" } },
    eksternal = { { channel = "csirt" } },
  },
  by_procedure = { ["uji/khusus"] = { kabid = { { channel = "hijau", address = "khusus@test.go.id" } } } },
  templates = {
    id = {
      default = function(m) return { subject = "Kasus " .. m.case.number, text = "Halo " .. m.notice.to_label } end,
      rusak = function(m) error("templat rusak") end,
      macet = function(m) while true do end end,
      html = function(m) return { subject = "S", text = "T", html = "<p>" .. h(m.case.title) .. "</p>" } end,
    },
    en = { default = function(m) return { subject = "Case " .. m.case.number, text = "Hello" } end },
  },
}
)lua";

NotificationBook LoadBook(const std::string& source = kBook) {
  NotificationBook book;
  auto d = book.LoadSource(source, "sop/notifikasi/uji.lua");
  std::string all;
  for (const auto& x : d) all += x.ToString() + "\n";
  INFO(all);
  REQUIRE_FALSE(HasErrors(d));
  return book;
}

NoticeFacts Notice(const std::string& role, const std::string& tlp, const std::string& procedure = "uji/mini") {
  NoticeFacts n;
  n.procedure_id = procedure;
  n.agency = "uji";
  n.role = role;
  n.template_name = "default";
  n.tlp = tlp;
  n.facts = {{"case", {{"id", 7}, {"number", "UJI-7"}, {"title", "<b>Web</b> diretas"}}},
             {"notice", {{"to", role}, {"to_label", "Kepala Bidang"}, {"tlp", tlp}, {"template", "default"}}}};
  return n;
}

std::string FirstError(const std::vector<Diagnostic>& d) {
  for (const auto& x : d)
    if (x.severity == Diagnostic::Severity::kError) return x.field + ": " + x.message;
  return "";
}

std::string Decode64(const std::string& b64) {
  std::string clean;
  for (char c : b64)
    if (c != '\r' && c != '\n') clean += c;
  std::string out(clean.size(), '\0');
  const int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()), reinterpret_cast<const unsigned char*>(clean.data()),
                                static_cast<int>(clean.size()));
  out.resize(static_cast<std::size_t>(n));
  while (!out.empty() && out.back() == '\0') out.pop_back();  // padding
  return out;
}

TEST_CASE("a notice to a role reaches its recipients and the copy-to-all archive", "[notify]") {
  NotificationBook book = LoadBook();
  auto planned = book.Plan(Notice("kabid", "GREEN"));
  REQUIRE(planned.size() == 4);
  CHECK(planned[0].channel == "email");
  CHECK(planned[0].recipient == "kabid@test.go.id");
  CHECK(planned[1].recipient == "wakil@test.go.id");
  CHECK(planned[2].recipient == "rahasia@test.go.id");
  CHECK(planned[3].channel == "arsip");
  for (const auto& d : planned) {
    CHECK(d.state == "pending");
    CHECK(d.message.subject == "Kasus UJI-7");
  }
  CHECK(planned[0].max_attempts == 3);
}

TEST_CASE("the most specific recipient list wins: procedure, then agency, then the general one", "[notify]") {
  NotificationBook book = LoadBook();
  auto planned = book.Plan(Notice("kabid", "GREEN", "uji/khusus"));
  REQUIRE(planned.size() == 2);
  CHECK(planned[0].channel == "hijau");
  CHECK(planned[0].recipient == "khusus@test.go.id");
  CHECK(planned[1].channel == "arsip");
}

TEST_CASE("a message above a channel's or recipient's TLP clearance is refused and keeps no content", "[notify][tlp]") {
  NotificationBook book = LoadBook();
  auto planned = book.Plan(Notice("kabid", "AMBER"));
  REQUIRE(planned.size() == 4);
  CHECK(planned[0].state == "pending");
  CHECK(planned[2].recipient == "rahasia@test.go.id");
  CHECK(planned[2].state == "refused");  // the recipient is cleared for GREEN only
  CHECK(planned[2].message.text.empty());
  CHECK_THAT(planned[2].error, Catch::Contains("TLP:AMBER") && Catch::Contains("TLP:GREEN"));

  auto red = book.Plan(Notice("kabid", "RED"));
  REQUIRE(red.size() == 4);
  for (int i = 0; i < 3; ++i) CHECK(red[static_cast<std::size_t>(i)].state == "refused");
  CHECK(red[3].channel == "arsip");  // cleared for RED
  CHECK(red[3].state == "pending");
}

TEST_CASE("an address from a case field, and a dead delivery naming the field when it holds none", "[notify]") {
  NotificationBook book = LoadBook();
  NoticeFacts n = Notice("pelapor", "GREEN");
  n.case_fields = {{"email_pelapor", "warga@contoh.id"}};
  auto planned = book.Plan(n);
  REQUIRE(planned.size() == 2);
  CHECK(planned[0].recipient == "warga@contoh.id");
  CHECK(planned[0].state == "pending");

  n.case_fields = {{"email_pelapor", "bukan alamat\r\nBcc: x@y"}};
  planned = book.Plan(n);
  REQUIRE(planned.size() == 2);
  CHECK(planned[0].state == "dead");
  CHECK_THAT(planned[0].error, Catch::Contains("email_pelapor"));
}

TEST_CASE("a role nobody receives plans nothing but the archive copy", "[notify]") {
  NotificationBook book = LoadBook();
  auto planned = book.Plan(Notice("staf", "GREEN"));
  REQUIRE(planned.size() == 1);
  CHECK(planned[0].channel == "arsip");
}

TEST_CASE("templates fall back to the default, then to a built-in text, and say why", "[notify]") {
  NotificationBook book = LoadBook();
  const nlohmann::json facts = Notice("kabid", "GREEN").facts;
  RenderedMessage broken = book.Render("rusak", "id", facts);
  CHECK(broken.template_used == "id/default");
  REQUIRE(broken.errors.size() == 1);
  CHECK_THAT(broken.errors[0], Catch::Contains("templat rusak"));

  RenderedMessage stuck = book.Render("macet", "id", facts);
  CHECK(stuck.template_used == "id/default");
  REQUIRE(stuck.errors.size() == 1);

  RenderedMessage english = book.Render("anything", "en", facts);
  CHECK(english.template_used == "en/default");
  CHECK(english.subject == "Case UJI-7");

  RenderedMessage escaped = book.Render("html", "id", facts);
  CHECK(escaped.html == "<p>&lt;b&gt;Web&lt;/b&gt; diretas</p>");

  NotificationBook bare = LoadBook(R"lua(return notifikasi { channels = { a = { kind = "file", path = "x", tlp_max = "RED" } } })lua");
  RenderedMessage built_in = bare.Render("apa_saja", "id", facts);
  CHECK(built_in.template_used == "built-in");
  CHECK_THAT(built_in.text, Catch::Contains("UJI-7"));
  CHECK_THAT(built_in.html, Catch::Contains("&lt;b&gt;Web"));
  REQUIRE_FALSE(built_in.errors.empty());
}

TEST_CASE("notification files are checked key by key", "[notify]") {
  struct Case {
    std::string source, expected;
  };
  const std::vector<Case> cases = {
      {R"(return { })", "must return notifikasi"},
      {R"(return notifikasi { kanal = {} })", "kanal: unknown key"},
      {R"(return notifikasi { channels = { a = { kind = "fax", tlp_max = "RED" } } })", "channels.a.kind"},
      {R"(return notifikasi { channels = { a = { kind = "file", path = "x" } } })", "channels.a.tlp_max: required"},
      {R"(return notifikasi { channels = { a = { kind = "file", path = "x", tlp_max = "PINK" } } })", "channels.a.tlp_max"},
      {R"(return notifikasi { channels = { a = { kind = "http", url = "ftp://x", secret = "S", tlp_max = "RED" } } })", "channels.a.url"},
      {R"(return notifikasi { channels = { a = { kind = "http", url = "http://x", tlp_max = "RED" } } })", "channels.a.secret: required"},
      {R"(return notifikasi { channels = { a = { kind = "smtp", url = "smtp://x", tlp_max = "RED" } } })", "channels.a.from: required"},
      {R"(return notifikasi { channels = { a = { kind = "smtp", url = "smtp://x", from = "a@b", tlp_max = "RED", tls = "maybe" } } })", "channels.a.tls"},
      {R"(return notifikasi { channels = { a = { kind = "file", path = "x", tlp_max = "RED", attempts = 0 } } })", "channels.a.attempts"},
      {R"(return notifikasi { channels = { a = { kind = "file", path = "x", tlp_max = "RED", secret = "lower" } } })", "channels.a.secret"},
      {R"(return notifikasi { recipients = { x = { { channel = "a", address = "no-at-sign" } } } })", "recipients.x[1].address"},
      {R"(return notifikasi { templates = { fr = {} } })", "templates.fr"},
      {R"(return notifikasi { templates = { id = { a = "text" } } })", "templates.id.a"},
      {R"(while true do end)", "instruction"},
  };
  for (const Case& c : cases) {
    NotificationBook book;
    auto d = book.LoadSource(c.source, "sop/notifikasi/x.lua");
    INFO(c.source);
    CHECK_THAT(FirstError(d), Catch::Contains(c.expected));
  }
  // A recipient naming a channel no file defines.
  TempDir dir;
  WriteFile(dir / "notifikasi/a.lua", R"(return notifikasi { recipients = { x = { { channel = "hilang" } } } })");
  auto d = NotificationBook().LoadFiles({dir / "notifikasi/a.lua"});
  CHECK_THAT(FirstError(d), Catch::Contains("recipients.x.channel") && Catch::Contains("hilang"));
}

TEST_CASE("retry delays grow exponentially with jitter and stop at the cap", "[notify]") {
  for (int i = 0; i < 200; ++i) {
    CHECK(RetryDelaySeconds(30, 3600, 1) >= 15);
    CHECK(RetryDelaySeconds(30, 3600, 1) <= 30);
    const auto third = RetryDelaySeconds(30, 3600, 3);
    CHECK(third >= 60);
    CHECK(third <= 120);
    const auto late = RetryDelaySeconds(30, 3600, 40);
    CHECK(late >= 1800);
    CHECK(late <= 3600);
    CHECK(RetryDelaySeconds(1, 1, 5) == 1);
  }
}

TEST_CASE("e-mail is MIME with both parts in base64, the key as Message-ID, and no header injection", "[notify]") {
  Channel ch;
  ch.name = "email";
  ch.kind = ChannelKind::kSmtp;
  ch.from = "Siaga <siaga@test.go.id>";
  OutgoingMessage m;
  m.recipient = "kabid@test.go.id";
  m.tlp = "AMBER";
  m.subject = "Insiden pada situs dinas – segera";  // an en dash: not ASCII
  m.text = "Baris satu\nBaris dua";
  m.html = "<p>Baris</p>";
  m.idempotency_key = "siaga-abc";
  const std::string mail = BuildEmail(ch, m, 1767574800);
  CHECK_THAT(mail, Catch::StartsWith("From: Siaga <siaga@test.go.id>\r\nTo: <kabid@test.go.id>\r\nSubject: =?UTF-8?B?"));
  CHECK_THAT(mail, Catch::Contains("Message-ID: <siaga-abc@siaga>\r\n"));
  CHECK_THAT(mail, Catch::Contains("X-Siaga-Idempotency-Key: siaga-abc\r\n"));
  CHECK_THAT(mail, Catch::Contains("Date: Mon, 05 Jan 2026 01:00:00 +0000\r\n"));
  std::string subject;  // encoded words of at most 75 characters, on folded lines
  for (auto at = mail.find("=?UTF-8?B?"); at != std::string::npos && at < mail.find("\r\nDate:"); at = mail.find("=?UTF-8?B?", at + 1)) {
    const auto end = mail.find("?=", at + 10);
    CHECK(end + 2 - at <= 75);
    subject += Decode64(mail.substr(at + 10, end - at - 10));
  }
  CHECK(subject == "[TLP:AMBER] Insiden pada situs dinas – segera");
  const auto text_at = mail.find("text/plain; charset=UTF-8\r\nContent-Transfer-Encoding: base64\r\n\r\n");
  REQUIRE(text_at != std::string::npos);
  const auto body_at = mail.find("\r\n\r\n", text_at) + 4;
  CHECK(Decode64(mail.substr(body_at, mail.find("--=_siaga-abc", body_at) - body_at)) == m.text);
  CHECK_THAT(mail, Catch::EndsWith("--=_siaga-abc--\r\n"));
  CHECK(BareAddress("Siaga <siaga@test.go.id>") == "siaga@test.go.id");

  // Subjects are one line whatever a template returns.
  NotificationBook book = LoadBook(R"lua(return notifikasi { channels = { a = { kind = "file", path = "x", tlp_max = "RED" } },
    templates = { id = { default = function(m) return { subject = "A\r\nBcc: korban@x", text = "t" } end } } })lua");
  CHECK(book.Render("x", "id", Notice("kabid", "GREEN").facts).subject == "A  Bcc: korban@x");
}

TEST_CASE("the file channel appends one synced JSON line per message", "[notify]") {
  TempDir dir;
  Channel ch;
  ch.name = "arsip";
  ch.kind = ChannelKind::kFile;
  ch.path = dir / "notices.jsonl";
  ch.tlp_max = "RED";
  OutgoingMessage m;
  m.tlp = "RED";
  m.subject = "S";
  m.text = "T";
  m.idempotency_key = "siaga-1";
  REQUIRE(SendMessage(ch, m, 1767574800).kind == SendOutcome::Kind::kSent);
  m.idempotency_key = "siaga-2";
  REQUIRE(SendMessage(ch, m, 1767574800).kind == SendOutcome::Kind::kSent);
  std::ifstream in(ch.path);
  std::string line;
  std::vector<std::string> keys;
  while (std::getline(in, line)) keys.push_back(nlohmann::json::parse(line)["idempotency_key"]);
  CHECK(keys == std::vector<std::string>{"siaga-1", "siaga-2"});

  ch.tlp_max = "AMBER";  // lowered since the message was queued: refused at sending too
  CHECK(SendMessage(ch, m, 1767574800).kind == SendOutcome::Kind::kRefused);
}

}  // namespace
}  // namespace siaga

// Found by fuzz_notification_book (tests/fuzz/regressions/notification_book/): an empty file made
// LoadSource index nil outside any protected call, and the process aborted ("unprotected Lua
// error"); a metamethod on the returned table could do the same.
TEST_CASE("whatever a notification file returns is a diagnostic, never an abort", "[notify][fuzz]") {
  for (const char* source : {"", "return nil", "return 7", "return setmetatable({}, {__index = function() error('x') end})",
                             "local t = notifikasi { language = 'id' }\n"
                             "return setmetatable(t, {__index = function() while true do end end})"}) {
    INFO(source);
    siaga::NotificationBook book;
    auto d = book.LoadSource(source, "sop/notifikasi/x.lua");
    if (std::string(source).find("notifikasi {") == std::string::npos) {
      REQUIRE(d.size() == 1);
      CHECK_THAT(d[0].message, Catch::Contains("must return notifikasi"));
    } else {
      CHECK(d.empty());  // read raw: the metatable is never consulted
    }
    CHECK_FALSE(book.configured());
  }
}
