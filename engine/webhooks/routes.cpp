#include "webhooks/routes.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "lua/json_bridge.h"
#include "lua/sandbox.h"

namespace siaga {

namespace {

int DeclareRoutes(lua_State* L) {
  luaL_checktype(L, 1, LUA_TTABLE);
  lua_pushvalue(L, 1);
  lua_setfield(L, LUA_REGISTRYINDEX, "siaga.routes");
  return 0;
}

Result<std::vector<std::string>> StringList(const nlohmann::json& rule, const char* key, const std::string& where) {
  std::vector<std::string> out;
  if (!rule.contains(key)) return out;
  const auto& v = rule[key];
  if (v.is_string()) return std::vector<std::string>{v.get<std::string>()};
  if (!v.is_array()) return InvalidField(where + "." + key, "must be a string or a list of strings");
  for (const auto& item : v) {
    if (!item.is_string()) return InvalidField(where + "." + key, "must be a string or a list of strings");
    out.push_back(item.get<std::string>());
  }
  return out;
}

bool Matches(const std::vector<std::string>& allowed, const std::string& value) {
  return allowed.empty() || std::find(allowed.begin(), allowed.end(), value) != allowed.end();
}

}  // namespace

Result<Routes> Routes::Parse(const std::string& source, const std::string& file) {
  auto sandbox = LuaSandbox::Create();
  if (!sandbox.ok()) return sandbox.status();
  LuaSandbox& sb = **sandbox;
  sb.RegisterGlobal("routes", DeclareRoutes);
  Status st = sb.Load(source, file);
  if (st.ok()) st = sb.ProtectedCall(0, 0);
  if (!st.ok()) return st;
  lua_State* L = sb.state();
  if (lua_getfield(L, LUA_REGISTRYINDEX, "siaga.routes") != LUA_TTABLE)
    return ScriptError(file + ": the file must call routes { { adapter = ..., procedure = ... }, ... }");
  auto list = LuaToJson(L, -1);
  lua_pop(L, 1);
  if (!list.ok()) return ScriptError(file + ": " + list.status().message());
  if (list->is_object() && list->empty()) *list = nlohmann::json::array();
  if (!list->is_array()) return ScriptError(file + ": routes { } takes a list of rules");
  Routes routes;
  for (std::size_t i = 0; i < list->size(); ++i) {
    const auto& r = (*list)[i];
    const std::string where = file + ": rule " + std::to_string(i + 1);
    if (!r.is_object()) return InvalidField(where, "must be a table");
    for (const auto& [key, unused] : r.items())
      if (key != "adapter" && key != "severity" && key != "source" && key != "procedure" && key != "ignore")
        return InvalidField(where + "." + key, "unknown key (allowed: adapter, severity, source, procedure, ignore)");
    RouteRule rule;
    auto adapters = StringList(r, "adapter", where);
    auto severities = StringList(r, "severity", where);
    auto sources = StringList(r, "source", where);
    if (!adapters.ok()) return adapters.status();
    if (!severities.ok()) return severities.status();
    if (!sources.ok()) return sources.status();
    rule.adapters = *adapters;
    rule.severities = *severities;
    rule.sources = *sources;
    if (r.contains("ignore") && !r["ignore"].is_boolean()) return InvalidField(where + ".ignore", "must be true or false");
    rule.ignore = r.value("ignore", false);
    if (r.contains("procedure")) {
      if (!r["procedure"].is_string()) return InvalidField(where + ".procedure", "must be a procedure id");
      rule.procedure = r["procedure"].get<std::string>();
    }
    if (rule.ignore == !rule.procedure.empty())
      return InvalidField(where, "needs exactly one of procedure = \"...\" or ignore = true");
    routes.rules_.push_back(std::move(rule));
  }
  return routes;
}

Result<Routes> Routes::LoadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Routes();
  std::stringstream text;
  text << in.rdbuf();
  return Parse(text.str(), path);
}

std::optional<RouteDecision> Routes::Route(const std::string& adapter, const std::string& severity,
                                           const std::string& source) const {
  for (const RouteRule& r : rules_)
    if (Matches(r.adapters, adapter) && Matches(r.severities, severity) && Matches(r.sources, source))
      return RouteDecision{r.ignore, r.procedure};
  return std::nullopt;
}

}  // namespace siaga
