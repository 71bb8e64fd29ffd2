#include "reports/data_filter.h"

#include <algorithm>

#include <nlohmann/json.hpp>

#include "runner/queries.h"

namespace siaga {

namespace {

Status FilterError(const char* function, const std::string& key, const std::string& message) {
  return Status(StatusCode::kInvalidArgument, std::string(function) + ": filter '" + key + "': " + message).WithField(key);
}

// A string or a list of strings at the top of the stack (not popped).
Result<std::vector<std::string>> Strings(lua_State* L, const char* function, const std::string& key) {
  std::vector<std::string> out;
  if (lua_type(L, -1) == LUA_TSTRING) {
    out.push_back(lua_tostring(L, -1));
  } else if (lua_istable(L, -1)) {
    const lua_Unsigned n = lua_rawlen(L, -1);
    if (n > 1000) return FilterError(function, key, "at most 1000 values");
    for (lua_Unsigned i = 1; i <= n; ++i) {
      const bool text = lua_rawgeti(L, -1, static_cast<lua_Integer>(i)) == LUA_TSTRING;
      if (text) out.push_back(lua_tostring(L, -1));
      lua_pop(L, 1);
      if (!text) return FilterError(function, key, "must be a string or a list of strings");
    }
  } else {
    return FilterError(function, key, "must be a string or a list of strings");
  }
  for (const auto& s : out)
    if (s.size() > 200) return FilterError(function, key, "values are at most 200 bytes");
  return out;
}

Result<std::string> OneString(lua_State* L, const char* function, const std::string& key) {
  if (lua_type(L, -1) != LUA_TSTRING) return FilterError(function, key, "must be a string");
  std::string s = lua_tostring(L, -1);
  if (s.size() > 200) return FilterError(function, key, "at most 200 bytes");
  return s;
}

Result<std::int64_t> Instant(lua_State* L, const char* function, const std::string& key) {
  if (!lua_isinteger(L, -1))
    return FilterError(function, key, "must be an instant in unix seconds (a date parameter, or dates.parse(\"2026-01-31\"))");
  return static_cast<std::int64_t>(lua_tointeger(L, -1));
}

std::string JsonArray(const std::vector<std::string>& values) { return nlohmann::json(values).dump(); }

}  // namespace

void BindOptional(Statement& q, int index, const std::optional<std::string>& v) {
  if (v) q.Bind(index, *v); else q.BindNull(index);
}

void BindOptional(Statement& q, int index, const std::optional<std::int64_t>& v) { q.Bind(index, v); }

void RestrictProcedures(DataFilter& f, const std::optional<std::vector<std::string>>& readable) {
  if (!readable) return;
  std::vector<std::string> kept;
  if (!f.procedure_list) {
    kept = *readable;
  } else {
    for (const auto& p : *f.procedure_list)
      if (std::find(readable->begin(), readable->end(), p) != readable->end()) kept.push_back(p);
  }
  f.procedures = JsonArray(kept);
  f.procedure_list = std::move(kept);
}

Result<DataFilter> ReadDataFilter(lua_State* L, int index, const char* function, const std::set<std::string>& allowed,
                                  const ReportCatalog& catalog, Database& db) {
  DataFilter f;
  index = lua_absindex(L, index);
  if (lua_isnoneornil(L, index)) return f;
  if (!lua_istable(L, index)) return InvalidArgument(std::string(function) + ": the filter must be a table, e.g. { procedure = params.procedure }");
  std::optional<std::vector<std::string>> procedures, agency_procedures;
  lua_pushnil(L);
  while (lua_next(L, index) != 0) {
    if (lua_type(L, -2) != LUA_TSTRING) return InvalidArgument(std::string(function) + ": filter keys must be names");
    const std::string key = lua_tostring(L, -2);
    if (allowed.count(key) == 0) {
      std::string list;
      for (const auto& a : allowed) list += (list.empty() ? "" : ", ") + a;
      return FilterError(function, key, "unknown key (this function takes: " + list + ")");
    }
    Status st;
    if (key == "procedure") {
      auto v = Strings(L, function, key);
      if (!v.ok()) return v.status();
      procedures = *v;
    } else if (key == "agency") {
      auto v = OneString(L, function, key);
      if (!v.ok()) return v.status();
      if (!catalog.HasAgency(*v)) return FilterError(function, key, "no procedure of agency '" + *v + "' is known");
      agency_procedures = catalog.ProceduresOf(*v);
    } else if (key == "status" || key == "state" || key == "case_status" || key == "event") {
      auto v = Strings(L, function, key);
      if (!v.ok()) return v.status();
      (key == "event" ? f.events : key == "case_status" ? f.case_states : f.states) = JsonArray(*v);
    } else if (key == "role" || key == "step" || key == "tlp") {
      auto v = OneString(L, function, key);
      if (!v.ok()) return v.status();
      (key == "role" ? f.role : key == "step" ? f.step : f.tlp) = *v;
    } else if (key == "from" || key == "to" || key == "closed_from" || key == "closed_to" || key == "open_at") {
      auto v = Instant(L, function, key);
      if (!v.ok()) return v.status();
      (key == "from" ? f.from : key == "to" ? f.to : key == "closed_from" ? f.closed_from : key == "closed_to" ? f.closed_to : f.open_at) = *v;
    } else if (key == "overdue") {
      if (!lua_isboolean(L, -1)) return FilterError(function, key, "must be true or false");
      f.overdue = lua_toboolean(L, -1) != 0;
    } else if (key == "limit") {
      if (!lua_isinteger(L, -1) || lua_tointeger(L, -1) < 1) return FilterError(function, key, "must be a whole number of at least 1");
      f.limit = lua_tointeger(L, -1);
    } else if (key == "case") {
      std::string ref;
      if (lua_isinteger(L, -1)) ref = std::to_string(lua_tointeger(L, -1));
      else if (lua_type(L, -1) == LUA_TSTRING) ref = lua_tostring(L, -1);
      else return FilterError(function, key, "must be a case id or a case number");
      auto id = ResolveCaseRef(db, ref);
      if (!id.ok()) return FilterError(function, key, id.status().message());
      f.case_id = *id;
    }
    lua_pop(L, 1);
  }
  if (procedures && agency_procedures) {
    std::vector<std::string> both;
    for (const auto& p : *procedures)
      if (std::find(agency_procedures->begin(), agency_procedures->end(), p) != agency_procedures->end()) both.push_back(p);
    procedures = both;
  } else if (agency_procedures) {
    procedures = agency_procedures;
  }
  if (procedures) {
    f.procedures = JsonArray(*procedures);
    f.procedure_list = *procedures;
  }
  return f;
}

}  // namespace siaga
