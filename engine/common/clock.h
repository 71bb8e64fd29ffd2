// Time as the engine sees it: UTC seconds since the Unix epoch, read through an injectable Clock
// so tests and `siaga simulate` can run on a virtual clock instead of sleeping.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/status.h"

namespace siaga {

using UnixSeconds = std::int64_t;

class Clock {
 public:
  virtual ~Clock() = default;
  virtual UnixSeconds Now() const = 0;
  // Milliseconds since the epoch, for the timer loop's wake-ups and fire-lag figures.
  virtual std::int64_t NowMillis() const { return Now() * 1000; }
};

class SystemClock final : public Clock {
 public:
  UnixSeconds Now() const override;
  std::int64_t NowMillis() const override;
};

// Starts at a given instant and then runs at real speed: `siaga run --now ...` replays a
// scenario from a chosen moment (tests of restarts and deadlines use it).
class ShiftedClock final : public Clock {
 public:
  explicit ShiftedClock(UnixSeconds start);
  UnixSeconds Now() const override { return NowMillis() / 1000; }
  std::int64_t NowMillis() const override;

 private:
  std::int64_t shift_millis_;
};

class FakeClock final : public Clock {
 public:
  explicit FakeClock(UnixSeconds now) : now_(now) {}
  UnixSeconds Now() const override { return now_; }
  void Set(UnixSeconds now) { now_ = now; }
  void Advance(std::int64_t seconds) { now_ += seconds; }

 private:
  UnixSeconds now_;
};

// "2026-01-05T01:00:00Z"
std::string FormatUtc(UnixSeconds t);
// Local wall time at a fixed offset, e.g. "2026-01-05 08:00 WIB".
std::string FormatLocal(UnixSeconds t, int utc_offset_minutes, std::string_view zone_label);

// Accepts "2026-01-05T08:00:00Z", "2026-01-05T08:00:00+07:00", "2026-01-05T08:00" and
// "2026-01-05 08:00" (the last two read at `default_offset_minutes`), and "2026-01-05".
Result<UnixSeconds> ParseInstant(std::string_view text, int default_offset_minutes = 0);

// Calendar helpers shared by the working calendar.
std::int64_t DaysFromCivil(int year, unsigned month, unsigned day);
void CivilFromDays(std::int64_t days, int& year, unsigned& month, unsigned& day);
int WeekdayFromDays(std::int64_t days);  // 0 = Sunday ... 6 = Saturday

}  // namespace siaga
