// API tokens and webhook secrets. A token is random (256 bits), shown once at creation and
// stored only as its SHA-256, bound to a user and roles; the roles are procedure pelaksana ids
// ("helpdesk", "analis"), "admin", or "webhook:ADAPTER" for a feed that authenticates by token.
// Creating and revoking are admin operations, written with their audit event in one transaction.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/clock.h"
#include "runner/engine.h"
#include "store/database.h"

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
};

struct NewToken {
  std::int64_t id = 0;
  std::string token;  // the only time it exists in clear
};

// A role id as tokens accept it: [a-z0-9_.:-]{1,64}.
bool IsRoleName(const std::string& role);

// An agency id as tokens accept it: [a-z0-9_.-]{1,64}.
bool IsAgencyId(const std::string& agency);

// The agency scope of a new token; both empty: unscoped. An agency may not be in both lists.
struct TokenScope {
  std::vector<std::string> agencies;
  std::vector<std::string> oversees;
};

Result<NewToken> CreateToken(Database& db, const std::string& user, const std::vector<std::string>& roles,
                             const std::string& note, const std::string& created_by, UnixSeconds now,
                             const TokenScope& scope = {});
Status RevokeToken(Database& db, std::int64_t id, const std::string& by, UnixSeconds now);
Result<std::vector<TokenRow>> ListTokens(Database& db);
// PermissionDenied for an unknown, malformed or revoked token.
Result<Principal> Authenticate(Database& db, const std::string& token);

// A new HMAC secret for an adapter (replacing any old one); shown once.
Result<std::string> CreateWebhookSecret(Database& db, const std::string& adapter, const std::string& by, UnixSeconds now);
Result<std::optional<std::string>> WebhookSecret(Database& db, const std::string& adapter);

}  // namespace siaga
