#include "http/http_types.h"

#include <cctype>

#include <spdlog/spdlog.h>

namespace siaga {

const std::string& HttpRequest::Header(const std::string& lower_name) const {
  static const std::string kEmpty;
  auto it = headers.find(lower_name);
  return it == headers.end() ? kEmpty : it->second;
}

std::string PercentDecode(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '+') {
      out += ' ';
    } else if (c == '%' && i + 2 < text.size() && std::isxdigit(static_cast<unsigned char>(text[i + 1])) &&
               std::isxdigit(static_cast<unsigned char>(text[i + 2]))) {
      out += static_cast<char>(std::stoi(text.substr(i + 1, 2), nullptr, 16));
      i += 2;
    } else {
      out += c;
    }
  }
  return out;
}

std::string HttpRequest::Param(const std::string& name, const std::string& fallback) const {
  std::size_t start = 0;
  while (start <= query.size()) {
    std::size_t end = query.find('&', start);
    if (end == std::string::npos) end = query.size();
    const std::string pair = query.substr(start, end - start);
    const auto eq = pair.find('=');
    if (PercentDecode(pair.substr(0, eq)) == name) return eq == std::string::npos ? "" : PercentDecode(pair.substr(eq + 1));
    start = end + 1;
  }
  return fallback;
}

HttpResponse JsonResponse(int status, const nlohmann::json& body) {
  HttpResponse r;
  r.status = status;
  r.body = body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  return r;
}

HttpResponse ErrorResponse(int status, const std::string& code, const std::string& message, const std::string& field) {
  nlohmann::json error = {{"code", code}, {"message", message}};
  error["field"] = field.empty() ? nlohmann::json(nullptr) : nlohmann::json(field);
  return JsonResponse(status, {{"error", error}});
}

HttpResponse StatusResponse(const Status& status) {
  switch (status.code()) {
    case StatusCode::kOk: return JsonResponse(200, nlohmann::json::object());
    case StatusCode::kInvalidArgument: return ErrorResponse(400, "invalid_argument", status.message(), status.field());
    case StatusCode::kNotFound: return ErrorResponse(404, "not_found", status.message(), status.field());
    case StatusCode::kConflict: return ErrorResponse(409, "conflict", status.message(), status.field());
    case StatusCode::kPermissionDenied: return ErrorResponse(403, "forbidden", status.message(), status.field());
    case StatusCode::kScriptError:
      // Script messages carry file paths and tracebacks: they go to the log, not to the client.
      spdlog::error("{}", status.message());
      return ErrorResponse(500, "script_error", "a Lua script failed; the server log has the details");
    case StatusCode::kStorageError:
    case StatusCode::kUnavailable: {
      HttpResponse r = ErrorResponse(503, "unavailable", status.message());
      r.headers.emplace_back("Retry-After", "1");
      return r;
    }
    case StatusCode::kInternal: break;
  }
  spdlog::error("{}", status.message());
  return ErrorResponse(500, "internal", "internal error; the server log has the details");
}

}  // namespace siaga
