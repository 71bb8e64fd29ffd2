// Fuzz target: time standards as SOPs write them (ParseTimeStandard) and instants (ParseInstant).
// Input: byte 0 picks the defaults, the basis override and the default UTC offset; the rest is
// the text.
#include <array>
#include <cstdint>
#include <optional>
#include <string>

#include "common/clock.h"
#include "fuzz_check.h"
#include "time/time_standard.h"

using namespace siaga;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  const std::uint8_t sel = data[0];
  const std::string_view text = fuzz::AsText(data + 1, size - 1);
  static constexpr std::array<TimeBasis, 4> kBases = {TimeBasis::kWorkingTime, TimeBasis::kWorkingDays,
                                                     TimeBasis::kCalendarDays, TimeBasis::kElapsed};
  TimeDefaults defaults;
  defaults.day = kBases[sel & 3];
  defaults.clock = kBases[(sel >> 2) & 3];
  std::optional<TimeBasis> override_basis;
  if (sel & 0x10) override_basis = kBases[(sel >> 5) & 3];

  auto ts = ParseTimeStandard(text, defaults, override_basis);
  if (ts.ok()) {
    FUZZ_CHECK(ts->min > 0 && ts->min <= ts->max);
    FUZZ_CHECK(ts->raw == text);
    FUZZ_CHECK(ts->NominalMinutes(false) > 0 && ts->NominalMinutes(false) <= ts->NominalMinutes(true));
    FUZZ_CHECK(TimeBasisFromName(TimeBasisName(ts->basis)) == ts->basis);
    FUZZ_CHECK(!ts->Describe().empty());
    // Parsing is a function of the text: the same text and settings give the same result.
    auto again = ParseTimeStandard(ts->raw, defaults, override_basis);
    FUZZ_CHECK(again.ok() && again->min == ts->min && again->max == ts->max && again->unit == ts->unit &&
               again->basis == ts->basis);
  } else {
    FUZZ_CHECK(!ts.status().message().empty());
  }

  // Offsets from UTC-12:00 to UTC+14:00 in quarter hours, as the agencies' calendars use.
  const int offset = (static_cast<int>(sel) % 105 - 48) * 15;
  auto t = ParseInstant(text, offset);
  if (t.ok()) {
    // What the engine writes back must read back as the same instant (within years 0000-9999:
    // FormatUtc writes year -1 as "-001", which is no ISO-8601 ParseInstant reads).
    const std::string utc = FormatUtc(*t);
    if (utc.size() == 20 && utc[0] != '-') {
      auto back = ParseInstant(utc);
      FUZZ_CHECK(back.ok() && *back == *t);
    }
    // And text already in the engine's own form reads as itself: 2026-01-05T08:00:00Z names
    // exactly that instant, not a neighbouring one (a leap second :60 is read as the next minute).
    if (text.size() == 20 && text[10] == 'T' && text[19] == 'Z' && text.substr(17, 2) != "60")
      FUZZ_CHECK(utc == text);
    (void)FormatLocal(*t, offset, "WIB");
  }
  return 0;
}
