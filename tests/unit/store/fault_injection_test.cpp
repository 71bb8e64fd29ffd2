// The fault loop, SQLite-style: every command type runs against a store whose N-th write, truncate
// or sync fails (and every one after it, as a failing disk does), for N = 1, 2, ... until the
// command no longer reaches the fault. Each time the command must fail with a storage error,
// leave the store exactly as before (nothing half-way) and sound, and succeed once the fault is
// gone, ending in the same state as a run that never saw a fault.
#include <filesystem>

#include <catch2/catch.hpp>

#include "procedure_fixtures.h"
#include "common/sha256.h"
#include "runner/engine.h"
#include "store/fault_vfs.h"
#include "test_support.h"

namespace siaga {
namespace {

using test::FaultVfs;

const std::string kBook = R"lua(
return notifikasi {
  channels = { arsip = { kind = "file", path = "/dev/null", tlp_max = "RED", attempts = 2 } },
  recipients = { ["*"] = { { channel = "arsip" } } },
}
)lua";

struct Base {
  test::TempDir dir;
  ProcedureRegistry registry;
  std::int64_t at_terima = 0, at_periksa = 0, at_tunggu = 0, pending_delivery = 0, dead_delivery = 0, token = 0;

  Base() {
    FaultVfs::Install();
    LoadResult r = LoadProcedureSource(test::Mini(), "sop/uji/mini.lua");
    REQUIRE(r.procedure);
    registry.Add(r.procedure);
    auto book = std::make_shared<NotificationBook>();
    REQUIRE_FALSE(HasErrors(book->LoadSource(kBook, "sop/notifikasi/uji.lua")));
    registry.SetNotifications(book);
    FakeClock clock(*ParseInstant("2026-01-05T08:00", 7 * 60));
    auto db = OpenStore(dir / "base.db");
    REQUIRE(db.ok());
    Engine engine(**db, registry, clock);
    auto open = [&] {
      Command c;
      c.type = Command::Type::kOpenCase;
      c.procedure_id = "uji/mini";
      c.title = "kasus";
      auto res = engine.Apply(c);
      REQUIRE(res.status.ok());
      return res.case_id;
    };
    auto act = [&](Command::Type type, std::int64_t id, const std::string& step, const std::string& label = "") {
      Command c;
      c.type = type;
      c.case_id = id;
      c.step_id = step;
      c.label = label;
      auto res = engine.Apply(c);
      INFO(res.status.message());
      REQUIRE(res.status.ok());
    };
    at_terima = open();
    at_periksa = open();
    act(Command::Type::kComplete, at_periksa, "terima");
    at_tunggu = open();
    act(Command::Type::kComplete, at_tunggu, "terima");
    act(Command::Type::kDecide, at_tunggu, "periksa", "ok");  // notifies: one delivery pending
    const std::int64_t notified = open();
    act(Command::Type::kComplete, notified, "terima");
    act(Command::Type::kDecide, notified, "periksa", "ok");
    auto q = (*db)->Prepare("SELECT id FROM deliveries ORDER BY id");
    REQUIRE(*q->Step());
    pending_delivery = q->Int(0);
    REQUIRE(*q->Step());
    dead_delivery = q->Int(0);
    q->Run();
    for (int i = 0; i < 2; ++i) {
      Command failed;
      failed.type = Command::Type::kDeliveryOutcome;
      failed.delivery_id = dead_delivery;
      failed.label = "failed";
      failed.note = "HTTP 500";
      REQUIRE(engine.Apply(failed).status.ok());
    }
    Command issue;
    issue.type = Command::Type::kCreateToken;
    issue.token_grant = std::make_shared<const TokenGrant>(TokenGrant{"ana", {"helpdesk"}, "", {}, Sha256Hex("sg_base")});
    auto issued = engine.Apply(issue);
    REQUIRE(issued.status.ok());
    token = issued.detail["token_id"].get<std::int64_t>();
    // A second version of the procedure (at_periksa can migrate to it), and a holiday on the
    // base day that the open steps' working-time deadlines do not know yet (recompute moves them).
    std::string v2 = test::Mini();
    v2.replace(v2.find("revision = 1,"), 13, "revision = 2,");
    LoadResult second = LoadProcedureSource(v2, "sop/uji/mini.lua");
    REQUIRE(second.procedure);
    registry.Add(second.procedure);  // not yet stored: publish_procedures and migrate store it
    test::WriteFile(dir / "libur.lua", R"(return kalender { id = "nasional", tahun = 2026, libur = { { "2026-01-05", "Libur uji" } } })");
    REQUIRE_FALSE(HasErrors(registry.calendars().LoadFile(dir / "libur.lua")));
  }
};

// What the store holds, row by row, without the random keys and times.
std::string Digest(Database& db) {
  std::string out;
  for (const char* sql : {
           "SELECT group_concat(x, ';') FROM (SELECT id || status || fields AS x FROM cases ORDER BY id)",
           "SELECT group_concat(x, ';') FROM (SELECT id || step_id || state || COALESCE(assignee, '') AS x FROM step_instances ORDER BY id)",
           "SELECT group_concat(x, ';') FROM (SELECT id || label AS x FROM decisions ORDER BY id)",
           "SELECT group_concat(x, ';') FROM (SELECT id || name || sha256 AS x FROM evidence ORDER BY id)",
           "SELECT group_concat(x, ';') FROM (SELECT id || kind || state AS x FROM timers ORDER BY id)",
           "SELECT group_concat(x, ';') FROM (SELECT id || state AS x FROM outbox ORDER BY id)",
           "SELECT group_concat(x, ';') FROM (SELECT id || state || attempts AS x FROM deliveries ORDER BY id)",
           "SELECT group_concat(x, ';') FROM (SELECT seq || event AS x FROM audit_events ORDER BY seq)",
           "SELECT group_concat(x, ';') FROM (SELECT id || state AS x FROM inbox ORDER BY id)",
           "SELECT group_concat(x, ';') FROM (SELECT id || user_name || token_hash || (revoked_at IS NULL) AS x FROM api_tokens ORDER BY id)",
       }) {
    auto q = db.Prepare(sql);
    REQUIRE(q.ok());
    REQUIRE(*q->Step());
    out += q->Text(0) + "\n";
    q->Run();
  }
  return out;
}

bool Sound(Database& db) {
  auto q = db.Prepare("PRAGMA integrity_check");
  return q.ok() && *q->Step() && q->Text(0) == "ok";
}

Command Make(const std::string& name, const Base& b) {
  Command c;
  c.actor.name = "tester";
  if (name == "open") {
    c.type = Command::Type::kOpenCase;
    c.procedure_id = "uji/mini";
    c.title = "baru";
    c.evidence_name = "bukti.txt";
    c.evidence_content = std::string(20000, 'x');
  } else if (name == "complete") {
    c.type = Command::Type::kComplete;
    c.case_id = b.at_terima;
    c.step_id = "terima";
  } else if (name == "decide") {
    c.type = Command::Type::kDecide;
    c.case_id = b.at_periksa;
    c.step_id = "periksa";
    c.label = "ok";
  } else if (name == "signal") {
    c.type = Command::Type::kSignal;
    c.case_id = b.at_tunggu;
    c.label = "lanjutan";
  } else if (name == "comment") {
    c.type = Command::Type::kComment;
    c.case_id = b.at_terima;
    c.note = "catatan";
  } else if (name == "attach") {
    c.type = Command::Type::kAttach;
    c.case_id = b.at_terima;
    c.evidence_name = "log.txt";
    c.evidence_content = std::string(50000, 'y');
  } else if (name == "cancel") {
    c.type = Command::Type::kCancel;
    c.case_id = b.at_terima;
    c.note = "salah lapor";
  } else if (name == "assign") {
    c.type = Command::Type::kAssign;
    c.case_id = b.at_terima;
    c.step_id = "terima";
    c.assignee = "ana";
  } else if (name == "fire_due_timers") {
    c.type = Command::Type::kFireDueTimers;
  } else if (name == "ingest") {
    c.type = Command::Type::kIngest;
    auto req = std::make_shared<IngestRequest>();
    req->adapter = "generic";
    req->sender = "127.0.0.1";
    req->content_type = "application/json";
    req->body = "{\"x\":1}";
    Command open = Make("open", b);
    open.dedupe_key = "generic:x";
    req->opens.push_back(open);
    c.ingest = req;
  } else if (name == "delivery_outcome") {
    c.type = Command::Type::kDeliveryOutcome;
    c.delivery_id = b.pending_delivery;
    c.label = "sent";
  } else if (name == "retry_deliveries") {
    c.type = Command::Type::kRetryDeliveries;
  } else if (name == "publish_procedures") {
    c.type = Command::Type::kPublishProcedures;
  } else if (name == "migrate") {
    c.type = Command::Type::kMigrate;
    c.case_id = b.at_periksa;
    c.actor = Actor::Checked("root", {"admin"});
  } else if (name == "recompute_deadlines") {
    c.type = Command::Type::kRecomputeDeadlines;
  } else if (name == "create_token") {
    c.type = Command::Type::kCreateToken;
    c.token_grant = std::make_shared<const TokenGrant>(TokenGrant{"budi", {"admin"}, "uji", {}, Sha256Hex("sg_fault")});
  } else if (name == "revoke_token") {
    c.type = Command::Type::kRevokeToken;
    c.token_id = b.token;
  }
  return c;
}

TEST_CASE("an I/O error at any write or sync of any command leaves the store as it was, and the command succeeds once the fault clears", "[store][faults]") {
  Base base;
  const std::vector<std::string> commands = {"open",    "complete", "decide",           "signal",           "comment",
                                             "attach",  "cancel",   "assign",           "fire_due_timers",  "ingest",
                                             "delivery_outcome", "retry_deliveries", "publish_procedures",
                                             "migrate",  "recompute_deadlines", "create_token", "revoke_token"};
  int injected = 0;
  std::string per_command;
  for (const std::string& name : commands) {
    const int injected_before = injected;
    INFO("command " << name);
    // Two days later: the timers of the base cases are due (fire_due_timers has work to do).
    FakeClock clock(*ParseInstant("2026-01-07T08:00", 7 * 60));
    std::string clean;
    {
      const std::string path = base.dir / ("clean-" + name + ".db");
      std::filesystem::copy_file(base.dir / "base.db", path);
      auto db = OpenStore(path);
      REQUIRE(db.ok());
      Engine engine(**db, base.registry, clock);
      auto r = engine.Apply(Make(name, base));
      INFO(r.status.message());
      REQUIRE(r.status.ok());
      clean = Digest(**db);
    }
    bool reached_end = false;
    for (int n = 1; n < 400 && !reached_end; ++n) {
      INFO("fault at operation " << n);
      const std::string path = base.dir / ("work-" + name + "-" + std::to_string(n) + ".db");
      std::filesystem::copy_file(base.dir / "base.db", path);
      auto db = OpenStore(path);
      REQUIRE(db.ok());
      const std::string before = Digest(**db);
      Engine engine(**db, base.registry, clock);
      FaultVfs::Arm(n, /*persistent=*/true, n % 2 == 0 ? SQLITE_FULL : SQLITE_IOERR);
      CommandResult r = engine.Apply(Make(name, base));
      const bool tripped = FaultVfs::tripped();
      FaultVfs::Disarm();
      if (!tripped) {
        REQUIRE(r.status.ok());
        CHECK(Digest(**db) == clean);
        reached_end = true;
        continue;
      }
      ++injected;
      CHECK_FALSE(r.status.ok());
      CHECK(r.status.code() == StatusCode::kStorageError);
      CHECK(Digest(**db) == before);
      CHECK(Sound(**db));
      CommandResult again = engine.Apply(Make(name, base));
      INFO(again.status.message());
      CHECK(again.status.ok());
      CHECK(Digest(**db) == clean);
      db->reset();
      // And the file itself, opened afresh (WAL replayed), holds the same.
      auto reopened = Database::Open(path, Database::Mode::kReadOnly);
      REQUIRE(reopened.ok());
      CHECK(Digest(**reopened) == clean);
    }
    CHECK(reached_end);
    CHECK(injected > injected_before);  // every command writes, so every one met a fault
    per_command += " " + name + "=" + std::to_string(injected - injected_before);
  }
  WARN(injected << " faults injected over " << commands.size() << " command types:" << per_command);
}

TEST_CASE("a fault inside a batch: each command's answer matches what the store keeps", "[store][faults]") {
  Base base;
  FakeClock clock(*ParseInstant("2026-01-07T08:00", 7 * 60));
  int injected = 0;
  bool reached_end = false;
  for (int n = 1; n < 200 && !reached_end; ++n) {
    INFO("fault at operation " << n);
    const std::string path = base.dir / ("batch-" + std::to_string(n) + ".db");
    std::filesystem::copy_file(base.dir / "base.db", path);
    auto db = OpenStore(path);
    REQUIRE(db.ok());
    Engine engine(**db, base.registry, clock);
    std::vector<Command> batch;
    for (const char* note : {"satu", "dua", "tiga"}) {
      Command c = Make("comment", base);
      c.note = note;
      batch.push_back(c);
    }
    batch.insert(batch.begin() + 1, Make("attach", base));  // the big write, most likely to meet the fault
    FaultVfs::Arm(n, /*persistent=*/false, n % 2 == 0 ? SQLITE_FULL : SQLITE_IOERR);
    auto results = engine.ApplyBatch(batch);
    const bool tripped = FaultVfs::tripped();
    FaultVfs::Disarm();
    if (tripped) ++injected;
    reached_end = !tripped;
    int i = 0;
    for (const char* note : {"satu", "dua", "tiga"}) {
      const auto& r = results[static_cast<std::size_t>(i == 0 ? 0 : i + 1)];
      auto q = (*db)->Prepare("SELECT COUNT(*) FROM audit_events WHERE event = 'comment' AND json_extract(detail, '$.text') = ?");
      REQUIRE(q.ok());
      q->Bind(1, std::string(note));
      REQUIRE(*q->Step());
      INFO(note << ": " << r.status.message());
      CHECK(q->Int(0) == (r.status.ok() ? 1 : 0));
      q->Run();
      ++i;
    }
    CHECK(Sound(**db));
  }
  CHECK(reached_end);
  WARN(injected << " faults injected into a batch of four commands");
}

}  // namespace
}  // namespace siaga
