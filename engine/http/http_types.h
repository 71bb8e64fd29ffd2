// A request as the handlers see it (already read, size-checked and complete) and the response
// they give back. Nothing here knows CivetWeb, so handlers are testable without a socket.
#pragma once

#include <map>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/status.h"

namespace siaga {

struct HttpRequest {
  std::string method, path, query, body, remote_addr;
  std::map<std::string, std::string> headers;  // names in lower case

  const std::string& Header(const std::string& lower_name) const;
  // A query parameter, percent-decoded; `fallback` when absent.
  std::string Param(const std::string& name, const std::string& fallback = "") const;
};

struct HttpResponse {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
};

HttpResponse JsonResponse(int status, const nlohmann::json& body);
// {"error": {"code", "message", "field"}}; `code` is a stable word such as "invalid_argument".
HttpResponse ErrorResponse(int status, const std::string& code, const std::string& message, const std::string& field = "");
// The HTTP answer for a failed Status: 400, 403, 404, 409, 503 (with Retry-After) or 500.
HttpResponse StatusResponse(const Status& status);

std::string PercentDecode(const std::string& text);

}  // namespace siaga
