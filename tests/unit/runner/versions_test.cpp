// Versions: cases stay on the version they started on, new cases take the version in force
// (berlaku_mulai), and `migrate` moves a running case on purpose, mapping steps that changed.
#include <catch2/catch.hpp>

#include "procedure_fixtures.h"
#include "runner/engine.h"
#include "runner/queries.h"
#include "engine_fixture.h"

using namespace siaga;

namespace {

struct Fixture : test::EngineFixture {
  std::shared_ptr<CompiledProcedure> Publish(const std::string& source) {
    auto procedure = Load(source);
    Command publish;
    publish.type = Command::Type::kPublishProcedures;
    REQUIRE(engine.Apply(publish).status.ok());
    return procedure;
  }
  CommandResult Apply(const Command& c) { return engine.Apply(c); }  // an unchecked (CLI) actor
  std::int64_t Open() {
    Command c;
    c.type = Command::Type::kOpenCase;
    c.procedure_id = "uji/mini";
    c.title = "uji";
    auto r = Apply(c);
    REQUIRE(r.status.ok());
    return r.case_id;
  }
  std::string HashOf(std::int64_t id) {
    auto shown = ShowCase(*db, id, clock.Now());
    REQUIRE(shown.ok());
    return (*shown)["case"]["version"]["hash"];
  }
  std::vector<std::string> OpenSteps(std::int64_t id) {
    auto shown = ShowCase(*db, id, clock.Now());
    std::vector<std::string> open;
    for (const auto& s : (*shown)["steps"])
      if (s["state"] == "ready") open.push_back(s["step"]);
    return open;
  }
};

// Version 2 renames "periksa" to "tinjau" and marks migrated cases (fungsi.migrasi).
std::string Renamed() {
  std::string s = test::Mini();
  for (std::string::size_type at; (at = s.find("periksa")) != std::string::npos;) s.replace(at, 7, "tinjau");
  s.replace(s.find("  langkah = {"), 13, "  fungsi = { migrasi = function(ctx) ctx:set(\"dipindah\", true) end },\n  langkah = {");
  return s;
}

std::string WithEffectiveDate(const std::string& date) {
  std::string s = test::Mini();
  s.replace(s.find("revision = 1,"), 13, "revision = 2, berlaku_mulai = \"" + date + "\",");
  return s;
}

}  // namespace

TEST_CASE("a version whose berlaku_mulai has not come leaves the previous one serving", "[versions]") {
  Fixture f;
  auto v1 = f.Publish(test::Mini());
  auto v2 = f.Publish(WithEffectiveDate("2026-02-01"));
  CHECK(v2->def().effective_from == *ParseInstant("2026-02-01T00:00", 7 * 60));
  CHECK(f.HashOf(f.Open()) == v1->def().hash);
  f.clock.Set(*ParseInstant("2026-02-01T00:00", 7 * 60));
  CHECK(f.HashOf(f.Open()) == v2->def().hash);
}

TEST_CASE("a version in the future with nothing before it refuses new cases, naming the date", "[versions]") {
  Fixture f;
  f.Publish(WithEffectiveDate("2026-03-01"));
  Command c;
  c.type = Command::Type::kOpenCase;
  c.procedure_id = "uji/mini";
  auto r = f.Apply(c);
  CHECK(r.status.code() == StatusCode::kConflict);
  CHECK_THAT(r.status.message(), Catch::Contains("berlaku_mulai"));
}

TEST_CASE("migrate: a dry run changes nothing, applied, it moves the case and maps a renamed step", "[versions]") {
  Fixture f;
  auto v1 = f.Publish(test::Mini());
  const std::int64_t id = f.Open();
  Command complete;
  complete.type = Command::Type::kComplete;
  complete.case_id = id;
  complete.step_id = "terima";
  REQUIRE(f.Apply(complete).status.ok());
  REQUIRE(f.OpenSteps(id) == std::vector<std::string>{"periksa"});
  auto v2 = f.Publish(Renamed());

  Command migrate;
  migrate.type = Command::Type::kMigrate;
  migrate.case_id = id;
  migrate.actor = Actor::Checked("root", {"admin"});
  auto unmapped = f.engine.DryRun({migrate});
  CHECK(unmapped[0].status.code() == StatusCode::kInvalidArgument);
  CHECK(unmapped[0].status.field() == "map.periksa");

  migrate.fields = {{"periksa", "tinjau"}};
  auto dry = f.engine.DryRun({migrate});
  REQUIRE(dry[0].status.ok());
  CHECK(dry[0].detail["moved"]["periksa"] == "tinjau");
  CHECK(f.HashOf(id) == v1->def().hash);  // nothing changed
  CHECK(f.OpenSteps(id) == std::vector<std::string>{"periksa"});

  migrate.actor = Actor::Checked("sari", {"staf"});
  CHECK(f.engine.Apply(migrate).status.code() == StatusCode::kPermissionDenied);
  migrate.actor = Actor::Checked("root", {"admin"});
  auto applied = f.engine.Apply(migrate);
  REQUIRE(applied.status.ok());
  CHECK(f.HashOf(id) == v2->def().hash);
  CHECK(f.OpenSteps(id) == std::vector<std::string>{"tinjau"});
  auto shown = ShowCase(*f.db, id, f.clock.Now());
  CHECK((*shown)["case"]["fields"]["dipindah"] == true);  // the new version's migration function ran
  bool audited = false;
  for (const auto& e : (*shown)["history"]) audited |= e["event"] == "case_migrated";
  CHECK(audited);
  CHECK(f.engine.Apply(migrate).status.code() == StatusCode::kConflict);  // already there

  // The case goes on on its new version.
  Command decide;
  decide.type = Command::Type::kDecide;
  decide.case_id = id;
  decide.step_id = "tinjau";
  decide.label = "ok";
  CHECK(f.Apply(decide).status.ok());
}
