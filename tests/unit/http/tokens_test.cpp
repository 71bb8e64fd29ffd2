// API tokens: issued and revoked through the engine's commands (the only writer), kept hashed,
// bound to roles and agencies; an agency's admin manages its own agencies' tokens only.
#include <catch2/catch.hpp>

#include "auth/tokens.h"
#include "common/sha256.h"
#include "procedure/registry.h"
#include "test_support.h"

using namespace siaga;
using siaga::test::TempDir;

namespace {

// A store, an engine and three agencies: a province that oversees one regency, and two regencies.
struct TokenDesk {
  TempDir dir;
  std::unique_ptr<Database> db = std::move(*OpenStore(dir / "s.db"));
  FakeClock clock{1000};
  ProcedureRegistry registry;
  Engine engine{*db, registry, clock};

  TokenDesk() {
    test::WriteFile(dir / "sop/instansi/prov-a.lua",
                    "return instansi { id = 'prov-a', nama = 'Provinsi A', zona_waktu = 'WIB', mengawasi = { 'kab-b' } }");
    test::WriteFile(dir / "sop/instansi/kab-b.lua", "return instansi { id = 'kab-b', nama = 'Kabupaten B', zona_waktu = 'WIB' }");
    test::WriteFile(dir / "sop/instansi/kab-c.lua", "return instansi { id = 'kab-c', nama = 'Kabupaten C', zona_waktu = 'WITA' }");
    REQUIRE_FALSE(HasErrors(registry.LoadDirectory(dir / "sop")));
  }

  struct Issued {
    Status status;
    std::int64_t id = 0;
    std::string token;
  };

  // Issues a token as `by` (the CLI when unchecked), as the CLI and the API do.
  Issued Issue(const Actor& by, const std::string& user, std::vector<std::string> roles, TokenScope scope = {},
               std::optional<std::int64_t> expires_at = std::nullopt) {
    auto secret = MakeTokenSecret();
    REQUIRE(secret.ok());
    TokenGrant grant;
    grant.user = user;
    grant.roles = std::move(roles);
    grant.scope = std::move(scope);
    grant.token_hash = secret->hash;
    grant.expires_at = expires_at;
    Command c;
    c.type = Command::Type::kCreateToken;
    c.actor = by;
    c.token_grant = std::make_shared<const TokenGrant>(grant);
    CommandResult r = engine.Apply(c);
    if (!r.status.ok()) return {r.status, 0, ""};
    return {r.status, r.detail["token_id"].get<std::int64_t>(), secret->token};
  }

  Status Revoke(const Actor& by, std::int64_t id) {
    Command c;
    c.type = Command::Type::kRevokeToken;
    c.actor = by;
    c.token_id = id;
    return engine.Apply(c).status;
  }

  std::string AuditTrail() {
    auto q = db->Prepare("SELECT group_concat(event, ',') FROM audit_events WHERE case_id IS NULL");
    REQUIRE(q.ok());
    REQUIRE(*q->Step());
    std::string events = q->Text(0);
    q->Run();
    return events;
  }
};

Actor Cli() {
  Actor a;
  a.name = "cli:test";
  return a;
}

Actor AgencyAdmin(std::vector<std::string> agencies) {
  Actor a = Actor::Checked("admin-prov", {"admin"});
  a.agencies = std::move(agencies);
  return a;
}

}  // namespace

TEST_CASE("tokens are shown once, kept hashed, bound to roles, and revocable", "[tokens]") {
  TokenDesk desk;
  auto made = desk.Issue(Cli(), "ani", {"helpdesk", "analis"});
  REQUIRE(made.status.ok());
  CHECK(made.token.rfind("sg_", 0) == 0);
  CHECK(made.token.size() == 67);

  auto stored = desk.db->Prepare("SELECT token_hash FROM api_tokens");
  REQUIRE(stored.ok());
  REQUIRE(*stored->Step());
  CHECK(stored->Text(0) != made.token);
  CHECK(stored->Text(0).find(made.token.substr(3)) == std::string::npos);
  stored->Run();

  auto who = Authenticate(*desk.db, made.token, desk.clock.Now());
  REQUIRE(who.ok());
  CHECK(who->user == "ani");
  CHECK(who->Holds("analis"));
  CHECK(who->ToActor().checked);

  std::string altered = made.token;
  altered.back() = altered.back() == '0' ? '1' : '0';  // a different last digit, whatever it was
  CHECK(Authenticate(*desk.db, altered, desk.clock.Now()).status().code() == StatusCode::kPermissionDenied);
  CHECK_FALSE(Authenticate(*desk.db, "Basic abc", desk.clock.Now()).ok());

  REQUIRE(desk.Revoke(Cli(), made.id).ok());
  CHECK_FALSE(Authenticate(*desk.db, made.token, desk.clock.Now()).ok());
  CHECK(desk.Revoke(Cli(), made.id).code() == StatusCode::kNotFound);
  CHECK(desk.AuditTrail() == "token_created,token_revoked");

  CHECK(desk.Issue(Cli(), "", {"x"}).status.field() == "user");
  CHECK(desk.Issue(Cli(), "u", {}).status.field() == "roles");
  CHECK(desk.Issue(Cli(), "u", {"Bad Role"}).status.field() == "roles");
  CHECK(desk.AuditTrail() == "token_created,token_revoked");  // refused grants leave no row and no event
}

TEST_CASE("a grant without a proper hash is refused, so no command can store a clear token", "[tokens]") {
  TokenDesk desk;
  TokenGrant grant;
  grant.user = "u";
  grant.roles = {"admin"};
  grant.token_hash = "sg_" + std::string(64, 'a');
  CHECK(ValidateGrant(grant, 1000).field() == "token_hash");
  grant.token_hash = Sha256Hex("sg_x");
  CHECK(ValidateGrant(grant, 1000).ok());
  Command c;
  c.type = Command::Type::kCreateToken;
  CHECK(desk.engine.Apply(c).status.code() == StatusCode::kInvalidArgument);
}

TEST_CASE("an acting official's token ends by itself at its expiry, and an expiry already past is refused", "[tokens]") {
  TokenDesk desk;
  auto plt = desk.Issue(Cli(), "plt-kabid", {"kabid"}, {}, desk.clock.Now() + 3600);
  REQUIRE(plt.status.ok());
  CHECK(Authenticate(*desk.db, plt.token, desk.clock.Now()).ok());
  CHECK(Authenticate(*desk.db, plt.token, desk.clock.Now() + 3599).ok());
  CHECK(Authenticate(*desk.db, plt.token, desk.clock.Now() + 3600).status().code() == StatusCode::kPermissionDenied);
  auto row = FindToken(*desk.db, plt.id);
  REQUIRE(row.ok());
  REQUIRE(row->has_value());
  CHECK((*row)->expires_at == desk.clock.Now() + 3600);
  CHECK(TokenJson(**row)["expires_at"] == FormatUtc(desk.clock.Now() + 3600));
  CHECK(desk.Issue(Cli(), "x", {"kabid"}, {}, desk.clock.Now()).status.field() == "expires_at");

  // A date means through that day in WIB; an instant keeps its offset.
  CHECK(*ParseTokenExpiry("2026-12-31") == *ParseInstant("2027-01-01T00:00+07:00"));
  CHECK(*ParseTokenExpiry("2026-12-31T17:00+08:00") == *ParseInstant("2026-12-31T09:00Z"));
  CHECK(*ParseTokenExpiry("2026-12-31T17:00") == *ParseInstant("2026-12-31T10:00Z"));
  CHECK(ParseTokenExpiry("besok").status().field() == "expires_at");
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
  TokenDesk desk;
  auto plain = desk.Issue(Cli(), "root", {"admin"});
  auto bound = desk.Issue(Cli(), "csirt", {"pengamat"}, {{"prov-a"}, {"kab-b"}});
  REQUIRE(plain.status.ok());
  REQUIRE(bound.status.ok());
  auto root = Authenticate(*desk.db, plain.token, desk.clock.Now());
  REQUIRE(root.ok());
  CHECK_FALSE(root->Scoped());
  auto csirt = Authenticate(*desk.db, bound.token, desk.clock.Now());
  REQUIRE(csirt.ok());
  CHECK(csirt->Scoped());
  CHECK(csirt->MemberOf("prov-a"));
  CHECK_FALSE(csirt->MemberOf("kab-b"));
  CHECK(csirt->Oversees("kab-b"));
  CHECK_FALSE(csirt->Oversees(""));
  auto rows = ListTokens(*desk.db);
  REQUIRE(rows.ok());
  CHECK(rows->back().agencies == std::vector<std::string>{"prov-a"});
  CHECK(rows->back().oversees == std::vector<std::string>{"kab-b"});
  CHECK(TokenJson(rows->back())["oversees"] == nlohmann::json::array({"kab-b"}));

  CHECK(desk.Issue(Cli(), "x", {"admin"}, {{"Prov A"}, {}}).status.field() == "agencies");
  CHECK(desk.Issue(Cli(), "x", {"admin"}, {{"prov-a"}, {"prov-a"}}).status.field() == "oversees");
  // Agencies must exist, and oversight must be declared by the province (its mengawasi).
  CHECK(desk.Issue(Cli(), "x", {"admin"}, {{"prov-z"}, {}}).status.field() == "agencies");
  CHECK(desk.Issue(Cli(), "x", {"admin"}, {{"prov-a"}, {"kab-c"}}).status.field() == "oversees");
  CHECK(desk.Issue(Cli(), "x", {"admin"}, {{"kab-b"}, {"prov-a"}}).status.field() == "oversees");
  // A national observer (no agency of its own) may be given any existing agency to read.
  CHECK(desk.Issue(Cli(), "nasional", {"pengamat"}, {{}, {"kab-b", "kab-c"}}).status.ok());
}

TEST_CASE("an agency's admin issues and revokes tokens of its own agencies only", "[tokens][agency]") {
  TokenDesk desk;
  const Actor prov = AgencyAdmin({"prov-a"});
  // Within its agency, with oversight its province declares: issued.
  auto analyst = desk.Issue(prov, "analis-prov", {"analis"}, {{"prov-a"}, {"kab-b"}});
  REQUIRE(analyst.status.ok());
  auto deputy = desk.Issue(prov, "plt-kepala", {"admin"}, {{"prov-a"}, {}});
  REQUIRE(deputy.status.ok());
  // Outside it: another agency, no agency at all (deployment-wide), a feed token.
  auto other = desk.Issue(prov, "x", {"analis"}, {{"kab-c"}, {}});
  CHECK(other.status.code() == StatusCode::kPermissionDenied);
  CHECK(other.status.field() == "agencies");
  CHECK(desk.Issue(prov, "x", {"admin"}).status.code() == StatusCode::kPermissionDenied);
  CHECK(desk.Issue(prov, "x", {"webhook:wazuh"}, {{"prov-a"}, {}}).status.field() == "roles");
  CHECK(desk.Issue(AgencyAdmin({}), "x", {"analis"}, {{"prov-a"}, {}}).status.code() == StatusCode::kPermissionDenied);
  // Not an admin at all.
  Actor analis = Actor::Checked("ani", {"analis"});
  analis.agencies = std::vector<std::string>{"prov-a"};
  CHECK(desk.Issue(analis, "x", {"analis"}, {{"prov-a"}, {}}).status.code() == StatusCode::kPermissionDenied);

  // Revoking: its own agency's tokens; another agency's or a deployment-wide one answers as missing.
  auto regency = desk.Issue(Cli(), "kab", {"analis"}, {{"kab-c"}, {}});
  auto root = desk.Issue(Cli(), "root", {"admin"});
  REQUIRE(regency.status.ok());
  REQUIRE(root.status.ok());
  CHECK(desk.Revoke(prov, regency.id).code() == StatusCode::kNotFound);
  CHECK(desk.Revoke(prov, root.id).code() == StatusCode::kNotFound);
  CHECK(Authenticate(*desk.db, regency.token, desk.clock.Now()).ok());
  CHECK(desk.Revoke(prov, analyst.id).ok());
  CHECK_FALSE(Authenticate(*desk.db, analyst.token, desk.clock.Now()).ok());

  auto rows = ListTokens(*desk.db);
  REQUIRE(rows.ok());
  std::vector<std::string> visible;
  for (const TokenRow& t : *rows)
    if (MayManage(prov, t)) visible.push_back(t.user);
  CHECK(visible == std::vector<std::string>{"analis-prov", "plt-kepala"});
  CHECK(desk.AuditTrail() == "token_created,token_created,token_created,token_created,token_revoked");
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
  auto who = Authenticate(**db, token, 2);
  REQUIRE(who.ok());
  CHECK(who->Holds("admin"));
  CHECK_FALSE(who->Scoped());
  CHECK(who->agencies.empty());
}
