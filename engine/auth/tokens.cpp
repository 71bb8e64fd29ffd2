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

bool Contains(const std::vector<std::string>& list, const std::string& item) {
  return std::find(list.begin(), list.end(), item) != list.end();
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
bool Principal::MemberOf(const std::string& agency) const { return !agency.empty() && Contains(agencies, agency); }
bool Principal::Oversees(const std::string& agency) const { return !agency.empty() && Contains(oversees, agency); }

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

Result<TokenSecret> MakeTokenSecret() {
  auto secret = RandomHex(32);
  if (!secret.ok()) return secret.status();
  TokenSecret made;
  made.token = kTokenPrefix + *secret;
  made.hash = Sha256Hex(made.token);
  return made;
}

Result<UnixSeconds> ParseTokenExpiry(const std::string& text) {
  constexpr int kWib = 7 * 60;
  auto at = ParseInstant(text, kWib);
  if (!at.ok()) return InvalidField("expires_at", "an instant (2026-12-31T17:00+07:00) or a date (2026-12-31: through that day, WIB)");
  // A bare date reads as that day's 00:00 WIB; "until the 31st" means through it.
  if (text.size() == 10) *at += 86400;
  return *at;
}

Status ValidateGrant(const TokenGrant& grant, UnixSeconds now) {
  if (grant.user.empty() || grant.user.size() > 100) return InvalidField("user", "1 to 100 characters");
  for (char c : grant.user)
    if (static_cast<unsigned char>(c) < 0x20) return InvalidField("user", "no control characters");
  if (grant.roles.empty()) return InvalidField("roles", "a token needs at least one role");
  if (grant.roles.size() > 32) return InvalidField("roles", "at most 32 roles");
  for (const auto& r : grant.roles)
    if (!IsRoleName(r)) return InvalidField("roles", "'" + r + "' is not a role id ([a-z0-9_.:-], 1-64)");
  if (grant.note.size() > 500) return InvalidField("note", "at most 500 characters");
  if (grant.scope.agencies.size() > 64 || grant.scope.oversees.size() > 64) return InvalidField("agencies", "at most 64 agencies");
  for (const auto& a : grant.scope.agencies)
    if (!IsAgencyId(a)) return InvalidField("agencies", "'" + a + "' is not an agency id ([a-z0-9_.-], 1-64)");
  for (const auto& a : grant.scope.oversees) {
    if (!IsAgencyId(a)) return InvalidField("oversees", "'" + a + "' is not an agency id ([a-z0-9_.-], 1-64)");
    if (Contains(grant.scope.agencies, a))
      return InvalidField("oversees", "'" + a + "' is also an agency of the token: a member already reads it");
  }
  const bool hex = grant.token_hash.size() == 64 && std::all_of(grant.token_hash.begin(), grant.token_hash.end(), [](char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
  });
  if (!hex) return InvalidField("token_hash", "the SHA-256 of the token, 64 lower-case hex digits");
  if (grant.expires_at && *grant.expires_at <= now) return InvalidField("expires_at", "must be in the future");
  return Status::Ok();
}

Status CheckGrantScope(const CalendarBook& book, const TokenScope& scope) {
  for (const auto& a : scope.agencies)
    if (book.Agency(a) == nullptr) return InvalidField("agencies", "no agency '" + a + "' in sop/instansi/ (siaga agency list)");
  for (const auto& a : scope.oversees) {
    if (book.Agency(a) == nullptr) return InvalidField("oversees", "no agency '" + a + "' in sop/instansi/ (siaga agency list)");
    if (scope.agencies.empty()) continue;
    const bool declared = std::any_of(scope.agencies.begin(), scope.agencies.end(),
                                      [&](const std::string& own) { return Contains(book.Agency(own)->mengawasi, a); });
    if (!declared) return InvalidField("oversees", "none of the token's agencies lists '" + a + "' in its mengawasi (sop/instansi/)");
  }
  return Status::Ok();
}

Status MayGrant(const Actor& by, const TokenGrant& grant) {
  if (!by.checked) return Status::Ok();
  if (!by.IsAdmin()) return PermissionDenied("issuing tokens needs the 'admin' role");
  if (!by.agencies) return Status::Ok();
  if (grant.scope.agencies.empty())
    return PermissionDenied("an agency's admin issues tokens bound to its own agencies: give agencies").WithField("agencies");
  for (const auto& a : grant.scope.agencies)
    if (!Contains(*by.agencies, a)) return PermissionDenied("'" + a + "' is not an agency of this admin").WithField("agencies");
  for (const auto& r : grant.roles)
    if (r.rfind("webhook:", 0) == 0)
      return PermissionDenied("feed tokens are deployment-wide (webhooks/routes.lua decides a feed's agency): ask the deployment's admin")
          .WithField("roles");
  return Status::Ok();
}

bool MayManage(const Actor& by, const TokenRow& token) {
  if (!by.checked || (by.IsAdmin() && !by.agencies)) return true;
  if (!by.IsAdmin() || token.agencies.empty()) return false;
  return std::all_of(token.agencies.begin(), token.agencies.end(), [&](const std::string& a) { return Contains(*by.agencies, a); });
}

Result<std::int64_t> InsertToken(Database& db, const TokenGrant& grant, const std::string& created_by, UnixSeconds now) {
  auto q = db.Prepare("INSERT INTO api_tokens(user_name, roles, token_hash, note, created_at, created_by, agencies, oversees, expires_at) "
                      "VALUES (?,?,?,?,?,?,?,?,?)");
  if (!q.ok()) return q.status();
  q->Bind(1, grant.user).Bind(2, nlohmann::json(grant.roles).dump()).Bind(3, grant.token_hash).Bind(4, grant.note).Bind(5, now);
  q->Bind(6, created_by).Bind(7, nlohmann::json(grant.scope.agencies).dump()).Bind(8, nlohmann::json(grant.scope.oversees).dump());
  q->Bind(9, grant.expires_at);
  SIAGA_TRY(q->Run());
  return db.LastInsertId();
}

Status MarkTokenRevoked(Database& db, std::int64_t id, UnixSeconds now) {
  auto q = db.Prepare("UPDATE api_tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL");
  if (!q.ok()) return q.status();
  q->Bind(1, now).Bind(2, id);
  SIAGA_TRY(q->Run());
  if (db.Changes() != 1) return NotFound("no active token " + std::to_string(id));
  return Status::Ok();
}

nlohmann::json TokenCreatedDetail(std::int64_t id, const TokenGrant& grant) {
  return {{"token_id", id}, {"user", grant.user}, {"roles", grant.roles}, {"agencies", grant.scope.agencies},
          {"oversees", grant.scope.oversees},
          {"expires_at", grant.expires_at ? nlohmann::json(FormatUtc(*grant.expires_at)) : nlohmann::json(nullptr)}};
}

nlohmann::json TokenJson(const TokenRow& t) {
  return {{"id", t.id},
          {"user", t.user},
          {"roles", t.roles},
          {"agencies", t.agencies},
          {"oversees", t.oversees},
          {"note", t.note},
          {"created_at", FormatUtc(t.created_at)},
          {"created_by", t.created_by},
          {"revoked_at", t.revoked_at ? nlohmann::json(FormatUtc(*t.revoked_at)) : nlohmann::json(nullptr)},
          {"expires_at", t.expires_at ? nlohmann::json(FormatUtc(*t.expires_at)) : nlohmann::json(nullptr)}};
}

namespace {

constexpr const char* kTokenColumns = "id, user_name, roles, note, created_at, created_by, revoked_at, agencies, oversees, expires_at";

TokenRow ReadTokenRow(Statement& q) {
  TokenRow t;
  t.id = q.Int(0);
  t.user = q.Text(1);
  t.roles = RolesFromJson(q.Text(2));
  t.note = q.Text(3);
  t.created_at = q.Int(4);
  t.created_by = q.Text(5);
  t.revoked_at = q.OptionalInt(6);
  t.agencies = RolesFromJson(q.Text(7));
  t.oversees = RolesFromJson(q.Text(8));
  t.expires_at = q.OptionalInt(9);
  return t;
}

}  // namespace

Result<std::vector<TokenRow>> ListTokens(Database& db) {
  auto q = db.Prepare(std::string("SELECT ") + kTokenColumns + " FROM api_tokens ORDER BY id");
  if (!q.ok()) return q.status();
  std::vector<TokenRow> rows;
  while (true) {
    auto row = q->Step();
    if (!row.ok()) return row.status();
    if (!*row) break;
    rows.push_back(ReadTokenRow(*q));
  }
  return rows;
}

Result<std::optional<TokenRow>> FindToken(Database& db, std::int64_t id) {
  auto q = db.Prepare(std::string("SELECT ") + kTokenColumns + " FROM api_tokens WHERE id = ?");
  if (!q.ok()) return q.status();
  q->Bind(1, id);
  auto row = q->Step();
  if (!row.ok()) return row.status();
  if (!*row) return std::optional<TokenRow>();
  std::optional<TokenRow> found = ReadTokenRow(*q);
  q->Run();
  return found;
}

Result<Principal> Authenticate(Database& db, const std::string& token, UnixSeconds now) {
  if (token.rfind(kTokenPrefix, 0) != 0 || token.size() != 3 + 64) return PermissionDenied("the token is not a Siaga API token");
  // Looked up by its hash: the stored value never meets the presented one in a comparison.
  auto q = db.Prepare("SELECT id, user_name, roles, agencies, oversees FROM api_tokens WHERE token_hash = ? AND revoked_at IS NULL "
                      "AND (expires_at IS NULL OR expires_at > ?)");
  if (!q.ok()) return q.status();
  q->Bind(1, Sha256Hex(token)).Bind(2, now);
  auto row = q->Step();
  if (!row.ok()) return row.status();
  if (!*row) return PermissionDenied("unknown, revoked or expired token");
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
