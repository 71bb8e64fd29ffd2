// API tokens and webhook secrets. A token is random (256 bits), shown once at creation and
// stored only as its SHA-256, bound to a user and roles; the roles are procedure pelaksana ids
// ("helpdesk", "analis"), "admin", or "webhook:ADAPTER" for a feed that authenticates by token.
// Creating and revoking are admin operations and engine commands (kCreateToken, kRevokeToken):
// the row and its audit event land in one transaction, whether the CLI or the API asked.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "auth/token_grant.h"
#include "common/clock.h"
#include "runner/engine.h"
#include "store/database.h"
#include "time/calendar_book.h"

namespace siaga {

// Agencies (docs/multi-agency.md): a token bound to `agencies` reads and acts on the cases of
// those agencies' procedures only ("admin" then means admin of those agencies); `oversees` adds
// read-only access to other agencies' cases. A token with neither is unscoped: the single-agency
// deployment's behaviour, where "admin" and "pengamat" read everything.
struct Principal {
  std::int64_t token_id = 0;
  std::string user;
  std::vector<std::string> roles;
  std::vector<std::string> agencies;
  std::vector<std::string> oversees;
  bool Holds(const std::string& role) const;
  bool Scoped() const { return !agencies.empty() || !oversees.empty(); }
  bool MemberOf(const std::string& agency) const;
  bool Oversees(const std::string& agency) const;
  // The engine's view: a checked actor holding these roles.
  Actor ToActor() const;
};

struct TokenRow {
  std::int64_t id = 0;
  std::string user, note, created_by;
  std::vector<std::string> roles;
  std::vector<std::string> agencies, oversees;
  UnixSeconds created_at = 0;
  std::optional<UnixSeconds> revoked_at;
  std::optional<UnixSeconds> expires_at;
};

struct TokenSecret {
  std::string token;  // the only time it exists in clear
  std::string hash;   // what the store keeps
};

// A role id as tokens accept it: [a-z0-9_.:-]{1,64}.
bool IsRoleName(const std::string& role);

// An agency id as tokens accept it: [a-z0-9_.-]{1,64}.
bool IsAgencyId(const std::string& agency);

// A new token and its hash, made by whoever issues it (the CLI, the API handler): it shows the
// token once and puts only the hash in the command.
Result<TokenSecret> MakeTokenSecret();

// The form of a grant: user, roles, note, agency ids, the hash, an expiry after `now`;
// InvalidArgument naming the field.
Status ValidateGrant(const TokenGrant& grant, UnixSeconds now);
// An expiry as the CLI and the API take it: an instant ("2026-12-31T17:00+08:00", no offset: WIB)
// or a date, meaning through that day in WIB.
Result<UnixSeconds> ParseTokenExpiry(const std::string& text);
// The grant's agencies exist in `book` (sop/instansi/), and each overseen agency is named in the
// `mengawasi` list of one of the grant's own agencies (the province declares whom it oversees),
// unless the grant has no agency of its own (a national observer).
Status CheckGrantScope(const CalendarBook& book, const TokenScope& scope);
// Whether `by` may issue `grant`: an unchecked actor (the CLI) and a deployment-wide admin may
// issue any; an agency's admin issues tokens bound to some of its own agencies only, and no feed
// tokens (routes, not tokens, decide a feed's agency). PermissionDenied naming the field.
Status MayGrant(const Actor& by, const TokenGrant& grant);
// Whether `by` may see and revoke `token`: as MayGrant, a token it could have issued.
bool MayManage(const Actor& by, const TokenRow& token);

// Writes the token row inside the caller's transaction (the engine's); its id.
Result<std::int64_t> InsertToken(Database& db, const TokenGrant& grant, const std::string& created_by, UnixSeconds now);
// Marks an active token revoked inside the caller's transaction; NotFound when none.
Status MarkTokenRevoked(Database& db, std::int64_t id, UnixSeconds now);
Result<std::optional<TokenRow>> FindToken(Database& db, std::int64_t id);
// The audit detail of a token_created event, and a token's public description (never a secret).
nlohmann::json TokenCreatedDetail(std::int64_t id, const TokenGrant& grant);
nlohmann::json TokenJson(const TokenRow& token);

Result<std::vector<TokenRow>> ListTokens(Database& db);
// PermissionDenied for an unknown, malformed, revoked or (at `now`) expired token.
Result<Principal> Authenticate(Database& db, const std::string& token, UnixSeconds now);

// A new HMAC secret for an adapter (replacing any old one); shown once.
Result<std::string> CreateWebhookSecret(Database& db, const std::string& adapter, const std::string& by, UnixSeconds now);
Result<std::optional<std::string>> WebhookSecret(Database& db, const std::string& adapter);

}  // namespace siaga
