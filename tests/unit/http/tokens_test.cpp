#include <catch2/catch.hpp>

#include "auth/tokens.h"
#include "common/sha256.h"
#include "test_support.h"

using namespace siaga;
using siaga::test::TempDir;

TEST_CASE("tokens are shown once, kept hashed, bound to roles, and revocable", "[tokens]") {
  TempDir dir;
  auto db = OpenStore(dir / "s.db");
  REQUIRE(db.ok());
  auto made = CreateToken(**db, "ani", {"helpdesk", "analis"}, "shift A", "cli:test", 1000);
  REQUIRE(made.ok());
  CHECK(made->token.rfind("sg_", 0) == 0);
  CHECK(made->token.size() == 67);

  auto stored = (*db)->Prepare("SELECT token_hash FROM api_tokens");
  REQUIRE(stored.ok());
  REQUIRE(*stored->Step());
  CHECK(stored->Text(0) != made->token);
  CHECK(stored->Text(0).find(made->token.substr(3)) == std::string::npos);
  stored->Run();

  auto who = Authenticate(**db, made->token);
  REQUIRE(who.ok());
  CHECK(who->user == "ani");
  CHECK(who->Holds("analis"));
  CHECK(who->ToActor().checked);

  std::string altered = made->token;
  altered.back() = altered.back() == '0' ? '1' : '0';  // a different last digit, whatever it was
  CHECK(Authenticate(**db, altered).status().code() == StatusCode::kPermissionDenied);
  CHECK_FALSE(Authenticate(**db, "Basic abc").ok());

  REQUIRE(RevokeToken(**db, made->id, "cli:test", 2000).ok());
  CHECK_FALSE(Authenticate(**db, made->token).ok());
  CHECK(RevokeToken(**db, made->id, "cli:test", 2000).code() == StatusCode::kNotFound);

  auto audit = (*db)->Prepare("SELECT group_concat(event, ',') FROM audit_events WHERE case_id IS NULL");
  REQUIRE(audit.ok());
  REQUIRE(*audit->Step());
  CHECK(audit->Text(0) == "token_created,token_revoked");
  audit->Run();

  CHECK(CreateToken(**db, "", {"x"}, "", "t", 1).status().field() == "user");
  CHECK(CreateToken(**db, "u", {}, "", "t", 1).status().field() == "role");
  CHECK(CreateToken(**db, "u", {"Bad Role"}, "", "t", 1).status().field() == "role");
}

TEST_CASE("webhook secrets are made per adapter and replaced on request", "[tokens]") {
  TempDir dir;
  auto db = OpenStore(dir / "s.db");
  REQUIRE(db.ok());
  CHECK_FALSE(WebhookSecret(**db, "wazuh")->has_value());
  auto first = CreateWebhookSecret(**db, "wazuh", "t", 1);
  REQUIRE(first.ok());
  CHECK(first->size() == 64);
  CHECK(**WebhookSecret(**db, "wazuh") == *first);
  auto second = CreateWebhookSecret(**db, "wazuh", "t", 2);
  CHECK(*second != *first);
  CHECK(**WebhookSecret(**db, "wazuh") == *second);
}

TEST_CASE("tokens bound to agencies keep their agencies and oversight, and unscoped tokens stay unscoped", "[tokens][agency]") {
  TempDir dir;
  auto db = OpenStore(dir / "s.db");
  REQUIRE(db.ok());
  auto plain = CreateToken(**db, "root", {"admin"}, "", "cli:test", 1000);
  auto bound = CreateToken(**db, "csirt", {"pengamat"}, "", "cli:test", 1000, {{"prov-kaltim"}, {"kab-trenggalek"}});
  REQUIRE(plain.ok());
  REQUIRE(bound.ok());
  auto root = Authenticate(**db, plain->token);
  REQUIRE(root.ok());
  CHECK_FALSE(root->Scoped());
  auto csirt = Authenticate(**db, bound->token);
  REQUIRE(csirt.ok());
  CHECK(csirt->Scoped());
  CHECK(csirt->MemberOf("prov-kaltim"));
  CHECK_FALSE(csirt->MemberOf("kab-trenggalek"));
  CHECK(csirt->Oversees("kab-trenggalek"));
  CHECK_FALSE(csirt->Oversees(""));
  auto rows = ListTokens(**db);
  REQUIRE(rows.ok());
  CHECK(rows->back().agencies == std::vector<std::string>{"prov-kaltim"});
  CHECK(rows->back().oversees == std::vector<std::string>{"kab-trenggalek"});

  auto bad = CreateToken(**db, "x", {"admin"}, "", "cli:test", 1000, {{"Prov Kaltim"}, {}});
  CHECK(bad.status().field() == "agency");
  auto both = CreateToken(**db, "x", {"admin"}, "", "cli:test", 1000, {{"prov-kaltim"}, {"prov-kaltim"}});
  CHECK(both.status().field() == "oversees");
}

TEST_CASE("a token row written before schema 7 (no agency columns given) authenticates unscoped", "[tokens][agency]") {
  TempDir dir;
  auto db = OpenStore(dir / "s.db");
  REQUIRE(db.ok());
  const std::string token = "sg_" + std::string(64, 'a');
  auto q = (*db)->Prepare("INSERT INTO api_tokens(user_name, roles, token_hash, note, created_at, created_by) VALUES ('lama', '[\"admin\"]', ?, '', 1, 'x')");
  REQUIRE(q.ok());
  q->Bind(1, Sha256Hex(token));
  REQUIRE(q->Run().ok());
  auto who = Authenticate(**db, token);
  REQUIRE(who.ok());
  CHECK(who->Holds("admin"));
  CHECK_FALSE(who->Scoped());
  CHECK(who->agencies.empty());
}
