// data.count_cases_by(filter, by): case counts grouped by one key, counted by SQLite so that a
// recap over a large store needs no Lua loop over cases.
//
//   data.count_cases_by({ from = ..., to = ... }, "procedure")   -> { ["kaltim/..."] = 12, ... }
//   by = "procedure" | "status" | "sla" (met, late, breached, on_time, none: the service standard
//   judged at now) | { field = { "klasifikasi", "severity" } } (the first of these case fields
//   that is set; at most three names). Cases whose key is empty or unset count under "".
#include <string>

#include "reports/data_api.h"
#include "reports/data_queries.h"

namespace siaga {

namespace {

const std::set<std::string> kCaseFilterKeys = {"procedure", "agency", "status", "from", "to", "closed_from", "closed_to", "open_at"};

enum class CountKey { kProcedure, kStatus, kSla, kField };

const std::string& CountSql(CountKey key) {
  static const std::string prefix = "SELECT ";
  static const std::string suffix = ", COUNT(*) FROM cases c WHERE " + CaseFilterSql() + " GROUP BY 1";
  static const std::string procedure = prefix + "c.procedure_id" + suffix;
  static const std::string status = prefix + "c.status" + suffix;
  static const std::string sla = prefix +
      "CASE WHEN c.sla_due_at IS NULL THEN 'none' "
      "WHEN c.closed_at IS NOT NULL THEN (CASE WHEN c.closed_at <= c.sla_due_at THEN 'met' ELSE 'late' END) "
      "WHEN ?8 >= c.sla_due_at THEN 'breached' ELSE 'on_time' END" + suffix;
  static const std::string field =
      prefix + "COALESCE(json_extract(c.fields, ?9), json_extract(c.fields, ?10), json_extract(c.fields, ?11))" + suffix;
  switch (key) {
    case CountKey::kProcedure: return procedure;
    case CountKey::kStatus: return status;
    case CountKey::kSla: return sla;
    case CountKey::kField: return field;
  }
  return procedure;
}

bool FieldName(const std::string& name) {
  if (name.empty() || name.size() > 64) return false;
  for (char c : name)
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_')) return false;
  return true;
}

// `by` at `index`: the key and, for fields, their JSON paths ("$.name", bound as parameters).
Status ReadKey(lua_State* L, int index, CountKey& key, std::vector<std::string>& paths) {
  const char* usage = "data.count_cases_by(filter, by): by is \"procedure\", \"status\", \"sla\" or { field = { names... } }";
  if (lua_type(L, index) == LUA_TSTRING) {
    const std::string by = lua_tostring(L, index);
    if (by == "procedure") key = CountKey::kProcedure;
    else if (by == "status") key = CountKey::kStatus;
    else if (by == "sla") key = CountKey::kSla;
    else return InvalidArgument(std::string(usage) + ", not '" + by + "'");
    return Status::Ok();
  }
  if (!lua_istable(L, index)) return InvalidArgument(usage);
  lua_pushliteral(L, "field");
  const int type = lua_rawget(L, index);
  std::vector<std::string> names;
  if (type == LUA_TSTRING) {
    names.push_back(lua_tostring(L, -1));
  } else if (type == LUA_TTABLE) {
    const lua_Unsigned n = lua_rawlen(L, -1);
    for (lua_Unsigned i = 1; i <= n; ++i) {
      const bool text = lua_rawgeti(L, -1, static_cast<lua_Integer>(i)) == LUA_TSTRING;
      if (text) names.push_back(lua_tostring(L, -1));
      lua_pop(L, 1);
      if (!text) return InvalidArgument("data.count_cases_by: field names are strings");
    }
  }
  lua_pop(L, 1);
  if (names.empty() || names.size() > 3) return InvalidArgument("data.count_cases_by: { field = ... } names one to three case fields");
  for (const auto& n : names) {
    if (!FieldName(n)) return InvalidArgument("data.count_cases_by: '" + n + "' is not a field name (letters, digits, _)");
    paths.push_back("$." + n);
  }
  key = CountKey::kField;
  return Status::Ok();
}

}  // namespace

int DataApi::CountCasesBy(lua_State* L) {
  std::string error;  // raised after the C++ objects below are gone
  {
    Status st = CheckRunning("data.count_cases_by");
    CountKey key = CountKey::kProcedure;
    std::vector<std::string> paths;
    if (st.ok()) st = ReadKey(L, 2, key, paths);
    Result<DataFilter> filter =
        st.ok() ? ReadDataFilter(L, 1, "data.count_cases_by", kCaseFilterKeys, catalog_, *db_) : Result<DataFilter>(st);
    if (!filter.ok()) {
      error = filter.status().message();
    } else {
      RestrictProcedures(*filter, options_.readable_procedures);
      auto q = db_->Prepare(CountSql(key));
      if (!q.ok()) {
        error = q.status().message();
      } else {
        BindCaseFilter(*filter, *q);
        if (key == CountKey::kSla) q->Bind(8, options_.now);
        if (key == CountKey::kField)
          for (int i = 0; i < 3; ++i) {
            if (static_cast<std::size_t>(i) < paths.size()) q->Bind(9 + i, paths[static_cast<std::size_t>(i)]);
            else q->BindNull(9 + i);
          }
        lua_createtable(L, 0, 8);
        while (true) {
          auto row = q->Step();
          if (!row.ok()) {
            error = row.status().message();
            break;
          }
          if (!*row) break;
          const std::string k = q->IsNull(0) ? "" : q->Text(0);
          lua_pushlstring(L, k.data(), k.size());
          lua_pushinteger(L, q->Int(1));
          lua_rawset(L, -3);
        }
      }
    }
  }
  if (!error.empty()) return luaL_error(L, "%s", error.c_str());
  return 1;
}

}  // namespace siaga
