// Webhook ingest and access rules inside the engine: the inbox row, the cases and their evidence
// commit together; a failed draft holds the payload; roles decide who may do what.
#include <catch2/catch.hpp>

#include "procedure_fixtures.h"
#include "runner/engine.h"
#include "engine_fixture.h"

using namespace siaga;

namespace {

struct Fixture : test::EngineFixture {
  Fixture() { Load(test::Mini()); }

  std::int64_t Count(const std::string& sql) {
    auto q = db->Prepare(sql);
    REQUIRE(q.ok());
    REQUIRE(*q->Step());
    const std::int64_t n = q->Int(0);
    q->Run();
    return n;
  }
};

Command Draft(const std::string& key, const std::string& procedure = "uji/mini") {
  Command open;
  open.type = Command::Type::kOpenCase;
  open.actor.name = "webhook:zap";
  open.procedure_id = procedure;
  open.title = "XSS on " + key;
  open.dedupe_key = "zap:" + key;
  open.fields = {{"severity", "high"}};
  open.evidence_name = "payload.json";
  open.evidence_content = R"({"alert":"xss"})";
  open.media_type = "application/json";
  return open;
}

CommandResult Ingest(Engine& engine, std::vector<Command> opens, std::int64_t inbox_id = 0, std::string error = "") {
  auto request = std::make_shared<IngestRequest>();
  request->adapter = "zap";
  request->sender = "192.0.2.9";
  request->content_type = "application/json";
  request->body = R"({"site":[]})";
  request->opens = std::move(opens);
  request->inbox_id = inbox_id;
  request->error = std::move(error);
  Command c;
  c.type = Command::Type::kIngest;
  c.actor.name = "webhook:zap";
  c.ingest = request;
  return engine.Apply(c);
}

}  // namespace

TEST_CASE("an ingest stores the payload, opens a case per draft with its evidence, and deduplicates", "[ingest]") {
  Fixture f;
  CommandResult r = Ingest(f.engine, {Draft("a"), Draft("b"), Draft("a")});
  REQUIRE(r.status.ok());
  CHECK(r.detail["accepted"] == 2);
  CHECK(r.detail["duplicates"] == 1);
  CHECK(r.detail["state"] == "processed");
  CHECK(r.detail["cases"].size() == 3);
  CHECK(f.Count("SELECT COUNT(*) FROM cases") == 2);
  CHECK(f.Count("SELECT COUNT(*) FROM inbox WHERE state = 'processed'") == 1);
  CHECK(f.Count("SELECT COUNT(*) FROM evidence WHERE CAST(content AS TEXT) = '{\"alert\":\"xss\"}'") == 2);
  CHECK(f.Count("SELECT COUNT(*) FROM audit_events WHERE event = 'duplicate_received'") == 1);

  CommandResult again = Ingest(f.engine, {Draft("a")});
  CHECK(again.detail["duplicates"] == 1);
  CHECK(f.Count("SELECT COUNT(*) FROM cases") == 2);
  CHECK(f.Count("SELECT COUNT(*) FROM inbox") == 2);
}

TEST_CASE("a draft that fails holds the payload, reprocessing after the fix opens only what is missing", "[ingest]") {
  Fixture f;
  CommandResult r = Ingest(f.engine, {Draft("a"), Draft("b", "tidak/ada")});
  REQUIRE(r.status.ok());
  CHECK(r.detail["state"] == "held");
  CHECK(r.detail["accepted"] == 1);
  CHECK_THAT(r.detail["error"].get<std::string>(), Catch::Contains("tidak/ada"));
  const std::int64_t inbox = r.detail["inbox_id"];
  CHECK(f.Count("SELECT COUNT(*) FROM cases") == 1);  // the failed draft left nothing behind

  CommandResult fixed = Ingest(f.engine, {Draft("a"), Draft("b")}, inbox);
  REQUIRE(fixed.status.ok());
  CHECK(fixed.detail["state"] == "processed");
  CHECK(fixed.detail["accepted"] == 1);
  CHECK(fixed.detail["duplicates"] == 1);
  CHECK(f.Count("SELECT COUNT(*) FROM cases") == 2);
  CHECK(f.Count("SELECT attempts FROM inbox WHERE id = " + std::to_string(inbox)) == 2);
  CHECK(f.Count("SELECT COUNT(*) FROM audit_events WHERE event = 'inbox_reprocessed'") == 1);

  CommandResult twice = Ingest(f.engine, {Draft("a")}, inbox);
  CHECK(twice.status.code() == StatusCode::kConflict);
}

TEST_CASE("an adapter failure keeps the payload held with no case", "[ingest]") {
  Fixture f;
  CommandResult r = Ingest(f.engine, {}, 0, "webhooks/zap.lua: parse: attempt to index a nil value");
  REQUIRE(r.status.ok());
  CHECK(r.detail["state"] == "held");
  CHECK(f.Count("SELECT COUNT(*) FROM inbox WHERE state = 'held' AND CAST(body AS TEXT) = '{\"site\":[]}'") == 1);
  CHECK(f.Count("SELECT COUNT(*) FROM cases") == 0);
}

TEST_CASE("roles: steps to their pelaksana, comments to participants, cancel and role changes to admin", "[ingest][roles]") {
  Fixture f;
  Command open = Draft("x");
  open.evidence_content.clear();
  open.actor = Actor::Checked("sari", {"staf"});
  CommandResult opened = f.engine.Apply(open);
  REQUIRE(opened.status.ok());
  const std::int64_t id = opened.case_id;

  auto apply = [&](Command::Type type, const Actor& who, const std::string& label = "", const std::string& assignee = "") {
    Command c;
    c.type = type;
    c.case_id = id;
    c.actor = who;
    c.label = label;
    c.assignee = assignee;
    c.note = "catatan";
    c.evidence_name = "bukti.txt";
    c.evidence_content = "isi";
    return f.engine.Apply(c).status.code();
  };
  const Actor staf = Actor::Checked("sari", {"staf"});
  const Actor kabid = Actor::Checked("budi", {"kabid"});
  const Actor outsider = Actor::Checked("eko", {"analis"});
  const Actor admin = Actor::Checked("root", {"admin"});

  CHECK(apply(Command::Type::kComment, outsider) == StatusCode::kPermissionDenied);
  CHECK(apply(Command::Type::kAttach, outsider) == StatusCode::kPermissionDenied);
  CHECK(apply(Command::Type::kComment, kabid) == StatusCode::kOk);
  CHECK(apply(Command::Type::kAttach, admin) == StatusCode::kOk);
  CHECK(apply(Command::Type::kAssign, kabid, "", "sari") == StatusCode::kPermissionDenied);  // not kabid's step
  CHECK(apply(Command::Type::kAssign, staf, "", "sari") == StatusCode::kOk);                // claims its own step
  CHECK(apply(Command::Type::kAssign, staf, "kabid") == StatusCode::kPermissionDenied);      // role change: admin only
  CHECK(apply(Command::Type::kAssign, admin, "nope") == StatusCode::kInvalidArgument);
  CHECK(apply(Command::Type::kComplete, kabid) == StatusCode::kPermissionDenied);
  CHECK(apply(Command::Type::kAssign, admin, "kabid") == StatusCode::kOk);
  CHECK(apply(Command::Type::kComplete, staf) == StatusCode::kPermissionDenied);  // the step is kabid's now
  CHECK(apply(Command::Type::kComplete, kabid) == StatusCode::kOk);
  CHECK(apply(Command::Type::kCancel, kabid) == StatusCode::kPermissionDenied);
  CHECK(apply(Command::Type::kCancel, admin) == StatusCode::kOk);
}
