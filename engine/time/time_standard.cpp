#include "time/time_standard.h"

#include <cctype>
#include <string>

namespace siaga {

namespace {

constexpr std::int64_t kMaxValue = 366;  // a time standard longer than a year is a typo

std::string Normalize(std::string_view raw) {
  std::string out;
  bool space = false;
  for (char c : raw) {
    if (std::isspace(static_cast<unsigned char>(c))) {
      space = !out.empty();
      continue;
    }
    if (space) out.push_back(' ');
    space = false;
    out.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  }
  return out;
}

// Reads digits at `pos`; returns false when there are none or the value is unreasonable.
bool ReadNumber(const std::string& s, size_t& pos, std::int64_t& value) {
  size_t start = pos;
  value = 0;
  while (pos < s.size() && std::isdigit(static_cast<unsigned char>(s[pos])) && pos - start < 6) {
    value = value * 10 + (s[pos] - '0');
    ++pos;
  }
  return pos > start && (pos == s.size() || !std::isdigit(static_cast<unsigned char>(s[pos])));
}

void SkipSpaces(const std::string& s, size_t& pos) {
  while (pos < s.size() && s[pos] == ' ') ++pos;
}

Status Unreadable(std::string_view raw) {
  return InvalidArgument(
      "cannot read time standard '" + std::string(raw) +
      "'; write e.g. \"10 Menit\", \"6 Jam\", \"3 Hari\", \"1 Hari kerja\", \"1-2 jam\", "
      "\"2-5 hari kerja\", \"1 x 24 jam\", \"30m\", \"4h\" or \"3d\"");
}

}  // namespace

const char* TimeBasisName(TimeBasis basis) {
  switch (basis) {
    case TimeBasis::kWorkingTime: return "jam_kerja";
    case TimeBasis::kWorkingDays: return "hari_kerja";
    case TimeBasis::kCalendarDays: return "kalender";
    case TimeBasis::kElapsed: return "elapsed";
  }
  return "?";
}

std::optional<TimeBasis> TimeBasisFromName(std::string_view name) {
  if (name == "jam_kerja") return TimeBasis::kWorkingTime;
  if (name == "hari_kerja") return TimeBasis::kWorkingDays;
  if (name == "kalender") return TimeBasis::kCalendarDays;
  if (name == "elapsed") return TimeBasis::kElapsed;
  return std::nullopt;
}

std::int64_t TimeStandard::NominalMinutes(bool use_max) const {
  const std::int64_t v = use_max ? max : min;
  switch (unit) {
    case TimeUnit::kMinute: return v;
    case TimeUnit::kHour: return v * 60;
    case TimeUnit::kDay:
      return basis == TimeBasis::kWorkingDays ? v * 450 : v * 1440;  // 7.5 h working day
  }
  return v;
}

std::string TimeStandard::Describe() const {
  return raw + " (" + TimeBasisName(basis) + ")";
}

Result<TimeStandard> ParseTimeStandard(std::string_view raw, const TimeDefaults& defaults,
                                       std::optional<TimeBasis> basis_override) {
  const std::string s = Normalize(raw);
  if (s.empty()) return InvalidArgument("empty time standard");
  TimeStandard ts;
  ts.raw = std::string(raw);
  size_t pos = 0;
  if (!ReadNumber(s, pos, ts.min)) return Unreadable(raw);
  ts.max = ts.min;
  SkipSpaces(s, pos);

  std::string rest = s.substr(pos);
  // "1 x 24 jam": regulatory elapsed time.
  if (rest.rfind("x", 0) == 0) {
    size_t p = 1;
    SkipSpaces(rest, p);
    std::int64_t hours = 0;
    if (!ReadNumber(rest, p, hours) || hours != 24) return Unreadable(raw);
    SkipSpaces(rest, p);
    if (rest.substr(p) != "jam") return Unreadable(raw);
    ts.unit = TimeUnit::kHour;
    ts.min = ts.max = ts.min * 24;
    ts.basis = TimeBasis::kElapsed;
  } else {
    if (!rest.empty() && rest[0] == '-') {
      size_t p = 1;
      SkipSpaces(rest, p);
      if (!ReadNumber(rest, p, ts.max)) return Unreadable(raw);
      SkipSpaces(rest, p);
      rest = rest.substr(p);
    }
    if (rest == "menit" || rest == "m") {
      ts.unit = TimeUnit::kMinute;
      ts.basis = defaults.clock;
    } else if (rest == "jam" || rest == "h") {
      ts.unit = TimeUnit::kHour;
      ts.basis = defaults.clock;
    } else if (rest == "hari kerja") {
      ts.unit = TimeUnit::kDay;
      ts.basis = TimeBasis::kWorkingDays;
    } else if (rest == "hari kalender") {
      ts.unit = TimeUnit::kDay;
      ts.basis = TimeBasis::kCalendarDays;
    } else if (rest == "hari" || rest == "d") {
      ts.unit = TimeUnit::kDay;
      ts.basis = defaults.day;
    } else {
      return Unreadable(raw);
    }
  }
  if (ts.min <= 0 || ts.max <= 0) return InvalidArgument("time standard '" + ts.raw + "' must be above zero");
  if (ts.min > ts.max)
    return InvalidArgument("time standard '" + ts.raw + "' has its range backwards (low end first)");
  const std::int64_t limit = ts.unit == TimeUnit::kMinute ? kMaxValue * 1440
                             : ts.unit == TimeUnit::kHour ? kMaxValue * 24
                                                          : kMaxValue;
  if (ts.max > limit) return InvalidArgument("time standard '" + ts.raw + "' is longer than a year");
  if (basis_override) {
    if (ts.unit != TimeUnit::kDay && *basis_override == TimeBasis::kWorkingDays)
      return InvalidArgument("basis hari_kerja needs a time in days, not '" + ts.raw + "'");
    if (ts.unit == TimeUnit::kDay && *basis_override == TimeBasis::kWorkingTime)
      return InvalidArgument("basis jam_kerja needs minutes or hours, not '" + ts.raw + "'");
    ts.basis = *basis_override;
    ts.basis_explicit = true;
  }
  return ts;
}

}  // namespace siaga
