#include <catch2/catch.hpp>

#include "runner/engine.h"
#include "store/schema.h"
#include "test_support.h"

using namespace siaga;

TEST_CASE("the store migrates once and refuses a newer schema", "[store]") {
  test::TempDir dir;
  {
    auto db = OpenStore(dir / "data/siaga.db");
    REQUIRE(db.ok());
    CHECK(MigrateSchema(**db).ok());  // a second run is a no-op
    auto q = (*db)->Prepare("PRAGMA journal_mode");
    REQUIRE(q->Step().ok());
    CHECK(q->Text(0) == "wal");
    q->Run();
    // Savepoint journals stay in memory (2 = MEMORY): on disk they cost a write per changed page.
    auto temp = (*db)->Prepare("PRAGMA temp_store");
    REQUIRE(temp->Step().ok());
    CHECK(temp->Int(0) == 2);
    temp->Run();
    REQUIRE((*db)->Exec("PRAGMA user_version = 99").ok());
  }
  auto again = OpenStore(dir / "data/siaga.db");
  REQUIRE_FALSE(again.ok());
  CHECK_THAT(again.status().message(), Catch::Contains("newer than this siaga"));
}

TEST_CASE("audit events are append-only", "[store]") {
  test::TempDir dir;
  auto db = std::move(*OpenStore(dir / "s.db"));
  REQUIRE(db->Exec("INSERT INTO audit_events(at, actor, event) VALUES (1, 'x', 'e')").ok());
  CHECK_THAT(db->Exec("UPDATE audit_events SET actor = 'y'").message(), Catch::Contains("append-only"));
  CHECK_THAT(db->Exec("DELETE FROM audit_events").message(), Catch::Contains("append-only"));
}

TEST_CASE("a damaged file is refused at open", "[store]") {
  test::TempDir dir;
  test::WriteFile(dir / "bad.db", std::string(8192, 'x'));
  auto db = OpenStore(dir / "bad.db");
  CHECK_FALSE(db.ok());
  CHECK(db.status().code() == StatusCode::kStorageError);
}

TEST_CASE("prepared statements bind text with NUL bytes and report SQL errors", "[store]") {
  test::TempDir dir;
  auto db = std::move(*OpenStore(dir / "s.db"));
  auto bad = db->Prepare("SELECT * FROM no_such_table");
  CHECK(bad.status().code() == StatusCode::kStorageError);
  REQUIRE(db->Exec("CREATE TABLE t(v TEXT)").ok());
  auto ins = db->Prepare("INSERT INTO t VALUES (?)");
  REQUIRE(ins.ok());
  ins->Bind(1, std::string("a\0b", 3));
  REQUIRE(ins->Run().ok());
  auto sel = db->Prepare("SELECT v FROM t");
  REQUIRE(*sel->Step());
  CHECK(sel->Text(0) == std::string("a\0b", 3));
  sel->Run();
}
