// Reading a JSON request body at the API's boundary: one parser with a depth guard, and checks
// that name the offending field in the 400 they produce.
#pragma once

#include <initializer_list>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/status.h"
#include "http/http_types.h"

namespace siaga {

// The body as a JSON object, nested at most 16 levels.
Result<nlohmann::json> JsonBody(const HttpRequest& req);
// InvalidArgument naming the first key not in `allowed`.
Status OnlyKeys(const nlohmann::json& body, std::initializer_list<const char*> allowed);
// body[key] as a string of at most `max` bytes; "" when absent and not required.
Result<std::string> StringOf(const nlohmann::json& body, const char* key, bool required, std::size_t max = 10'000);
// body[key] as a list of strings, at most `max_items`; empty when absent and not required.
Result<std::vector<std::string>> StringListOf(const nlohmann::json& body, const char* key, bool required, std::size_t max_items = 64);

}  // namespace siaga
