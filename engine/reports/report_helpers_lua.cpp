#include "reports/report_helpers_lua.h"

#include <cmath>

#include "common/clock.h"
#include "reports/report_catalog.h"
#include "reports/report_params.h"

namespace siaga {

namespace {

struct Zone {
  std::string label;
  int offset = 7 * 60;
};

// The zone argument at `index` (nil: the run's zone, kept in the upvalues).
Zone ZoneArg(lua_State* L, int index) {
  if (lua_isnoneornil(L, index)) {
    const auto* zone = static_cast<const ReportZone*>(lua_touserdata(L, lua_upvalueindex(1)));
    return {zone->label, zone->utc_offset_minutes};
  }
  const std::string label = luaL_checkstring(L, index);
  if (label != "WIB" && label != "WITA" && label != "WIT") luaL_error(L, "unknown zone '%s' (WIB, WITA or WIT)", label.c_str());
  return {label, ZoneOffsetMinutes(label)};
}

std::string LocalDate(UnixSeconds t, int offset, std::size_t length) {
  return FormatLocal(t, offset, "").substr(0, length);
}

int FmtDate(lua_State* L) {
  if (lua_isnoneornil(L, 1)) {
    lua_pushliteral(L, "");
    return 1;
  }
  const UnixSeconds t = luaL_checkinteger(L, 1);
  const std::string s = LocalDate(t, ZoneArg(L, 2).offset, 10);
  lua_pushlstring(L, s.data(), s.size());
  return 1;
}

int FmtMonth(lua_State* L) {
  if (lua_isnoneornil(L, 1)) {
    lua_pushliteral(L, "");
    return 1;
  }
  const UnixSeconds t = luaL_checkinteger(L, 1);
  const std::string s = LocalDate(t, ZoneArg(L, 2).offset, 7);
  lua_pushlstring(L, s.data(), s.size());
  return 1;
}

int FmtDatetime(lua_State* L) {
  if (lua_isnoneornil(L, 1)) {
    lua_pushliteral(L, "");
    return 1;
  }
  const UnixSeconds t = luaL_checkinteger(L, 1);
  const Zone zone = ZoneArg(L, 2);
  const std::string s = FormatLocal(t, zone.offset, zone.label);
  lua_pushlstring(L, s.data(), s.size());
  return 1;
}

int FmtDuration(lua_State* L) {
  if (lua_isnoneornil(L, 1)) {
    lua_pushliteral(L, "");
    return 1;
  }
  const std::string s = DurationWords(static_cast<std::int64_t>(std::llround(luaL_checknumber(L, 1))));
  lua_pushlstring(L, s.data(), s.size());
  return 1;
}

int FmtPercent(lua_State* L) {
  const double part = luaL_checknumber(L, 1);
  const double whole = luaL_checknumber(L, 2);
  const lua_Integer decimals = luaL_optinteger(L, 3, 1);
  luaL_argcheck(L, decimals >= 0 && decimals <= 6, 3, "0 to 6 decimals");
  if (whole == 0) {
    lua_pushnil(L);
    return 1;
  }
  const double scale = std::pow(10.0, static_cast<double>(decimals));
  lua_pushnumber(L, std::round(part / whole * 100.0 * scale) / scale);
  return 1;
}

int DatesParse(lua_State* L) {
  const std::string text = luaL_checkstring(L, 1);
  const Zone zone = ZoneArg(L, 2);
  auto t = ParseInstant(text, zone.offset);
  if (!t.ok()) return luaL_error(L, "dates.parse: %s", t.status().message().c_str());
  lua_pushinteger(L, *t);
  return 1;
}

int DatesDayStart(lua_State* L) {
  const UnixSeconds t = luaL_checkinteger(L, 1);
  lua_pushinteger(L, LocalDayStart(t, ZoneArg(L, 2).offset));
  return 1;
}

int DatesMonthStart(lua_State* L) {
  const UnixSeconds t = luaL_checkinteger(L, 1);
  lua_pushinteger(L, LocalMonthStart(t, ZoneArg(L, 2).offset));
  return 1;
}

int DatesAddMonths(lua_State* L) {
  const UnixSeconds t = luaL_checkinteger(L, 1);
  const lua_Integer n = luaL_checkinteger(L, 2);
  luaL_argcheck(L, n > -12000 && n < 12000, 2, "at most 1000 years");
  lua_pushinteger(L, AddLocalMonths(t, static_cast<int>(n), ZoneArg(L, 3).offset));
  return 1;
}

int DatesZone(lua_State* L) {
  const auto* zone = static_cast<const ReportZone*>(lua_touserdata(L, lua_upvalueindex(1)));
  lua_pushlstring(L, zone->label.data(), zone->label.size());
  return 1;
}

void SetTable(LuaSandbox& sandbox, const char* name, const std::vector<std::pair<const char*, lua_CFunction>>& fns,
              const ReportZone* zone) {
  lua_State* L = sandbox.state();
  sandbox.PushEnv();
  lua_createtable(L, 0, static_cast<int>(fns.size()));
  for (const auto& [fn_name, fn] : fns) {
    lua_pushlightuserdata(L, const_cast<ReportZone*>(zone));
    lua_pushcclosure(L, fn, 1);
    lua_setfield(L, -2, fn_name);
  }
  lua_setfield(L, -2, name);
  lua_pop(L, 1);
}

}  // namespace

std::string DurationWords(std::int64_t seconds) {
  std::string sign = seconds < 0 ? "-" : "";
  std::int64_t s = seconds < 0 ? -seconds : seconds;
  const std::int64_t days = s / 86400, hours = s % 86400 / 3600, minutes = s % 3600 / 60;
  std::string out;
  if (days > 0) out += std::to_string(days) + " hari";
  if (hours > 0) out += (out.empty() ? "" : " ") + std::to_string(hours) + " jam";
  if (minutes > 0 || out.empty()) out += (out.empty() ? "" : " ") + std::to_string(minutes) + " menit";
  return sign + out;
}

void InstallReportHelpers(LuaSandbox& sandbox, const ReportZone* zone) {
  SetTable(sandbox, "fmt",
           {{"date", FmtDate}, {"datetime", FmtDatetime}, {"month", FmtMonth}, {"duration", FmtDuration}, {"percent", FmtPercent}},
           zone);
  SetTable(sandbox, "dates",
           {{"parse", DatesParse}, {"day_start", DatesDayStart}, {"month_start", DatesMonthStart},
            {"add_months", DatesAddMonths}, {"zone", DatesZone}},
           zone);
}

}  // namespace siaga
