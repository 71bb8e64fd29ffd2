// POST /hooks/{adapter} and the inbox of held payloads.
#include <charconv>

#include <spdlog/spdlog.h>

#include "http/api.h"
#include "http/signature.h"
#include "webhooks/intake.h"

namespace siaga {

namespace {

HttpResponse Unauthorized(const Status& why) {
  HttpResponse r = ErrorResponse(401, "unauthorized", why.message(), why.field());
  r.headers.emplace_back("WWW-Authenticate", "Bearer");
  return r;
}

}  // namespace

HttpResponse Api::Webhook(const std::string& adapter, const HttpRequest& req) {
  const auto held = Catalog();
  const ServerCatalog& catalog = *held;
  auto it = IsAdapterName(adapter) ? catalog.adapters.find(adapter) : catalog.adapters.end();
  if (it == catalog.adapters.end()) {
    ctx_.metrics.Add("siaga_webhook_payloads_total", "adapter=\"unknown\",outcome=\"not_found\"");
    return ErrorResponse(404, "not_found", "no webhook adapter '" + adapter + "' (see GET /api/adapters)", "adapter");
  }
  const AdapterInfo& info = it->second;
  const std::string labels = "adapter=\"" + adapter + "\",outcome=";
  const std::string sender = Sender(req);
  if (!ctx_.hook_limiter.Allow(adapter + "|" + sender)) {
    ctx_.metrics.Add("siaga_webhook_payloads_total", labels + "\"rate_limited\"");
    HttpResponse r = ErrorResponse(429, "too_many_requests", "sender " + sender + " is over the rate limit for this adapter");
    r.headers.emplace_back("Retry-After", std::to_string(ctx_.hook_limiter.RetryAfterSeconds()));
    return r;
  }
  // Guessed tokens and signatures count with the API's failed sign-ins, per address.
  if (auto refused = RefuseBlockedSender(sender)) {
    ctx_.metrics.Add("siaga_webhook_payloads_total", labels + "\"blocked\"");
    return *refused;
  }

  // Authentication: the adapter's profile decides how.
  {
    auto lease = ctx_.reads.Borrow();
    if (!lease.ok()) return StatusResponse(lease.status());
    Database& db = (*lease)->db();
    if (info.auth == HookAuth::kToken) {
      const std::string& header = req.Header("authorization");
      if (header.rfind("Bearer ", 0) != 0) return Unauthorized(PermissionDenied("missing Authorization: Bearer <token>").WithField("Authorization"));
      auto who = Authenticate(db, header.substr(7), ctx_.clock.Now());
      if (!who.ok()) {
        if (who.status().code() != StatusCode::kPermissionDenied) return StatusResponse(who.status());
        ctx_.metrics.Add("siaga_webhook_payloads_total", labels + "\"unauthorized\"");
        CountFailedSignIn(sender, req.path, who.status().message());
        return Unauthorized(Status(who.status().code(), who.status().message()).WithField("Authorization"));
      }
      if (!who->Holds("webhook:" + adapter)) {
        ctx_.metrics.Add("siaga_webhook_payloads_total", labels + "\"forbidden\"");
        return ErrorResponse(403, "forbidden", "this token lacks the role 'webhook:" + adapter + "'", "Authorization");
      }
    } else {
      auto secret = WebhookSecret(db, adapter);
      if (!secret.ok()) return StatusResponse(secret.status());
      if (!*secret) {
        ctx_.metrics.Add("siaga_webhook_payloads_total", labels + "\"unauthorized\"");
        return Unauthorized(PermissionDenied("no secret is set for adapter '" + adapter + "' (siaga hook secret " + adapter + ")"));
      }
      Status verified = info.auth == HookAuth::kHmac
                            ? VerifySiagaSignature(**secret, req.Header("x-siaga-timestamp"), req.Header("x-siaga-signature"), req.body,
                                                   ctx_.clock.Now(), ctx_.options.replay_window_seconds)
                            : VerifyGithubSignature(**secret, req.Header("x-hub-signature-256"), req.body);
      if (!verified.ok()) {
        ctx_.metrics.Add("siaga_webhook_payloads_total", labels + "\"unauthorized\"");
        CountFailedSignIn(sender, req.path, verified.message());
        return Unauthorized(verified);
      }
    }
  }
  if (req.body.empty()) return ErrorResponse(400, "invalid_argument", "the body is empty", "body");

  const nlohmann::json meta = {{"adapter", adapter}, {"received_at", ctx_.clock.Now()}, {"sender", sender}};
  Result<nlohmann::json> out = ctx_.adapters.Run(adapter, req.body, meta);
  if (!out.ok()) {
    const Status& st = out.status();
    if (st.code() == StatusCode::kInvalidArgument) {  // the sender's payload is bad: nothing is stored
      ctx_.metrics.Add("siaga_webhook_payloads_total", labels + "\"rejected\"");
      return ErrorResponse(400, "invalid_argument", st.message(), st.field().empty() ? "body" : st.field());
    }
    if (st.code() == StatusCode::kUnavailable || st.code() == StatusCode::kNotFound) return StatusResponse(st);
    spdlog::warn("webhook {}: adapter failed, payload held: {}", adapter, st.message());
  }
  Command ingest;
  ingest.type = Command::Type::kIngest;
  ingest.actor.name = "webhook:" + adapter;
  ingest.ingest = std::make_shared<IngestRequest>(MakeIngest(out, adapter, sender, PayloadMediaType(info.format), req.body, catalog.routes));
  auto results = Execute({ingest});
  if (!results.ok()) return StatusResponse(results.status());
  const CommandResult& r = results->front();
  if (!r.status.ok()) return StatusResponse(r.status);
  nlohmann::json answer = {{"accepted", r.detail["accepted"]}, {"duplicates", r.detail["duplicates"]}, {"ignored", r.detail["ignored"]},
                           {"cases", r.detail["cases"]}, {"inbox_id", r.detail["inbox_id"]}, {"state", r.detail["state"]}};
  if (r.detail["state"] == "held") {
    spdlog::warn("webhook {}: payload held as inbox {}: {}", adapter, r.detail["inbox_id"].get<std::int64_t>(), r.detail.value("error", ""));
    answer["held"] = "the payload could not be turned into cases; it is kept for reprocessing (an admin sees why in GET /api/inbox)";
  }
  ctx_.metrics.Add("siaga_webhook_payloads_total", labels + "\"" + r.detail["state"].get<std::string>() + "\"");
  ctx_.metrics.Add("siaga_webhook_cases_total", "adapter=\"" + adapter + "\"", r.detail["accepted"].get<std::uint64_t>());
  return JsonResponse(202, answer);
}

HttpResponse Api::Inbox(const HttpRequest& req) {
  const std::string state = req.Param("state", "held");
  if (state != "held" && state != "processed") return ErrorResponse(400, "invalid_argument", "state: held or processed", "state");
  auto lease = ctx_.reads.Borrow();
  if (!lease.ok()) return StatusResponse(lease.status());
  auto q = (*lease)->db().Prepare(
      "SELECT id, adapter, sender, content_type, length(body), sha256, received_at, state, error, attempts, result "
      "FROM inbox WHERE state = ? ORDER BY id DESC LIMIT 200");
  if (!q.ok()) return StatusResponse(q.status());
  q->Bind(1, state);
  nlohmann::json list = nlohmann::json::array();
  while (true) {
    auto row = q->Step();
    if (!row.ok()) return StatusResponse(row.status());
    if (!*row) break;
    list.push_back({{"id", q->Int(0)}, {"adapter", q->Text(1)}, {"sender", q->Text(2)}, {"content_type", q->Text(3)},
                    {"bytes", q->Int(4)}, {"sha256", q->Text(5)}, {"received_at", FormatUtc(q->Int(6))}, {"state", q->Text(7)},
                    {"error", q->IsNull(8) ? nlohmann::json(nullptr) : nlohmann::json(q->Text(8))}, {"attempts", q->Int(9)},
                    {"result", nlohmann::json::parse(q->Text(10), nullptr, false)}});
  }
  return JsonResponse(200, {{"inbox", list}});
}

HttpResponse Api::Reprocess(const std::string& id_text, const Principal& who) {
  std::int64_t id = 0;
  auto [p, ec] = std::from_chars(id_text.data(), id_text.data() + id_text.size(), id);
  if (ec != std::errc() || p != id_text.data() + id_text.size()) return ErrorResponse(400, "invalid_argument", "id: a number", "id");
  std::string adapter, sender, content_type, body, state;
  {
    auto lease = ctx_.reads.Borrow();
    if (!lease.ok()) return StatusResponse(lease.status());
    auto q = (*lease)->db().Prepare("SELECT adapter, sender, content_type, body, state FROM inbox WHERE id = ?");
    if (!q.ok()) return StatusResponse(q.status());
    q->Bind(1, id);
    auto row = q->Step();
    if (!row.ok()) return StatusResponse(row.status());
    if (!*row) return ErrorResponse(404, "not_found", "no inbox payload " + id_text);
    adapter = q->Text(0);
    sender = q->Text(1);
    content_type = q->Text(2);
    body = q->Blob(3);
    state = q->Text(4);
    q->Run();
  }
  if (state != "held") return ErrorResponse(409, "conflict", "inbox payload " + id_text + " is " + state + ", not held");
  const nlohmann::json meta = {{"adapter", adapter}, {"received_at", ctx_.clock.Now()}, {"sender", sender}};
  Result<nlohmann::json> out = ctx_.adapters.Run(adapter, body, meta);
  if (!out.ok() && out.status().code() == StatusCode::kUnavailable) return StatusResponse(out.status());
  Command ingest;
  ingest.type = Command::Type::kIngest;
  ingest.actor.name = who.user;
  auto request = MakeIngest(out, adapter, sender, content_type, body, Catalog()->routes);
  request.inbox_id = id;
  ingest.ingest = std::make_shared<IngestRequest>(std::move(request));
  auto results = Execute({ingest});
  if (!results.ok()) return StatusResponse(results.status());
  const CommandResult& r = results->front();
  if (!r.status.ok()) return StatusResponse(r.status);
  return JsonResponse(200, r.detail);
}

}  // namespace siaga
