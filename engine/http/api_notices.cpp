// GET /api/notices?state=dead and POST /api/notices/{id}/retry (admin): the delivery list, dead
// letters first of all, and sending a dead letter again. Case pages show a case's own notices.
#include <charconv>

#include "http/api.h"
#include "runner/queries.h"

namespace siaga {

HttpResponse Api::Notices(const HttpRequest& req) {
  const std::string state = req.Param("state", "dead");
  auto lease = ctx_.reads.Borrow();
  if (!lease.ok()) return StatusResponse(lease.status());
  auto list = ListDeliveries((*lease)->db(), state, 500);
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
  Command retry;
  retry.type = Command::Type::kRetryDeliveries;
  retry.actor = who.ToActor();
  retry.delivery_id = id;
  auto results = Execute({retry});
  if (!results.ok()) return StatusResponse(results.status());
  const CommandResult& r = results->front();
  if (!r.status.ok()) return StatusResponse(r.status);
  return JsonResponse(200, r.detail);
}

}  // namespace siaga
