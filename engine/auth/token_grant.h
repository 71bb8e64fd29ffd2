// What a new API token grants: the data of the engine's create-token command. Plain data, so the
// engine's command type can carry it without depending on the token store.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace siaga {

// The agency scope of a token (docs/multi-agency.md); both empty: unscoped. An agency may not be
// in both lists.
struct TokenScope {
  std::vector<std::string> agencies;
  std::vector<std::string> oversees;
};

struct TokenGrant {
  std::string user;
  std::vector<std::string> roles;
  std::string note;
  TokenScope scope;
  // SHA-256 (hex) of the token. The issuer makes the secret and keeps the clear text: it never
  // travels in a command, a log line or the store.
  std::string token_hash;
  // Unix seconds after which the token no longer signs in (an acting official's term, a
  // contractor's engagement); nullopt: until revoked.
  std::optional<std::int64_t> expires_at;
};

}  // namespace siaga
