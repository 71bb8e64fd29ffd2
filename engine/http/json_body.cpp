#include "http/json_body.h"

#include <algorithm>

namespace siaga {

Result<nlohmann::json> JsonBody(const HttpRequest& req) {
  if (req.body.empty()) return InvalidField("body", "a JSON object is required");
  int depth_seen = 0;
  auto guard = [&](int depth, nlohmann::json::parse_event_t, nlohmann::json&) {
    depth_seen = std::max(depth_seen, depth);
    return depth <= 16;
  };
  nlohmann::json body = nlohmann::json::parse(req.body, guard, false);
  if (depth_seen > 16) return InvalidField("body", "nested deeper than 16 levels");
  if (body.is_discarded()) return InvalidField("body", "malformed JSON");
  if (!body.is_object()) return InvalidField("body", "must be a JSON object");
  return body;
}

Status OnlyKeys(const nlohmann::json& body, std::initializer_list<const char*> allowed) {
  for (const auto& [key, unused] : body.items())
    if (std::none_of(allowed.begin(), allowed.end(), [&k = key](const char* a) { return k == a; })) {
      std::string list;
      for (const char* a : allowed) list += (list.empty() ? "" : ", ") + std::string(a);
      return InvalidField(key, "unknown key (allowed: " + list + ")");
    }
  return Status::Ok();
}

Result<std::string> StringOf(const nlohmann::json& body, const char* key, bool required, std::size_t max) {
  if (!body.contains(key) || body[key].is_null()) {
    if (required) return InvalidField(key, "is required");
    return std::string();
  }
  if (!body[key].is_string()) return InvalidField(key, "must be a string");
  std::string v = body[key].get<std::string>();
  if (v.size() > max) return InvalidField(key, "at most " + std::to_string(max) + " bytes");
  if (required && v.empty()) return InvalidField(key, "must not be empty");
  return v;
}

Result<std::vector<std::string>> StringListOf(const nlohmann::json& body, const char* key, bool required, std::size_t max_items) {
  std::vector<std::string> out;
  if (!body.contains(key) || body[key].is_null()) {
    if (required) return InvalidField(key, "is required");
    return out;
  }
  if (!body[key].is_array()) return InvalidField(key, "must be a list of strings");
  if (body[key].size() > max_items) return InvalidField(key, "at most " + std::to_string(max_items) + " entries");
  for (const auto& item : body[key]) {
    if (!item.is_string()) return InvalidField(key, "every entry must be a string, got " + item.dump().substr(0, 60));
    out.push_back(item.get<std::string>());
  }
  if (required && out.empty()) return InvalidField(key, "must not be empty");
  return out;
}

}  // namespace siaga
