// Fuzz target: an /api/ request body through the boundary every JSON endpoint shares
// (http/json_body.h): JsonBody with its depth guard, then the key, string and string-list
// checks as POST /api/tokens applies them, and the instant parser behind `expires_at` and
// `--now`. A body is either an object nested at most 16 levels, or a 400 naming `body`; a check
// either returns the value or names its field; nothing throws.
#include <cstdint>
#include <algorithm>
#include <string>

#include "common/clock.h"
#include "fuzz_check.h"
#include "http/json_body.h"

using namespace siaga;

namespace {

int Depth(const nlohmann::json& j) {
  if (!j.is_structured()) return 0;
  int deepest = 0;
  for (const auto& child : j) deepest = std::max(deepest, Depth(child));
  return deepest + 1;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  HttpRequest req;
  req.method = "POST";
  req.path = "/api/tokens";
  req.body = std::string(fuzz::AsText(data, size));
  auto body = JsonBody(req);
  if (!body.ok()) {
    FUZZ_CHECK(body.status().code() == StatusCode::kInvalidArgument);
    FUZZ_CHECK(body.status().field() == "body");
    return 0;
  }
  FUZZ_CHECK(body->is_object());
  FUZZ_CHECK(Depth(*body) <= 17);  // the guard counts from the top object: 16 levels below it

  const Status keys = OnlyKeys(*body, {"user", "roles", "agencies", "oversees", "note", "expires_at"});
  if (!keys.ok()) FUZZ_CHECK(body->contains(keys.field()));  // it names a key the body has
  for (const char* key : {"user", "note", "expires_at"}) {
    auto text = StringOf(*body, key, false, 100);
    if (text.ok()) FUZZ_CHECK(text->size() <= 100);
    else FUZZ_CHECK(text.status().field() == key);
    if (text.ok() && std::string(key) == "expires_at" && !text->empty()) {
      auto at = ParseInstant(*text, 7 * 60);
      if (!at.ok()) FUZZ_CHECK(at.status().code() == StatusCode::kInvalidArgument);
    }
  }
  for (const char* key : {"roles", "agencies", "oversees"}) {
    auto list = StringListOf(*body, key, false, 32);
    if (list.ok()) FUZZ_CHECK(list->size() <= 32);
    else FUZZ_CHECK(list.status().field() == key);
  }
  return 0;
}
