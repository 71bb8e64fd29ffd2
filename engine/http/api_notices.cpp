// GET /api/notices?state=dead and POST /api/notices/{id}/retry (admin): the delivery list, dead
// letters first of all, and sending a dead letter again. Case pages show a case's own notices.
#include <charconv>

#include "http/api.h"
#include "runner/queries.h"

namespace siaga {

HttpResponse Api::Notices(const HttpRequest& req, const Principal& who) {
  const std::string state = req.Param("state", "dead");
  auto lease = ctx_.reads.Borrow();
  if (!lease.ok()) return StatusResponse(lease.status());
  // An agency's admin sees the notices of its agencies' cases only.
  std::optional<std::vector<std::string>> procedures;
  if (who.Scoped()) procedures = ActableProcedures(who);
  auto list = ListDeliveries((*lease)->db(), state, 500, procedures);
  if (!list.ok()) return StatusResponse(list.status());
  return JsonResponse(200, {{"state", state}, {"notices", *list}});
}

HttpResponse Api::RetryNotice(const std::string& id_text, const Principal& who) {
  std::int64_t id = 0;
  if (id_text != "dead") {
    auto [p, ec] = std::from_chars(id_text.data(), id_text.data() + id_text.size(), id);
    if (ec != std::errc() || p != id_text.data() + id_text.size() || id <= 0)
      return ErrorResponse(400, "invalid_argument", "id: a delivery number, or 'dead' for every dead letter", "id");
  }
  std::vector<Command> commands;
  Command retry;
  retry.type = Command::Type::kRetryDeliveries;
  retry.actor = who.ToActor();
  retry.delivery_id = id;
  if (who.Scoped()) {
    // An agency's admin retries its own agencies' deliveries: each one named, never "every dead one".
    const std::vector<std::string> procedures = ActableProcedures(who);
    auto lease = ctx_.reads.Borrow();
    if (!lease.ok()) return StatusResponse(lease.status());
    auto q = (*lease)->db().Prepare(
        "SELECT d.id FROM deliveries d JOIN cases c ON c.id = d.case_id WHERE (?1 = 0 AND d.state = 'dead' OR d.id = ?1) "
        "AND c.procedure_id IN (SELECT value FROM json_each(?2)) ORDER BY d.id");
    if (!q.ok()) return StatusResponse(q.status());
    q->Bind(1, id).Bind(2, nlohmann::json(procedures).dump());
    while (true) {
      auto row = q->Step();
      if (!row.ok()) return StatusResponse(row.status());
      if (!*row) break;
      retry.delivery_id = q->Int(0);
      commands.push_back(retry);
    }
    if (commands.empty() && id != 0) {
      // Another agency's delivery answers as a missing one, and the attempt is recorded.
      auto other = (*lease)->db().Prepare("SELECT case_id FROM deliveries WHERE id = ?");
      if (!other.ok()) return StatusResponse(other.status());
      other->Bind(1, id);
      auto found = other->Step();
      if (!found.ok()) return StatusResponse(found.status());
      if (*found) AuditCrossAgency(who, {{"delivery_id", id}, {"case_id", other->Int(0)}, {"what", "retry_notice"}});
      return StatusResponse(NotFound("no delivery " + std::to_string(id)));
    }
    if (commands.empty()) return JsonResponse(200, {{"retried", 0}});
  } else {
    commands.push_back(retry);
  }
  auto results = Execute(commands);
  if (!results.ok()) return StatusResponse(results.status());
  if (commands.size() > 1) {
    int retried = 0;
    for (const CommandResult& r : *results) retried += r.status.ok() ? 1 : 0;
    return JsonResponse(200, {{"retried", retried}});
  }
  const CommandResult& r = results->front();
  if (!r.status.ok()) return StatusResponse(r.status);
  return JsonResponse(200, r.detail);
}

}  // namespace siaga
