// A webhook adapter: `webhooks/NAME.lua`, which declares `adapter { title, format, auth, parse }`.
// parse(payload, meta) turns one decoded payload into case drafts. Each adapter runs in a sandbox
// of its own; on the server it runs only inside adapter worker processes (adapter_pool.h), never
// on HTTP threads, because a pattern function can run for minutes where no hook can stop it.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/status.h"
#include "lua/sandbox.h"
#include "webhooks/payload.h"

namespace siaga {

enum class HookAuth { kHmac, kGithub, kToken };
const char* HookAuthName(HookAuth auth);

struct AdapterInfo {
  std::string name;   // the file name without .lua: the {adapter} of POST /hooks/{adapter}
  std::string title;
  std::string file;
  std::string hash;   // SHA-256 of the source
  PayloadFormat format = PayloadFormat::kJson;
  HookAuth auth = HookAuth::kToken;
};

class AdapterScript {
 public:
  // `library`: webhooks/lib/bantu.lua, run first in the same sandbox; what it returns becomes the
  // global `bantu` (helpers the adapters share). Empty: no library.
  static Result<std::unique_ptr<AdapterScript>> Load(const std::string& name, const std::string& source,
                                                     const std::string& file, const LuaLimits& limits = {},
                                                     const std::string& library = "");
  // Reads DIR/NAME.lua and DIR/lib/bantu.lua and loads them.
  static Result<std::unique_ptr<AdapterScript>> LoadFromFolder(const std::string& dir, const std::string& name,
                                                               const LuaLimits& limits = {});
  const AdapterInfo& info() const { return info_; }

  // Runs parse(payload, meta) and returns what it returned, as JSON (validated by ValidateDrafts).
  // A reject(field, message) from the script is InvalidArgument with that field; any other
  // failure (error, budget, memory) is ScriptError.
  Result<nlohmann::json> Parse(const nlohmann::json& payload, const nlohmann::json& meta);
  // Decodes `body` in the adapter's format (DecodePayload), then Parse.
  Result<nlohmann::json> Run(const std::string& body, const nlohmann::json& meta);

 private:
  AdapterScript() = default;
  std::unique_ptr<LuaSandbox> sandbox_;
  LuaRef parse_;
  AdapterInfo info_;
};

// The adapters of a folder, by name. `routes.lua` is not an adapter (see routes.h).
struct AdapterSet {
  std::map<std::string, std::shared_ptr<AdapterScript>> adapters;
  std::vector<std::string> errors;  // files that failed to load, "file: message"
};
AdapterSet LoadAdapters(const std::string& dir, const LuaLimits& limits = {});

// The adapters' shared helper library under a webhooks folder.
std::string AdapterLibraryPath(const std::string& dir);

// A valid adapter name: [a-z0-9_-]{1,64}.
bool IsAdapterName(const std::string& name);

}  // namespace siaga
