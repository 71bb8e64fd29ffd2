// Working calendars as editable data (Lua files under sop/): national years in sop/kalender/
// (`kalender { }`: holidays, cuti bersama, Ramadan) and agency settings in sop/instansi/
// (`instansi { }`: time zone, office hours, local days off, 24x7 roles, whether cuti bersama
// stops the clock). The book builds the WorkingCalendar a step's deadline is computed on.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "procedure/diagnostic.h"
#include "time/calendar.h"

namespace siaga {

struct DayEntry {
  std::int64_t day = 0;  // local days since the epoch
  std::string date, name;
};

struct CalendarYear {
  std::string id = "nasional";
  int year = 0;
  std::string sumber, file;
  std::vector<DayEntry> libur, cuti_bersama;
  std::optional<std::pair<std::int64_t, std::int64_t>> ramadan;
  bool ramadan_perkiraan = false;  // dates still to be fixed by the Minister of Religious Affairs
};

struct AgencySettings {
  std::string id, nama, file;
  std::string zona_waktu;  // empty: each procedure's own zona_waktu
  std::string kalender = "nasional";
  bool cuti_bersama_libur = true;
  std::map<int, std::vector<OfficeInterval>> jam_kerja, jam_kerja_ramadan;  // weekday -> intervals
  std::vector<DayEntry> libur_lokal;
  std::set<std::string> layanan_24_jam;  // roles that run round the clock
  // Agencies this one oversees (a province its regencies): it receives their hand-overs, and
  // oversight tokens of this agency may be given read access to them (docs/multi-agency.md).
  std::vector<std::string> mengawasi;
};

class CalendarBook {
 public:
  // Loads root/kalender/*.lua and root/instansi/*.lua (either folder may be missing).
  std::vector<Diagnostic> LoadDirectory(const std::string& root);
  // Loads one file of either kind; adds it when it has no errors.
  std::vector<Diagnostic> LoadFile(const std::string& path);
  // The same for a file's text; `path` names it in diagnostics.
  std::vector<Diagnostic> LoadSource(const std::string& source, const std::string& path);

  // The calendar for a step of `role` in agency `instansi`, in `zone` unless the agency sets one.
  Result<WorkingCalendar> For(const std::string& instansi, const std::string& zone, const std::string& role = "") const;

  // SHA-256 over every loaded file, so an edit can be noticed (re-computing open deadlines).
  std::string Hash() const { return hash_; }
  // An agency's settings (sop/instansi/<id>.lua), or null.
  const AgencySettings* Agency(const std::string& id) const;
  const std::map<std::string, AgencySettings>& agencies() const { return agencies_; }
  const std::vector<CalendarYear>& years() const { return years_; }

 private:
  std::vector<CalendarYear> years_;
  std::map<std::string, AgencySettings> agencies_;
  std::string hash_;
  std::string sources_;
};

// True for files that hold calendar data rather than procedures (under kalender/ or instansi/).
bool IsCalendarFile(const std::string& path);

}  // namespace siaga
