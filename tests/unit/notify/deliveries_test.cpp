// The engine's side of notices: the outbox row and its deliveries written in the command's
// transaction, attempts recorded with backoff, dead letters, and an operator's retry.
#include <catch2/catch.hpp>

#include "engine_fixture.h"
#include "procedure_fixtures.h"

namespace siaga {
namespace {

const std::string kBook = R"lua(
return notifikasi {
  link = "https://siaga.test/cases/{case}",
  channels = {
    arsip = { kind = "file", path = "/dev/null", tlp_max = "RED" },
    email = { kind = "smtp", url = "smtp://127.0.0.1:2525", from = "siaga@test.go.id", tlp_max = "AMBER",
              attempts = 3, retry_first = 10, retry_max = 15 },
  },
  recipients = {
    ["*"] = { { channel = "arsip" } },
    pelapor = { { channel = "email", field = "email_pelapor" } },
  },
  templates = { id = { selesai = function(m)
    return { subject = "Selesai " .. m.case.number, text = m.notice.to_label .. " / " .. (m.step and m.step.id or "-") .. " / " .. m.case.link }
  end } },
}
)lua";

struct Fixture : test::EngineFixture {
  Fixture() {
    Load(test::Mini());
    auto book = std::make_shared<NotificationBook>();
    auto d = book->LoadSource(kBook, "sop/notifikasi/uji.lua");
    REQUIRE_FALSE(HasErrors(d));
    registry.SetNotifications(book);
  }
  CommandResult Apply(Command c) {
    if (c.actor.name == "system") c.actor.name = "tester";
    return engine.Apply(c);
  }
  // Opens a case and walks it to the automatic step that notifies the reporter.
  std::int64_t OpenAndNotify(nlohmann::json fields) {
    Command open;
    open.type = Command::Type::kOpenCase;
    open.procedure_id = "uji/mini";
    open.title = "Laporan uji";
    open.fields = std::move(fields);
    auto r = Apply(open);
    REQUIRE(r.status.ok());
    Command done;
    done.type = Command::Type::kComplete;
    done.case_id = r.case_id;
    done.step_id = "terima";
    REQUIRE(Apply(done).status.ok());
    Command decide;
    decide.type = Command::Type::kDecide;
    decide.case_id = r.case_id;
    decide.step_id = "periksa";
    decide.label = "ok";
    auto d = Apply(decide);
    INFO(d.status.message());
    REQUIRE(d.status.ok());
    return r.case_id;
  }
  std::vector<nlohmann::json> Deliveries() {
    std::vector<nlohmann::json> out;
    auto q = db->Prepare("SELECT id, channel, recipient, state, attempts, next_attempt_at, last_error, subject, body_text, tlp, idempotency_key FROM deliveries ORDER BY id");
    REQUIRE(q.ok());
    while (*q->Step())
      out.push_back({{"id", q->Int(0)}, {"channel", q->Text(1)}, {"recipient", q->Text(2)}, {"state", q->Text(3)}, {"attempts", q->Int(4)},
                     {"next", q->Int(5)}, {"error", q->Text(6)}, {"subject", q->Text(7)}, {"text", q->Text(8)}, {"tlp", q->Text(9)},
                     {"key", q->Text(10)}});
    return out;
  }
  CommandResult Outcome(std::int64_t id, const std::string& label, const std::string& error = "") {
    Command c;
    c.type = Command::Type::kDeliveryOutcome;
    c.delivery_id = id;
    c.label = label;
    c.note = error;
    c.retry_first_seconds = 10;
    c.retry_max_seconds = 15;
    return Apply(c);
  }
  std::int64_t Count(const std::string& sql) {
    auto q = db->Prepare(sql);
    REQUIRE(q.ok());
    REQUIRE(*q->Step());
    const auto n = q->Int(0);
    q->Run();
    return n;
  }
};

TEST_CASE("a declared notice becomes rendered deliveries in the same transaction as the step", "[notify]") {
  Fixture f;
  const auto id = f.OpenAndNotify({{"email_pelapor", "warga@contoh.id"}});
  CHECK(f.Count("SELECT COUNT(*) FROM outbox WHERE state = 'queued' AND tlp = 'GREEN' AND template = 'selesai'") == 1);
  auto d = f.Deliveries();
  REQUIRE(d.size() == 2);
  CHECK(d[0]["channel"] == "email");
  CHECK(d[0]["recipient"] == "warga@contoh.id");
  CHECK(d[0]["state"] == "pending");
  CHECK(d[0]["subject"] == "Selesai UJI-2026-000001");
  CHECK(d[0]["text"] == "Pelapor / beritahu / https://siaga.test/cases/" + std::to_string(id));
  CHECK(d[1]["channel"] == "arsip");
  CHECK(d[0]["key"] != d[1]["key"]);
  CHECK(f.Count("SELECT COUNT(*) FROM audit_events WHERE event = 'notice_queued'") == 1);
}

TEST_CASE("a failed attempt is retried with backoff, the last one becomes a dead letter, and an operator can retry it", "[notify]") {
  Fixture f;
  f.OpenAndNotify({{"email_pelapor", "warga@contoh.id"}});
  const std::int64_t email = f.Deliveries()[0]["id"];
  const auto now = f.clock.Now();
  REQUIRE(f.Outcome(email, "failed", "SMTP: connection refused").status.ok());
  auto d = f.Deliveries()[0];
  CHECK(d["state"] == "pending");
  CHECK(d["attempts"] == 1);
  CHECK(d["next"].get<std::int64_t>() >= now + 5);
  CHECK(d["next"].get<std::int64_t>() <= now + 10);
  CHECK(d["error"] == "SMTP: connection refused");
  REQUIRE(f.Outcome(email, "failed", "SMTP: connection refused").status.ok());
  REQUIRE(f.Outcome(email, "failed", "HTTP 500").status.ok());
  d = f.Deliveries()[0];
  CHECK(d["state"] == "dead");
  CHECK(d["attempts"] == 3);
  CHECK(f.Count("SELECT COUNT(*) FROM audit_events WHERE event = 'notice_dead'") == 1);

  // A late report about a delivery no longer pending changes nothing.
  REQUIRE(f.Outcome(email, "sent").status.ok());
  CHECK(f.Deliveries()[0]["state"] == "dead");

  Command retry;
  retry.type = Command::Type::kRetryDeliveries;
  retry.actor = Actor::Checked("ana", {"staf"});
  CHECK(f.Apply(retry).status.code() == StatusCode::kPermissionDenied);
  retry.actor = Actor::Checked("adi", {"admin"});
  auto r = f.Apply(retry);
  REQUIRE(r.status.ok());
  CHECK(r.detail["retried"] == 1);
  d = f.Deliveries()[0];
  CHECK(d["state"] == "pending");
  CHECK(d["attempts"] == 0);
  REQUIRE(f.Outcome(email, "sent").status.ok());
  CHECK(f.Deliveries()[0]["state"] == "sent");
  CHECK(f.Count("SELECT COUNT(*) FROM audit_events WHERE event = 'notice_sent'") == 1);
  CHECK(f.Count("SELECT COUNT(*) FROM audit_events WHERE event = 'notice_retried'") == 1);

  retry.delivery_id = email;
  CHECK(f.Apply(retry).status.code() == StatusCode::kConflict);  // sent, not dead
}

TEST_CASE("the case's TLP:RED outranks the notice's GREEN: the e-mail channel cleared for AMBER is refused", "[notify][tlp]") {
  Fixture f;
  f.OpenAndNotify({{"email_pelapor", "warga@contoh.id"}, {"tlp", "RED"}});
  auto d = f.Deliveries();
  REQUIRE(d.size() == 2);
  CHECK(d[0]["tlp"] == "RED");
  CHECK(d[0]["state"] == "refused");
  CHECK(d[0]["text"] == "");
  CHECK(d[1]["state"] == "pending");  // the archive is cleared for RED
  CHECK(f.Count("SELECT COUNT(*) FROM audit_events WHERE event = 'notice_refused'") == 1);
}

TEST_CASE("a notice nobody is set up to receive is recorded as unrouted, not dropped", "[notify]") {
  test::EngineFixture f;
  f.Load(test::Mini());  // no notification files at all
  Command open;
  open.type = Command::Type::kOpenCase;
  open.procedure_id = "uji/mini";
  open.title = "x";
  auto r = f.engine.Apply(open);
  REQUIRE(r.status.ok());
  Command done;
  done.type = Command::Type::kComplete;
  done.case_id = r.case_id;
  done.step_id = "terima";
  REQUIRE(f.engine.Apply(done).status.ok());
  Command decide = done;
  decide.type = Command::Type::kDecide;
  decide.step_id = "periksa";
  decide.label = "ok";
  REQUIRE(f.engine.Apply(decide).status.ok());
  auto q = f.db->Prepare("SELECT state FROM outbox");
  REQUIRE(*q->Step());
  CHECK(q->Text(0) == "unrouted");
  auto e = f.db->Prepare("SELECT COUNT(*) FROM audit_events WHERE event = 'notice_unrouted'");
  REQUIRE(*e->Step());
  CHECK(e->Int(0) == 1);
}

}  // namespace
}  // namespace siaga
