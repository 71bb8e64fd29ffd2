#include "reports/report_params.h"

#include <algorithm>
#include <charconv>

namespace siaga {

namespace {

constexpr std::size_t kMaxTextBytes = 200;

Status ParamError(const std::string& name, const std::string& message) {
  return Status(StatusCode::kInvalidArgument, "parameter '" + name + "': " + message).WithField(name);
}

bool AllDigits(const std::string& s, std::size_t from, std::size_t to) {
  for (std::size_t i = from; i < to; ++i)
    if (s[i] < '0' || s[i] > '9') return false;
  return true;
}

// "2026-01-31" (local midnight) or a full instant such as "2026-01-31T08:00+08:00".
Result<UnixSeconds> ParseDate(const std::string& text, int offset) {
  const bool plain = text.size() == 10 && text[4] == '-' && text[7] == '-' && AllDigits(text, 0, 4) &&
                     AllDigits(text, 5, 7) && AllDigits(text, 8, 10);
  if (!plain && text.size() < 16) return InvalidArgument("expected a date like 2026-01-31, got '" + text + "'");
  auto t = ParseInstant(text, offset);
  if (!t.ok()) return InvalidArgument("expected a date like 2026-01-31, got '" + text + "'");
  if (plain) {  // ParseInstant accepts day 31 of any month: check it is a real day
    int y = 0;
    unsigned m = 0, d = 0;
    CivilFromDays((*t + offset * 60) / 86400, y, m, d);
    if (static_cast<int>(d) != std::stoi(text.substr(8, 2))) return InvalidArgument("'" + text + "' is not a day of the calendar");
  }
  return *t;
}

Result<UnixSeconds> ParseMonth(const std::string& text, int offset) {
  if (text.size() != 7 || text[4] != '-' || !AllDigits(text, 0, 4) || !AllDigits(text, 5, 7))
    return InvalidArgument("expected a month like 2026-01, got '" + text + "'");
  const int month = std::stoi(text.substr(5, 2));
  if (month < 1 || month > 12) return InvalidArgument("month out of range in '" + text + "'");
  return DaysFromCivil(std::stoi(text.substr(0, 4)), static_cast<unsigned>(month), 1) * 86400 - offset * 60;
}

Result<nlohmann::json> Check(const ParamSpec& spec, const std::string& text, const ReportCatalog& catalog,
                             const std::string& chosen_procedure, int offset) {
  switch (spec.type) {
    case ParamType::kDate: {
      auto t = ParseDate(text, offset);
      if (!t.ok()) return t.status();
      return nlohmann::json(*t);
    }
    case ParamType::kMonth: {
      auto t = ParseMonth(text, offset);
      if (!t.ok()) return t.status();
      return nlohmann::json(*t);
    }
    case ParamType::kProcedure:
      if (catalog.Find(text) == nullptr) return InvalidArgument("no procedure '" + text + "' is known");
      return nlohmann::json(text);
    case ParamType::kAgency:
      if (!catalog.HasAgency(text)) return InvalidArgument("no procedure of agency '" + text + "' is known");
      return nlohmann::json(text);
    case ParamType::kRole: {
      const ReportProcedureInfo* proc = chosen_procedure.empty() ? nullptr : catalog.Find(chosen_procedure);
      if (proc != nullptr && proc->roles.count(text) == 0)
        return InvalidArgument("procedure " + proc->id + " has no role '" + text + "'");
      if (proc == nullptr && !catalog.HasRole(text)) return InvalidArgument("no procedure has a role '" + text + "'");
      return nlohmann::json(text);
    }
    case ParamType::kString:
      if (text.size() > kMaxTextBytes) return InvalidArgument("at most " + std::to_string(kMaxTextBytes) + " bytes");
      for (unsigned char c : text)
        if (c < 0x20 || c == 0x7f) return InvalidArgument("control characters are not allowed");
      return nlohmann::json(text);
    case ParamType::kInteger: {
      std::int64_t v = 0;
      const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
      if (ec != std::errc() || end != text.data() + text.size() || text.empty())
        return InvalidArgument("expected a whole number, got '" + text + "'");
      if (spec.min && v < *spec.min) return InvalidArgument("at least " + std::to_string(*spec.min));
      if (spec.max && v > *spec.max) return InvalidArgument("at most " + std::to_string(*spec.max));
      return nlohmann::json(v);
    }
    case ParamType::kChoice:
      if (std::find(spec.values.begin(), spec.values.end(), text) == spec.values.end()) {
        std::string list;
        for (const auto& v : spec.values) list += (list.empty() ? "" : ", ") + v;
        return InvalidArgument("must be one of: " + list);
      }
      return nlohmann::json(text);
  }
  return Internal("unknown parameter type");
}

}  // namespace

const char* ParamTypeName(ParamType type) {
  switch (type) {
    case ParamType::kDate: return "date";
    case ParamType::kMonth: return "month";
    case ParamType::kProcedure: return "procedure";
    case ParamType::kAgency: return "agency";
    case ParamType::kRole: return "role";
    case ParamType::kString: return "string";
    case ParamType::kInteger: return "integer";
    case ParamType::kChoice: return "choice";
  }
  return "?";
}

std::optional<ParamType> ParamTypeFromName(const std::string& name) {
  for (ParamType t : {ParamType::kDate, ParamType::kMonth, ParamType::kProcedure, ParamType::kAgency, ParamType::kRole,
                      ParamType::kString, ParamType::kInteger, ParamType::kChoice})
    if (name == ParamTypeName(t)) return t;
  return std::nullopt;
}

const ResolvedParam* ResolvedParams::Find(const std::string& name) const {
  for (const auto& p : values)
    if (p.name == name) return &p;
  return nullptr;
}

Result<ResolvedParams> ResolveParams(const std::vector<ParamSpec>& specs, const std::map<std::string, std::string>& given,
                                     const ReportCatalog& catalog) {
  for (const auto& [name, unused] : given)
    if (std::none_of(specs.begin(), specs.end(), [&n = name](const ParamSpec& s) { return s.name == n; })) {
      std::string list;
      for (const auto& s : specs) list += (list.empty() ? "" : ", ") + s.name;
      return ParamError(name, "this report has no such parameter (it takes: " + (list.empty() ? "none" : list) + ")");
    }
  auto text_of = [&](const ParamSpec& spec) -> std::optional<std::string> {
    auto it = given.find(spec.name);
    if (it != given.end() && !it->second.empty()) return it->second;
    return spec.default_value;
  };

  // Procedure and agency first: they fix the zone dates are read in, and roles are checked
  // against the chosen procedure.
  ResolvedParams out;
  std::string chosen_procedure;
  for (const ParamSpec& spec : specs) {
    if (spec.type != ParamType::kProcedure && spec.type != ParamType::kAgency) continue;
    auto text = text_of(spec);
    if (!text) continue;
    auto v = Check(spec, *text, catalog, "", out.utc_offset_minutes);
    if (!v.ok()) return ParamError(spec.name, v.status().message());
    if (spec.type == ParamType::kProcedure && chosen_procedure.empty()) {
      chosen_procedure = *text;
      const ReportProcedureInfo* p = catalog.Find(*text);
      out.zone_label = p->zona_waktu;
      out.utc_offset_minutes = p->utc_offset_minutes;
    }
  }
  if (chosen_procedure.empty())
    for (const ParamSpec& spec : specs)
      if (spec.type == ParamType::kAgency)
        if (auto text = text_of(spec)) {
          const auto ids = catalog.ProceduresOf(*text);
          const ReportProcedureInfo* p = catalog.Find(ids.front());
          out.zone_label = p->zona_waktu;
          out.utc_offset_minutes = p->utc_offset_minutes;
          break;
        }

  for (const ParamSpec& spec : specs) {
    auto text = text_of(spec);
    if (!text) {
      if (spec.required) return ParamError(spec.name, "is required (" + std::string(ParamTypeName(spec.type)) + ")");
      continue;
    }
    auto v = Check(spec, *text, catalog, chosen_procedure, out.utc_offset_minutes);
    if (!v.ok()) return ParamError(spec.name, v.status().message());
    out.values.push_back({spec.name, *text, std::move(*v)});
  }
  return out;
}

UnixSeconds LocalDayStart(UnixSeconds t, int utc_offset_minutes) {
  const UnixSeconds local = t + utc_offset_minutes * 60;
  std::int64_t days = local / 86400;
  if (local % 86400 < 0) --days;
  return days * 86400 - utc_offset_minutes * 60;
}

UnixSeconds LocalMonthStart(UnixSeconds t, int utc_offset_minutes) {
  const UnixSeconds local = t + utc_offset_minutes * 60;
  std::int64_t days = local / 86400;
  if (local % 86400 < 0) --days;
  int y = 0;
  unsigned m = 0, d = 0;
  CivilFromDays(days, y, m, d);
  return DaysFromCivil(y, m, 1) * 86400 - utc_offset_minutes * 60;
}

UnixSeconds AddLocalMonths(UnixSeconds month_start, int months, int utc_offset_minutes) {
  const UnixSeconds start = LocalMonthStart(month_start, utc_offset_minutes);
  int y = 0;
  unsigned m = 0, d = 0;
  CivilFromDays((start + utc_offset_minutes * 60) / 86400, y, m, d);
  std::int64_t index = static_cast<std::int64_t>(y) * 12 + (m - 1) + months;
  const int ny = static_cast<int>(index >= 0 ? index / 12 : (index - 11) / 12);
  const unsigned nm = static_cast<unsigned>(index - static_cast<std::int64_t>(ny) * 12) + 1;
  return DaysFromCivil(ny, nm, 1) * 86400 - utc_offset_minutes * 60;
}

}  // namespace siaga
