// siaga token create|list|revoke: API tokens for people and feeds.
#include <cstdlib>
#include <iostream>

#include <nlohmann/json.hpp>

#include "auth/tokens.h"
#include "cli/cli.h"

namespace siaga::cli {

std::string CliActorName() {
  const char* user = std::getenv("USER");
  return std::string("cli:") + (user != nullptr && *user != '\0' ? user : "operator");
}

namespace {

struct TokenOptions {
  TokenGrant grant;
  std::string until;
  std::int64_t id = 0;
};

// Token commands go through the engine as every change does (one transaction with the audit
// event); the CLI is deployment-wide, so it issues any token the agency files allow.
Result<CommandResult> ApplyTokenCommand(const GlobalOptions& global, Command command) {
  auto session = OpenSession(global);
  if (!session.ok()) return session.status();
  command.actor.name = CliActorName();
  CommandResult result = (*session)->engine->Apply(command);
  if (!result.status.ok()) return result.status;
  return result;
}

int Create(const GlobalOptions& global, TokenGrant grant, const std::string& until) {
  if (!until.empty()) {
    auto at = ParseTokenExpiry(until);
    if (!at.ok()) return Fail(at.status());
    grant.expires_at = *at;
  }
  auto secret = MakeTokenSecret();
  if (!secret.ok()) return Fail(secret.status());
  grant.token_hash = secret->hash;
  Command command;
  command.type = Command::Type::kCreateToken;
  command.token_grant = std::make_shared<const TokenGrant>(grant);
  auto made = ApplyTokenCommand(global, command);
  if (!made.ok()) return Fail(made.status());
  const std::int64_t id = made->detail["token_id"].get<std::int64_t>();
  if (global.json) {
    std::cout << nlohmann::json{{"id", id}, {"user", grant.user}, {"roles", grant.roles}, {"agencies", grant.scope.agencies},
                                {"oversees", grant.scope.oversees},
                                {"expires_at", grant.expires_at ? nlohmann::json(FormatUtc(*grant.expires_at)) : nlohmann::json(nullptr)},
                                {"token", secret->token}}.dump() << "\n";
  } else {
    std::cout << "token " << id << " for " << grant.user << " (keep it now: it is not shown again)\n" << secret->token << "\n";
  }
  return kExitOk;
}

int List(const GlobalOptions& global) {
  auto db = OpenStore(global.db_path);
  if (!db.ok()) return Fail(db.status());
  auto rows = ListTokens(**db);
  if (!rows.ok()) return Fail(rows.status());
  nlohmann::json out = nlohmann::json::array();
  for (const TokenRow& t : *rows) {
    if (!global.json) {
      std::string roles;
      for (const auto& r : t.roles) roles += (roles.empty() ? "" : ",") + r;
      std::string scope;
      for (const auto& a : t.agencies) scope += (scope.empty() ? "  agency " : ",") + a;
      for (const auto& a : t.oversees) scope += "  oversees " + a;
      std::cout << t.id << "  " << t.user << "  [" << roles << "]" << scope << "  created " << FormatUtc(t.created_at) << " by " << t.created_by
                << (t.revoked_at ? "  REVOKED " + FormatUtc(*t.revoked_at) : "")
                << (t.expires_at ? "  until " + FormatUtc(*t.expires_at) : "") << (t.note.empty() ? "" : "  " + t.note) << "\n";
    }
    out.push_back(TokenJson(t));
  }
  if (global.json) std::cout << out.dump(2) << "\n";
  return kExitOk;
}

int Revoke(const GlobalOptions& global, std::int64_t id) {
  Command command;
  command.type = Command::Type::kRevokeToken;
  command.token_id = id;
  auto revoked = ApplyTokenCommand(global, command);
  if (!revoked.ok()) return Fail(revoked.status());
  std::cout << "token " << id << " revoked\n";
  return kExitOk;
}

}  // namespace

void AddTokenCommands(CLI::App& app, GlobalOptions& global, int& exit_code) {
  auto o = std::make_shared<TokenOptions>();
  CLI::App* group = app.add_subcommand("token", "API tokens: create (shown once), list, revoke");
  group->require_subcommand(1);
  CLI::App* create = group->add_subcommand("create", "make a token bound to a user and roles");
  create->add_option("--user", o->grant.user, "who the token is for")->required();
  create->add_option("--role", o->grant.roles,
                     "a role: a procedure's pelaksana id (e.g. helpdesk), admin, or webhook:ADAPTER for a feed; repeatable")
      ->required();
  create->add_option("--agency", o->grant.scope.agencies,
                     "bind the token to an agency (sop/instansi/<id>.lua): it reads and acts on that agency's cases only, "
                     "and admin means admin of it; repeatable; none: a deployment-wide token");
  create->add_option("--oversees", o->grant.scope.oversees,
                     "read-only access to an agency's cases (one that the token's agency lists in mengawasi); repeatable");
  create->add_option("--note", o->grant.note, "what the token is for");
  create->add_option("--until", o->until,
                     "the token stops working after this: a date (through that day, WIB) or an instant with its offset; "
                     "for an acting official (Plt./Plh.) or a contractor");
  create->callback([&global, &exit_code, o] { exit_code = Create(global, o->grant, o->until); });
  group->add_subcommand("list", "list tokens (never their secrets)")->callback([&global, &exit_code] { exit_code = List(global); });
  CLI::App* revoke = group->add_subcommand("revoke", "revoke a token by its id");
  revoke->add_option("id", o->id, "token id (siaga token list)")->required();
  revoke->callback([&global, &exit_code, o] { exit_code = Revoke(global, o->id); });
}

}  // namespace siaga::cli
