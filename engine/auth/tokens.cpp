#include "auth/tokens.h"

#include <algorithm>

#include <nlohmann/json.hpp>

#include "common/sha256.h"

namespace siaga {

namespace {

constexpr const char* kTokenPrefix = "sg_";

Status Audit(Database& db, UnixSeconds now, const std::string& actor, const std::string& event, const nlohmann::json& detail) {
  auto q = db.Prepare("INSERT INTO audit_events(at, actor, case_id, step_instance_id, event, detail) VALUES (?,?,NULL,NULL,?,?)");
  if (!q.ok()) return q.status();
  q->Bind(1, now).Bind(2, actor).Bind(3, event).Bind(4, detail.dump());
  return q->Run();
}

// Runs `work` inside BEGIN IMMEDIATE ... COMMIT.
template <typename Work>
Status InTransaction(Database& db, Work work) {
  SIAGA_TRY(db.Begin());
  Status st = work();
  if (st.ok()) st = db.Commit();
  if (!st.ok()) db.Rollback();
  return st;
}

// A JSON array of strings (roles, agency ids).
std::vector<std::string> RolesFromJson(const std::string& text) {
  std::vector<std::string> roles;
  auto j = nlohmann::json::parse(text, nullptr, false);
  if (j.is_array())
    for (const auto& r : j)
      if (r.is_string()) roles.push_back(r.get<std::string>());
  return roles;
}

}  // namespace

bool Principal::Holds(const std::string& role) const { return std::find(roles.begin(), roles.end(), role) != roles.end(); }
bool Principal::MemberOf(const std::string& agency) const {
  return !agency.empty() && std::find(agencies.begin(), agencies.end(), agency) != agencies.end();
}
bool Principal::Oversees(const std::string& agency) const {
  return !agency.empty() && std::find(oversees.begin(), oversees.end(), agency) != oversees.end();
}

Actor Principal::ToActor() const {
  Actor a;
  a.name = user;
  a.roles = roles;
  a.checked = true;
  if (Scoped()) a.agencies = agencies;  // overseen agencies are read-only: not in the actor's
  return a;
}

bool IsRoleName(const std::string& role) {
  if (role.empty() || role.size() > 64) return false;
  return std::all_of(role.begin(), role.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '.' || c == ':' || c == '-';
  });
}

bool IsAgencyId(const std::string& agency) {
  if (agency.empty() || agency.size() > 64) return false;
  return std::all_of(agency.begin(), agency.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-';
  });
}

Result<NewToken> CreateToken(Database& db, const std::string& user, const std::vector<std::string>& roles,
                             const std::string& note, const std::string& created_by, UnixSeconds now, const TokenScope& scope) {
  if (user.empty() || user.size() > 100) return InvalidField("user", "1 to 100 characters");
  for (char c : user)
    if (static_cast<unsigned char>(c) < 0x20) return InvalidField("user", "no control characters");
  if (roles.empty()) return InvalidField("role", "a token needs at least one role");
  for (const auto& r : roles)
    if (!IsRoleName(r)) return InvalidField("role", "'" + r + "' is not a role id ([a-z0-9_.:-], 1-64)");
  if (note.size() > 500) return InvalidField("note", "at most 500 characters");
  for (const auto& a : scope.agencies)
    if (!IsAgencyId(a)) return InvalidField("agency", "'" + a + "' is not an agency id ([a-z0-9_.-], 1-64)");
  for (const auto& a : scope.oversees) {
    if (!IsAgencyId(a)) return InvalidField("oversees", "'" + a + "' is not an agency id ([a-z0-9_.-], 1-64)");
    if (std::find(scope.agencies.begin(), scope.agencies.end(), a) != scope.agencies.end())
      return InvalidField("oversees", "'" + a + "' is also an agency of the token: a member already reads it");
  }
  auto secret = RandomHex(32);
  if (!secret.ok()) return secret.status();
  NewToken made;
  made.token = kTokenPrefix + *secret;
  Status st = InTransaction(db, [&]() -> Status {
    auto q = db.Prepare("INSERT INTO api_tokens(user_name, roles, token_hash, note, created_at, created_by, agencies, oversees) "
                        "VALUES (?,?,?,?,?,?,?,?)");
    if (!q.ok()) return q.status();
    q->Bind(1, user).Bind(2, nlohmann::json(roles).dump()).Bind(3, Sha256Hex(made.token)).Bind(4, note).Bind(5, now).Bind(6, created_by);
    q->Bind(7, nlohmann::json(scope.agencies).dump()).Bind(8, nlohmann::json(scope.oversees).dump());
    SIAGA_TRY(q->Run());
    made.id = db.LastInsertId();
    return Audit(db, now, created_by, "token_created",
                 {{"token_id", made.id}, {"user", user}, {"roles", roles}, {"agencies", scope.agencies}, {"oversees", scope.oversees}});
  });
  if (!st.ok()) return st;
  return made;
}

Status RevokeToken(Database& db, std::int64_t id, const std::string& by, UnixSeconds now) {
  return InTransaction(db, [&]() -> Status {
    auto q = db.Prepare("UPDATE api_tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL");
    if (!q.ok()) return q.status();
    q->Bind(1, now).Bind(2, id);
    SIAGA_TRY(q->Run());
    if (db.Changes() != 1) return NotFound("no active token " + std::to_string(id));
    return Audit(db, now, by, "token_revoked", {{"token_id", id}});
  });
}

Result<std::vector<TokenRow>> ListTokens(Database& db) {
  auto q = db.Prepare("SELECT id, user_name, roles, note, created_at, created_by, revoked_at, agencies, oversees FROM api_tokens ORDER BY id");
  if (!q.ok()) return q.status();
  std::vector<TokenRow> rows;
  while (true) {
    auto row = q->Step();
    if (!row.ok()) return row.status();
    if (!*row) break;
    TokenRow t;
    t.id = q->Int(0);
    t.user = q->Text(1);
    t.roles = RolesFromJson(q->Text(2));
    t.note = q->Text(3);
    t.created_at = q->Int(4);
    t.created_by = q->Text(5);
    t.revoked_at = q->OptionalInt(6);
    t.agencies = RolesFromJson(q->Text(7));
    t.oversees = RolesFromJson(q->Text(8));
    rows.push_back(std::move(t));
  }
  return rows;
}

Result<Principal> Authenticate(Database& db, const std::string& token) {
  if (token.rfind(kTokenPrefix, 0) != 0 || token.size() != 3 + 64) return PermissionDenied("the token is not a Siaga API token");
  // Looked up by its hash: the stored value never meets the presented one in a comparison.
  auto q = db.Prepare("SELECT id, user_name, roles, agencies, oversees FROM api_tokens WHERE token_hash = ? AND revoked_at IS NULL");
  if (!q.ok()) return q.status();
  q->Bind(1, Sha256Hex(token));
  auto row = q->Step();
  if (!row.ok()) return row.status();
  if (!*row) return PermissionDenied("unknown or revoked token");
  Principal p;
  p.token_id = q->Int(0);
  p.user = q->Text(1);
  p.roles = RolesFromJson(q->Text(2));
  p.agencies = RolesFromJson(q->Text(3));
  p.oversees = RolesFromJson(q->Text(4));
  q->Run();
  return p;
}

Result<std::string> CreateWebhookSecret(Database& db, const std::string& adapter, const std::string& by, UnixSeconds now) {
  auto secret = RandomHex(32);
  if (!secret.ok()) return secret.status();
  Status st = InTransaction(db, [&]() -> Status {
    auto q = db.Prepare("INSERT INTO webhook_secrets(adapter, secret, created_at) VALUES (?,?,?) "
                        "ON CONFLICT(adapter) DO UPDATE SET secret = excluded.secret, created_at = excluded.created_at");
    if (!q.ok()) return q.status();
    q->Bind(1, adapter).Bind(2, *secret).Bind(3, now);
    SIAGA_TRY(q->Run());
    return Audit(db, now, by, "webhook_secret_created", {{"adapter", adapter}});
  });
  if (!st.ok()) return st;
  return *secret;
}

Result<std::optional<std::string>> WebhookSecret(Database& db, const std::string& adapter) {
  auto q = db.Prepare("SELECT secret FROM webhook_secrets WHERE adapter = ?");
  if (!q.ok()) return q.status();
  q->Bind(1, adapter);
  auto row = q->Step();
  if (!row.ok()) return row.status();
  if (!*row) return std::optional<std::string>();
  std::optional<std::string> secret = q->Text(0);
  q->Run();
  return secret;
}

}  // namespace siaga
