#include "time/calendar_book.h"

#include <cstdio>
#include <fstream>
#include <sstream>

#include "common/sha256.h"
#include "lua/json_bridge.h"
#include "lua/sandbox.h"
#include "procedure/registry.h"

namespace siaga {

namespace {

constexpr const char* kKindKey = "__siaga_data";

int MarkAs(lua_State* L) {
  luaL_checktype(L, 1, LUA_TTABLE);
  lua_pushvalue(L, lua_upvalueindex(1));
  lua_setfield(L, 1, kKindKey);
  lua_settop(L, 1);
  return 1;
}

const std::map<std::string, int> kWeekdays = {{"minggu", 0}, {"senin", 1}, {"selasa", 2}, {"rabu", 3},
                                              {"kamis", 4}, {"jumat", 5}, {"sabtu", 6}};

class Reader {
 public:
  Reader(std::string file, std::vector<Diagnostic>& out) : file_(std::move(file)), out_(out) {}
  void Error(const std::string& field, const std::string& message) {
    out_.push_back({Diagnostic::Severity::kError, file_, 0, "", field, message});
  }
  void Warn(const std::string& field, const std::string& message) {
    out_.push_back({Diagnostic::Severity::kWarning, file_, 0, "", field, message});
  }

  // table[key] as text; `fallback` when absent. A value of another type is an error (a number
  // where a name belongs), never an exception out of the loader.
  std::string Text(const nlohmann::json& table, const std::string& key, const std::string& fallback) {
    if (!table.contains(key)) return fallback;
    if (!table[key].is_string()) {
      Error(key, "must be text (in quotes), got " + table[key].dump());
      return fallback;
    }
    return table[key].get<std::string>();
  }

  std::optional<std::int64_t> Date(const nlohmann::json& v, const std::string& field) {
    int y = 0, m = 0, d = 0;
    if (!v.is_string() || std::sscanf(v.get<std::string>().c_str(), "%4d-%2d-%2d", &y, &m, &d) != 3 || m < 1 ||
        m > 12 || d < 1 || d > 31) {
      Error(field, "must be a date written YYYY-MM-DD, got " + v.dump());
      return std::nullopt;
    }
    return DaysFromCivil(y, static_cast<unsigned>(m), static_cast<unsigned>(d));
  }

  // { { "2026-01-01", "Tahun Baru" }, ... }
  std::vector<DayEntry> Days(const nlohmann::json& list, const std::string& field) {
    std::vector<DayEntry> out;
    if (list.is_null()) return out;
    if (!list.is_array()) {
      Error(field, "must be a list of { \"YYYY-MM-DD\", \"name\" }");
      return out;
    }
    for (std::size_t i = 0; i < list.size(); ++i) {
      const auto& item = list[i];
      const std::string where = field + "[" + std::to_string(i + 1) + "]";
      if (!item.is_array() || item.empty()) {
        Error(where, "must be { \"YYYY-MM-DD\", \"name\" }");
        continue;
      }
      if (auto day = Date(item[0], where)) out.push_back({*day, item[0].get<std::string>(), item.size() > 1 && item[1].is_string() ? item[1].get<std::string>() : ""});
    }
    return out;
  }

  // "07:30-12:00"
  std::optional<OfficeInterval> Interval(const nlohmann::json& v, const std::string& field) {
    int h1, m1, h2, m2;
    if (!v.is_string() || std::sscanf(v.get<std::string>().c_str(), "%2d:%2d-%2d:%2d", &h1, &m1, &h2, &m2) != 4 ||
        h1 > 24 || h2 > 24 || m1 > 59 || m2 > 59 || h1 * 60 + m1 >= h2 * 60 + m2 || h2 * 60 + m2 > 1440) {
      Error(field, "must be office hours written \"07:30-12:00\", got " + v.dump());
      return std::nullopt;
    }
    return OfficeInterval{h1 * 60 + m1, h2 * 60 + m2};
  }

  // { senin_kamis = {...}, jumat = {...}, sabtu = {} }: day names, or ranges senin_kamis / senin_jumat.
  std::map<int, std::vector<OfficeInterval>> Week(const nlohmann::json& table, const std::string& field) {
    std::map<int, std::vector<OfficeInterval>> out;
    if (table.is_null()) return out;
    if (!table.is_object()) {
      Error(field, "must map day names to office hours: { senin_kamis = { \"07:30-12:00\" }, jumat = {...} }");
      return out;
    }
    for (const auto& [key, hours] : table.items()) {
      std::vector<int> days;
      if (kWeekdays.contains(key)) {
        days = {kWeekdays.at(key)};
      } else if (key == "senin_kamis") {
        days = {1, 2, 3, 4};
      } else if (key == "senin_jumat") {
        days = {1, 2, 3, 4, 5};
      } else {
        Error(field + "." + key, "unknown day; use minggu..sabtu, senin_kamis or senin_jumat");
        continue;
      }
      std::vector<OfficeInterval> intervals;
      if (!hours.is_array() && !hours.empty()) Error(field + "." + key, "must be a list of \"HH:MM-HH:MM\"");
      for (const auto& h : hours)
        if (auto iv = Interval(h, field + "." + key)) intervals.push_back(*iv);
      for (int d : days) out[d] = intervals;
    }
    return out;
  }

 private:
  std::string file_;
  std::vector<Diagnostic>& out_;
};

}  // namespace

bool IsCalendarFile(const std::string& path) {
  return path.find("/kalender/") != std::string::npos || path.find("/instansi/") != std::string::npos ||
         path.rfind("kalender/", 0) == 0 || path.rfind("instansi/", 0) == 0;
}

std::vector<Diagnostic> CalendarBook::LoadDirectory(const std::string& root) {
  std::vector<Diagnostic> out;
  for (const std::string& file : ListLuaFiles(root)) {
    if (!IsCalendarFile(file)) continue;
    auto d = LoadFile(file);
    out.insert(out.end(), d.begin(), d.end());
  }
  return out;
}

std::vector<Diagnostic> CalendarBook::LoadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  if (!in) return {{Diagnostic::Severity::kError, path, 0, "", "", "cannot read the file"}};
  return LoadSource(text.str(), path);
}

std::vector<Diagnostic> CalendarBook::LoadSource(const std::string& source, const std::string& path) {
  std::vector<Diagnostic> out;
  LuaLimits limits;
  limits.memory_bytes = 16u << 20;
  limits.instructions = 10'000'000;
  auto sandbox = LuaSandbox::Create(limits);
  if (!sandbox.ok()) {
    out.push_back({Diagnostic::Severity::kError, path, 0, "", "", sandbox.status().message()});
    return out;
  }
  lua_State* L = (*sandbox)->state();
  for (const char* kind : {"kalender", "instansi"}) {
    (*sandbox)->PushEnv();
    lua_pushstring(L, kind);
    lua_pushcclosure(L, MarkAs, 1);
    lua_setfield(L, -2, kind);
    lua_pop(L, 1);
  }
  Status st = (*sandbox)->Load(source, path);
  if (st.ok()) st = (*sandbox)->ProtectedCall(0, 1);
  if (!st.ok()) {
    out.push_back({Diagnostic::Severity::kError, path, 0, "", "", st.message().substr(0, st.message().find('\n'))});
    return out;
  }
  auto data = LuaToJson(L, -1);
  lua_pop(L, 1);
  if (!data.ok() || !data->is_object() || !data->contains(kKindKey)) {
    out.push_back({Diagnostic::Severity::kError, path, 0, "", "",
                   "the file must return kalender { ... } or instansi { ... }" +
                       (data.ok() ? std::string() : " (" + data.status().message() + ")")});
    return out;
  }
  nlohmann::json& j = *data;
  Reader r(path, out);
  const std::string kind = j[kKindKey];
  j.erase(kKindKey);
  if (kind == "kalender") {
    static const std::set<std::string> keys = {"id", "tahun", "sumber", "libur", "cuti_bersama", "ramadan"};
    for (const auto& [k, v] : j.items())
      if (!keys.contains(k)) r.Error(k, "unknown field '" + k + "' (a typo?)");
    CalendarYear y;
    y.file = path;
    if (j.contains("id") && j["id"].is_string()) y.id = j["id"];
    if (!j.contains("tahun") || !j["tahun"].is_number_integer()) r.Error("tahun", "the year is required: tahun = 2026");
    else y.year = j["tahun"];
    if (j.contains("sumber") && j["sumber"].is_string()) y.sumber = j["sumber"];
    else r.Warn("sumber", "say which decree the dates come from (e.g. the SKB 3 Menteri)");
    y.libur = r.Days(j.value("libur", nlohmann::json()), "libur");
    y.cuti_bersama = r.Days(j.value("cuti_bersama", nlohmann::json()), "cuti_bersama");
    for (const auto* list : {&y.libur, &y.cuti_bersama}) {
      for (const DayEntry& e : *list) {
        int yy; unsigned mm, dd;
        CivilFromDays(e.day, yy, mm, dd);
        if (yy != y.year) r.Error("libur", e.date + " is not in " + std::to_string(y.year));
      }
    }
    if (j.contains("ramadan") && !j["ramadan"].is_object()) {
      r.Error("ramadan", "must be { mulai = \"YYYY-MM-DD\", selesai = \"YYYY-MM-DD\" }");
    } else if (j.contains("ramadan")) {
      const auto& ram = j["ramadan"];
      auto first = r.Date(ram.value("mulai", nlohmann::json()), "ramadan.mulai");
      auto last = r.Date(ram.value("selesai", nlohmann::json()), "ramadan.selesai");
      if (first && last) {
        if (*last < *first || *last - *first > 31) r.Error("ramadan", "selesai must follow mulai by at most 31 days");
        else y.ramadan = {*first, *last};
      }
      if (ram.contains("perkiraan") && !ram["perkiraan"].is_boolean()) r.Error("ramadan.perkiraan", "must be true or false");
      else y.ramadan_perkiraan = ram.value("perkiraan", false);
      if (y.ramadan_perkiraan) r.Warn("ramadan", "Ramadan dates are an estimate until the Minister of Religious Affairs fixes them");
    }
    if (!HasErrors(out)) years_.push_back(std::move(y));
  } else {
    static const std::set<std::string> keys = {"id", "nama", "zona_waktu", "kalender", "cuti_bersama_libur", "jam_kerja",
                                               "jam_kerja_ramadan", "libur_lokal", "layanan_24_jam", "mengawasi"};
    for (const auto& [k, v] : j.items())
      if (!keys.contains(k)) r.Error(k, "unknown field '" + k + "' (a typo?)");
    AgencySettings a;
    a.file = path;
    if (!j.contains("id") || !j["id"].is_string()) r.Error("id", "the agency id is required: id = \"kab-trenggalek\"");
    else a.id = j["id"];
    a.nama = r.Text(j, "nama", "");
    a.zona_waktu = r.Text(j, "zona_waktu", "");
    if (!a.zona_waktu.empty() && !WorkingCalendar::ForZone(a.zona_waktu).ok())
      r.Error("zona_waktu", "unknown time zone '" + a.zona_waktu + "'; use WIB, WITA or WIT");
    a.kalender = r.Text(j, "kalender", "nasional");
    if (j.contains("cuti_bersama_libur") && !j["cuti_bersama_libur"].is_boolean())
      r.Error("cuti_bersama_libur", "must be true or false");
    else a.cuti_bersama_libur = j.value("cuti_bersama_libur", true);
    a.jam_kerja = r.Week(j.value("jam_kerja", nlohmann::json()), "jam_kerja");
    a.jam_kerja_ramadan = r.Week(j.value("jam_kerja_ramadan", nlohmann::json()), "jam_kerja_ramadan");
    a.libur_lokal = r.Days(j.value("libur_lokal", nlohmann::json()), "libur_lokal");
    for (const auto& role : j.value("layanan_24_jam", nlohmann::json::array()))
      if (role.is_string()) a.layanan_24_jam.insert(role.get<std::string>());
    if (j.contains("mengawasi")) {
      const auto& list = j["mengawasi"];
      if (!list.is_array() && !(list.is_object() && list.empty())) {
        r.Error("mengawasi", "must be a list of agency ids: mengawasi = { \"kab-tanah-bumbu\" }");
      } else {
        for (const auto& other : list) {
          if (!other.is_string() || other.get<std::string>().empty()) {
            r.Error("mengawasi", "every entry must be an agency id (a string), got " + other.dump());
            continue;
          }
          if (other.get<std::string>() == a.id) r.Error("mengawasi", "an agency cannot oversee itself");
          else a.mengawasi.push_back(other.get<std::string>());
        }
      }
    }
    if (!HasErrors(out)) {
      if (agencies_.contains(a.id)) r.Error("id", "agency '" + a.id + "' is also set in " + agencies_[a.id].file);
      else agencies_[a.id] = std::move(a);
    }
  }
  if (!HasErrors(out)) {
    sources_ += path + "\n" + source + "\n";
    hash_ = Sha256Hex(sources_);
  }
  return out;
}

const AgencySettings* CalendarBook::Agency(const std::string& id) const {
  const auto it = agencies_.find(id);
  return it == agencies_.end() ? nullptr : &it->second;
}

Result<WorkingCalendar> CalendarBook::For(const std::string& instansi, const std::string& zone, const std::string& role) const {
  const auto agency = agencies_.find(instansi);
  const AgencySettings* a = agency == agencies_.end() ? nullptr : &agency->second;
  auto base = WorkingCalendar::ForZone(a && !a->zona_waktu.empty() ? a->zona_waktu : zone);
  if (!base.ok()) return base.status();
  if (a && a->layanan_24_jam.contains(role))
    return WorkingCalendar::RoundTheClock(base->utc_offset_minutes(), base->zone_label());
  WorkingCalendar c = *base;
  const std::string national = a ? a->kalender : "nasional";
  for (const CalendarYear& y : years_) {
    if (y.id != national) continue;
    for (const DayEntry& e : y.libur) {
      int yy; unsigned mm, dd;
      CivilFromDays(e.day, yy, mm, dd);
      c.AddDayOff(yy, mm, dd);
    }
    for (const DayEntry& e : y.cuti_bersama) {
      int yy; unsigned mm, dd;
      CivilFromDays(e.day, yy, mm, dd);
      c.AddCutiBersama(yy, mm, dd);
    }
    if (y.ramadan) c.AddRamadan(y.ramadan->first, y.ramadan->second);
  }
  if (a) {
    c.SetCutiBersamaIsDayOff(a->cuti_bersama_libur);
    for (const auto& [day, intervals] : a->jam_kerja) c.SetWeekday(day, intervals);
    for (const auto& [day, intervals] : a->jam_kerja_ramadan) c.SetRamadanWeekday(day, intervals);
    for (const DayEntry& e : a->libur_lokal) {
      int yy; unsigned mm, dd;
      CivilFromDays(e.day, yy, mm, dd);
      c.AddDayOff(yy, mm, dd);
    }
  }
  return c;
}

}  // namespace siaga
