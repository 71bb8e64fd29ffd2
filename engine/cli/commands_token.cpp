// siaga token create|list|revoke: API tokens for people and feeds.
#include <algorithm>
#include <cstdlib>
#include <iostream>

#include <nlohmann/json.hpp>

#include "auth/tokens.h"
#include "cli/cli.h"
#include "time/calendar_book.h"

namespace siaga::cli {

std::string CliActorName() {
  const char* user = std::getenv("USER");
  return std::string("cli:") + (user != nullptr && *user != '\0' ? user : "operator");
}

namespace {

struct TokenOptions {
  std::string user, note;
  std::vector<std::string> roles;
  TokenScope scope;
  std::int64_t id = 0;
};

// Agencies named on a token must exist in sop/instansi/; an overseen agency must be named in the
// `mengawasi` list of one of the token's own agencies (the province declares whom it oversees),
// unless the token has no agency of its own (a national observer).
Status CheckScope(const GlobalOptions& global, const TokenScope& scope) {
  if (scope.agencies.empty() && scope.oversees.empty()) return Status::Ok();
  CalendarBook book;
  std::vector<Diagnostic> diagnostics = book.LoadDirectory(global.sop_dir);
  for (const Diagnostic& d : diagnostics)
    if (d.severity == Diagnostic::Severity::kError) return InvalidArgument("agency files do not load: " + d.ToString());
  for (const auto& a : scope.agencies)
    if (book.Agency(a) == nullptr) return InvalidField("agency", "no agency '" + a + "' in " + global.sop_dir + "/instansi/ (siaga agency list)");
  for (const auto& a : scope.oversees) {
    if (book.Agency(a) == nullptr) return InvalidField("oversees", "no agency '" + a + "' in " + global.sop_dir + "/instansi/ (siaga agency list)");
    if (scope.agencies.empty()) continue;
    bool declared = false;
    for (const auto& own : scope.agencies) {
      const auto& list = book.Agency(own)->mengawasi;
      declared = declared || std::find(list.begin(), list.end(), a) != list.end();
    }
    if (!declared) return InvalidField("oversees", "none of the token's agencies lists '" + a + "' in its mengawasi (sop/instansi/)");
  }
  return Status::Ok();
}

int Create(const GlobalOptions& global, const TokenOptions& o) {
  if (Status st = CheckScope(global, o.scope); !st.ok()) return Fail(st);
  auto db = OpenStore(global.db_path);
  if (!db.ok()) return Fail(db.status());
  auto made = CreateToken(**db, o.user, o.roles, o.note, CliActorName(), SystemClock().Now(), o.scope);
  if (!made.ok()) return Fail(made.status());
  if (global.json) {
    std::cout << nlohmann::json{{"id", made->id}, {"user", o.user}, {"roles", o.roles}, {"agencies", o.scope.agencies},
                                {"oversees", o.scope.oversees}, {"token", made->token}}.dump() << "\n";
  } else {
    std::cout << "token " << made->id << " for " << o.user << " (keep it now: it is not shown again)\n" << made->token << "\n";
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
                << (t.revoked_at ? "  REVOKED " + FormatUtc(*t.revoked_at) : "") << (t.note.empty() ? "" : "  " + t.note) << "\n";
    }
    out.push_back({{"id", t.id}, {"user", t.user}, {"roles", t.roles}, {"agencies", t.agencies}, {"oversees", t.oversees}, {"note", t.note}, {"created_at", FormatUtc(t.created_at)},
                   {"created_by", t.created_by}, {"revoked_at", t.revoked_at ? nlohmann::json(FormatUtc(*t.revoked_at)) : nlohmann::json(nullptr)}});
  }
  if (global.json) std::cout << out.dump(2) << "\n";
  return kExitOk;
}

int Revoke(const GlobalOptions& global, std::int64_t id) {
  auto db = OpenStore(global.db_path);
  if (!db.ok()) return Fail(db.status());
  Status st = RevokeToken(**db, id, CliActorName(), SystemClock().Now());
  if (!st.ok()) return Fail(st);
  std::cout << "token " << id << " revoked\n";
  return kExitOk;
}

}  // namespace

void AddTokenCommands(CLI::App& app, GlobalOptions& global, int& exit_code) {
  auto o = std::make_shared<TokenOptions>();
  CLI::App* group = app.add_subcommand("token", "API tokens: create (shown once), list, revoke");
  group->require_subcommand(1);
  CLI::App* create = group->add_subcommand("create", "make a token bound to a user and roles");
  create->add_option("--user", o->user, "who the token is for")->required();
  create->add_option("--role", o->roles,
                     "a role: a procedure's pelaksana id (e.g. helpdesk), admin, or webhook:ADAPTER for a feed; repeatable")
      ->required();
  create->add_option("--agency", o->scope.agencies,
                     "bind the token to an agency (sop/instansi/<id>.lua): it reads and acts on that agency's cases only, "
                     "and admin means admin of it; repeatable; none: a deployment-wide token");
  create->add_option("--oversees", o->scope.oversees,
                     "read-only access to an agency's cases (one that the token's agency lists in mengawasi); repeatable");
  create->add_option("--note", o->note, "what the token is for");
  create->callback([&global, &exit_code, o] { exit_code = Create(global, *o); });
  group->add_subcommand("list", "list tokens (never their secrets)")->callback([&global, &exit_code] { exit_code = List(global); });
  CLI::App* revoke = group->add_subcommand("revoke", "revoke a token by its id");
  revoke->add_option("id", o->id, "token id (siaga token list)")->required();
  revoke->callback([&global, &exit_code, o] { exit_code = Revoke(global, o->id); });
}

}  // namespace siaga::cli
