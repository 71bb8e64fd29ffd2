// /api/tokens and /api/agencies: binding people to roles in agencies over HTTP. An admin issues
// and revokes tokens through the engine's token commands (the row and its audit event in one
// transaction); an agency's admin sees and manages its own agencies' tokens only, and a token
// outside its reach answers 404 as a missing one does. Agencies themselves are Lua files
// (docs/decisions/agencies.md): the API lists them, `siaga agency create` writes one.
#include <charconv>

#include "http/api.h"
#include "http/json_body.h"

namespace siaga {

namespace {

Result<std::int64_t> TokenIdOf(const std::string& text) {
  std::int64_t id = 0;
  auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
  if (ec != std::errc() || p != text.data() + text.size() || id <= 0) return InvalidField("id", "a token id (GET /api/tokens)");
  return id;
}

}  // namespace

HttpResponse Api::Agencies(const Principal& who) {
  const auto held = Catalog();
  nlohmann::json out = nlohmann::json::array();
  for (const auto& agency : held->agencies) {
    const std::string id = agency.value("id", "");
    nlohmann::json shown = agency;
    if (!who.Scoped()) shown["access"] = "deployment";
    else if (who.MemberOf(id)) shown["access"] = "member";
    else if (who.Oversees(id)) shown["access"] = "overseer";
    else continue;
    out.push_back(std::move(shown));
  }
  return JsonResponse(200, {{"agencies", out}});
}

HttpResponse Api::TokenList(const Principal& who) {
  auto lease = ctx_.reads.Borrow();
  if (!lease.ok()) return StatusResponse(lease.status());
  auto rows = ListTokens((*lease)->db());
  if (!rows.ok()) return StatusResponse(rows.status());
  const Actor by = who.ToActor();
  nlohmann::json out = nlohmann::json::array();
  for (const TokenRow& t : *rows)
    if (MayManage(by, t)) out.push_back(TokenJson(t));
  return JsonResponse(200, {{"tokens", out}});
}

HttpResponse Api::TokenShow(const std::string& id_text, const Principal& who) {
  auto id = TokenIdOf(id_text);
  if (!id.ok()) return StatusResponse(id.status());
  auto lease = ctx_.reads.Borrow();
  if (!lease.ok()) return StatusResponse(lease.status());
  auto token = FindToken((*lease)->db(), *id);
  if (!token.ok()) return StatusResponse(token.status());
  if (!*token || !MayManage(who.ToActor(), **token)) return StatusResponse(NotFound("no token " + std::to_string(*id)).WithField("id"));
  return JsonResponse(200, TokenJson(**token));
}

HttpResponse Api::TokenIssue(const HttpRequest& req, const Principal& who) {
  auto body = JsonBody(req);
  if (!body.ok()) return StatusResponse(body.status());
  if (Status st = OnlyKeys(*body, {"user", "roles", "agencies", "oversees", "note", "expires_at"}); !st.ok()) return StatusResponse(st);
  auto user = StringOf(*body, "user", true, 100);
  auto note = StringOf(*body, "note", false, 500);
  auto expires = StringOf(*body, "expires_at", false, 40);
  auto roles = StringListOf(*body, "roles", true, 32);
  auto agencies = StringListOf(*body, "agencies", false);
  auto oversees = StringListOf(*body, "oversees", false);
  for (auto* r : {&user, &note, &expires})
    if (!r->ok()) return StatusResponse(r->status());
  for (auto* r : {&roles, &agencies, &oversees})
    if (!r->ok()) return StatusResponse(r->status());
  auto secret = MakeTokenSecret();
  if (!secret.ok()) return StatusResponse(secret.status());
  auto grant = std::make_shared<TokenGrant>();
  grant->user = *user;
  grant->note = *note;
  grant->roles = *roles;
  grant->scope = {*agencies, *oversees};
  grant->token_hash = secret->hash;
  if (!expires->empty()) {
    auto at = ParseTokenExpiry(*expires);
    if (!at.ok()) return StatusResponse(at.status());
    grant->expires_at = *at;
  }
  Command issue;
  issue.type = Command::Type::kCreateToken;
  issue.actor = who.ToActor();
  issue.token_grant = grant;
  auto results = Execute({issue});
  if (!results.ok()) return StatusResponse(results.status());
  const CommandResult& r = results->front();
  if (!r.status.ok()) return StatusResponse(r.status);
  const std::int64_t id = r.detail["token_id"].get<std::int64_t>();
  auto lease = ctx_.reads.Borrow();
  if (!lease.ok()) return StatusResponse(lease.status());
  auto stored = FindToken((*lease)->db(), id);
  if (!stored.ok()) return StatusResponse(stored.status());
  if (!*stored) return StatusResponse(Internal("token " + std::to_string(id) + " was issued but cannot be read back"));
  nlohmann::json out = TokenJson(**stored);
  out["token"] = secret->token;  // the only time it is shown
  HttpResponse created = JsonResponse(201, out);
  created.headers.emplace_back("Location", "/api/tokens/" + std::to_string(id));
  created.headers.emplace_back("Cache-Control", "no-store");
  return created;
}

HttpResponse Api::TokenRevoke(const std::string& id_text, const Principal& who) {
  auto id = TokenIdOf(id_text);
  if (!id.ok()) return StatusResponse(id.status());
  Command revoke;
  revoke.type = Command::Type::kRevokeToken;
  revoke.actor = who.ToActor();
  revoke.token_id = *id;
  auto results = Execute({revoke});
  if (!results.ok()) return StatusResponse(results.status());
  const CommandResult& r = results->front();
  if (!r.status.ok()) return StatusResponse(r.status);
  return JsonResponse(200, r.detail);
}

}  // namespace siaga
