// data.step_sla(filter, groupings): the host-side SLA aggregate (step_sla.h) for scripts.
//
//   local sla = data.step_sla({ from = params.from, procedure = params.procedure },
//                             { steps = { "procedure", "step", "role" }, months = { "month" } })
//   sla.total                  -> { visits, done, met, late, open, open_overdue, breached, judged,
//                                   median_seconds, p90_seconds }
//   sla.groups.steps[i]        -> the same, plus procedure, step, role
//   sla.rows_scanned
#include <string>

#include "reports/data_api.h"
#include "reports/data_filter.h"
#include "reports/step_sla.h"

namespace siaga {

namespace {

const std::set<std::string> kSlaFilterKeys = {"procedure", "agency", "role", "step", "from", "to"};

void SetCount(lua_State* L, const char* key, std::int64_t v) {
  lua_pushinteger(L, v);
  lua_setfield(L, -2, key);
}

void PushGroup(lua_State* L, const StepSlaGroup& g) {
  lua_createtable(L, 0, 14);
  for (const auto& [key, value] : {std::pair{"procedure", &g.procedure}, {"step", &g.step}, {"role", &g.role}, {"month", &g.month}}) {
    if (value->empty()) continue;
    lua_pushlstring(L, value->data(), value->size());
    lua_setfield(L, -2, key);
  }
  SetCount(L, "visits", g.visits);
  SetCount(L, "done", g.done);
  SetCount(L, "met", g.met);
  SetCount(L, "late", g.late);
  SetCount(L, "open", g.open);
  SetCount(L, "open_overdue", g.open_overdue);
  SetCount(L, "breached", g.late + g.open_overdue);
  SetCount(L, "judged", g.met + g.late + g.open_overdue);
  if (g.median_seconds) SetCount(L, "median_seconds", *g.median_seconds);
  if (g.p90_seconds) SetCount(L, "p90_seconds", *g.p90_seconds);
}

// groupings: { name = { "procedure", "step", ... }, ... } -> names and dimensions.
Status ReadGroupings(lua_State* L, int index, std::vector<std::string>& names, std::vector<std::vector<SlaDimension>>& dims) {
  if (lua_isnoneornil(L, index)) return Status::Ok();
  if (!lua_istable(L, index))
    return InvalidArgument("data.step_sla(filter, groupings): groupings must be a table such as { steps = { \"procedure\", \"step\" } }");
  lua_pushnil(L);
  while (lua_next(L, index) != 0) {
    if (lua_type(L, -2) != LUA_TSTRING || !lua_istable(L, -1))
      return InvalidArgument("data.step_sla: each grouping is name = { dimension, ... }");
    const std::string name = lua_tostring(L, -2);
    std::vector<SlaDimension> d;
    const lua_Unsigned n = lua_rawlen(L, -1);
    for (lua_Unsigned i = 1; i <= n; ++i) {
      lua_rawgeti(L, -1, static_cast<lua_Integer>(i));
      const std::string dim = lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1) : "";
      lua_pop(L, 1);
      bool known = false;
      for (SlaDimension s : {SlaDimension::kProcedure, SlaDimension::kStep, SlaDimension::kRole, SlaDimension::kMonth})
        if (dim == SlaDimensionName(s)) {
          d.push_back(s);
          known = true;
        }
      if (!known)
        return InvalidArgument("data.step_sla: grouping '" + name + "': unknown dimension '" + dim + "' (procedure, step, role, month)");
    }
    if (d.empty()) return InvalidArgument("data.step_sla: grouping '" + name + "' names no dimension");
    names.push_back(name);
    dims.push_back(std::move(d));
    lua_pop(L, 1);
    if (names.size() > 16) return InvalidArgument("data.step_sla: at most 16 groupings");
  }
  return Status::Ok();
}

}  // namespace

int DataApi::StepSla(lua_State* L) {
  std::string error;  // raised after the C++ objects below are gone
  {
    Status st = CheckRunning("data.step_sla");
    std::vector<std::string> names;
    StepSlaQuery query;
    query.now = options_.now;
    if (st.ok()) st = ReadGroupings(L, 2, names, query.groupings);
    Result<DataFilter> filter = st.ok() ? ReadDataFilter(L, 1, "data.step_sla", kSlaFilterKeys, catalog_, *db_) : Result<DataFilter>(st);
    if (!filter.ok()) {
      error = filter.status().message();
    } else {
      RestrictProcedures(*filter, options_.readable_procedures);
      query.procedures = filter->procedure_list;
      query.role = filter->role;
      query.step = filter->step;
      query.from = filter->from;
      query.to = filter->to;
      auto result = AggregateStepSla(*db_, catalog_, query, control_);
      if (!result.ok()) {
        error = result.status().message();
      } else {
        luaL_checkstack(L, 8, "data.step_sla");
        lua_createtable(L, 0, 3);
        PushGroup(L, result->total);
        lua_setfield(L, -2, "total");
        lua_createtable(L, 0, static_cast<int>(names.size()));
        for (std::size_t i = 0; i < names.size(); ++i) {
          const auto& groups = result->groupings[i];
          lua_createtable(L, static_cast<int>(groups.size()), 0);
          for (std::size_t g = 0; g < groups.size(); ++g) {
            PushGroup(L, groups[g]);
            lua_rawseti(L, -2, static_cast<lua_Integer>(g + 1));
          }
          lua_setfield(L, -2, names[i].c_str());
        }
        lua_setfield(L, -2, "groups");
        lua_pushinteger(L, result->rows_scanned);
        lua_setfield(L, -2, "rows_scanned");
      }
    }
  }
  if (!error.empty()) return luaL_error(L, "%s", error.c_str());
  return 1;
}

}  // namespace siaga
