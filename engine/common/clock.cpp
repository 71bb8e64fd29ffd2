#include "common/clock.h"

#include <chrono>
#include <cctype>
#include <cstdio>

namespace siaga {

UnixSeconds SystemClock::Now() const {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::int64_t SystemClock::NowMillis() const {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

ShiftedClock::ShiftedClock(UnixSeconds start) : shift_millis_(start * 1000 - SystemClock().NowMillis()) {}

std::int64_t ShiftedClock::NowMillis() const { return SystemClock().NowMillis() + shift_millis_; }

// Howard Hinnant's civil-calendar algorithms (public domain), which std::chrono also uses.
std::int64_t DaysFromCivil(int year, unsigned month, unsigned day) {
  const int y = year - (month <= 2 ? 1 : 0);
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

void CivilFromDays(std::int64_t z, int& year, unsigned& month, unsigned& day) {
  z += 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  day = doy - (153 * mp + 2) / 5 + 1;
  month = mp < 10 ? mp + 3 : mp - 9;
  year = static_cast<int>(static_cast<std::int64_t>(yoe) + era * 400 + (month <= 2 ? 1 : 0));
}

int WeekdayFromDays(std::int64_t days) {
  return static_cast<int>(days >= -4 ? (days + 4) % 7 : (days + 5) % 7 + 6);
}

namespace {

std::string FormatAt(UnixSeconds t, const char* pattern_suffix, int offset_minutes) {
  const UnixSeconds local = t + offset_minutes * 60;
  std::int64_t days = local / 86400;
  std::int64_t rem = local % 86400;
  if (rem < 0) { rem += 86400; --days; }
  int y; unsigned m, d;
  CivilFromDays(days, y, m, d);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02d:%02d:%02d%s", y, m, d,
                static_cast<int>(rem / 3600), static_cast<int>(rem / 60 % 60),
                static_cast<int>(rem % 60), pattern_suffix);
  return buf;
}

// sscanf's %d also takes a sign and leading blanks, so every number it read is checked to be
// digits only: "T-8:00" is not eight hours before midnight, nor "+-7:00" an offset.
bool DigitsAndSeparators(std::string_view s, char separator) {
  if (s.empty() || !std::isdigit(static_cast<unsigned char>(s.front()))) return false;
  for (char c : s)
    if (!std::isdigit(static_cast<unsigned char>(c)) && c != separator) return false;
  return true;
}

unsigned DaysInMonth(int year, int month) {
  static constexpr unsigned kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  return month == 2 && leap ? 29 : kDays[month - 1];
}

}  // namespace

std::string FormatUtc(UnixSeconds t) { return FormatAt(t, "Z", 0); }

std::string FormatLocal(UnixSeconds t, int utc_offset_minutes, std::string_view zone_label) {
  std::string s = FormatAt(t, "", utc_offset_minutes);
  s[10] = ' ';
  s.resize(16);  // minutes are the finest unit an SOP speaks in
  s += ' ';
  s += zone_label;
  return s;
}

Result<UnixSeconds> ParseInstant(std::string_view text, int default_offset_minutes) {
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0;
  char sep = 0;
  int consumed = 0;
  const std::string str(text);
  int fields = std::sscanf(str.c_str(), "%4d-%2d-%2d%n", &y, &mo, &d, &consumed);
  if (fields != 3 || !DigitsAndSeparators(text.substr(0, static_cast<size_t>(consumed)), '-'))
    return InvalidArgument("expected a date like 2026-01-05T08:00:00Z, got '" + str + "'");
  std::string_view rest = text.substr(static_cast<size_t>(consumed));
  if (!rest.empty()) {
    int used = 0;
    const std::string r(rest);
    fields = std::sscanf(r.c_str(), "%c%2d:%2d%n", &sep, &h, &mi, &used);
    if (fields != 3 || (sep != 'T' && sep != ' ') || !DigitsAndSeparators(rest.substr(1, static_cast<size_t>(used) - 1), ':'))
      return InvalidArgument("expected a time like T08:00 after the date in '" + str + "'");
    rest = rest.substr(static_cast<size_t>(used));
    if (!rest.empty() && rest[0] == ':') {
      const std::string r2(rest);
      if (std::sscanf(r2.c_str(), ":%2d%n", &s, &used) != 1 ||
          !DigitsAndSeparators(rest.substr(1, static_cast<size_t>(used) - 1), ':'))
        return InvalidArgument("bad seconds in '" + str + "'");
      rest = rest.substr(static_cast<size_t>(used));
      // Fractions of a second (scanners write milliseconds): kept to the whole second.
      if (!rest.empty() && (rest[0] == '.' || rest[0] == ',')) {
        std::size_t digits = 1;
        while (digits < rest.size() && rest[digits] >= '0' && rest[digits] <= '9') ++digits;
        if (digits == 1) return InvalidArgument("bad fraction of a second in '" + str + "'");
        rest = rest.substr(digits);
      }
    }
  }
  int offset = default_offset_minutes;
  if (rest == "Z") {
    offset = 0;
  } else if (!rest.empty()) {
    int oh = 0, om = 0;
    const std::string r(rest);
    // +07:00, or +0700 as syslog-style tools (Wazuh) write it.
    const bool colon = r.size() == 6 && r[3] == ':';
    const bool compact = r.size() == 5 && std::isdigit(static_cast<unsigned char>(r[3])) && std::isdigit(static_cast<unsigned char>(r[4]));
    if ((rest[0] != '+' && rest[0] != '-') || !(colon || compact) ||
        !DigitsAndSeparators(rest.substr(1), ':') ||
        std::sscanf(r.c_str() + 1, colon ? "%2d:%2d" : "%2d%2d", &oh, &om) != 2 || oh > 23 || om > 59)
      return InvalidArgument("bad UTC offset '" + r + "' in '" + str + "'");
    offset = (rest[0] == '-' ? -1 : 1) * (oh * 60 + om);
  }
  if (mo < 1 || mo > 12 || d < 1 || static_cast<unsigned>(d) > DaysInMonth(y, mo) || h > 23 || mi > 59 || s > 60)
    return InvalidArgument("date or time out of range in '" + str + "'");
  const std::int64_t days = DaysFromCivil(y, static_cast<unsigned>(mo), static_cast<unsigned>(d));
  return days * 86400 + h * 3600 + mi * 60 + s - offset * 60;
}

}  // namespace siaga
