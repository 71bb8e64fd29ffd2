// Typed report parameters: declared by the script (`params = { from = { type = "date" } }`),
// given as text (CLI `--param from=2026-01-01`, HTTP `?from=2026-01-01`) and checked here, so a
// script only ever sees values of the declared type. Every error names the parameter.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/clock.h"
#include "reports/report_catalog.h"

namespace siaga {

enum class ParamType {
  kDate,       // "2026-01-31" -> unix seconds of local midnight (the report's zone)
  kMonth,      // "2026-01"    -> unix seconds of the 1st, 00:00 local
  kProcedure,  // a procedure id the catalog knows
  kAgency,     // an instansi id the catalog knows
  kRole,       // a role id of some known procedure
  kString,     // printable text, at most 200 bytes
  kInteger,    // optional min / max
  kChoice,     // one of `values`
};

const char* ParamTypeName(ParamType type);
std::optional<ParamType> ParamTypeFromName(const std::string& name);

struct ParamSpec {
  std::string name, label;
  ParamType type = ParamType::kString;
  bool required = false;
  std::optional<std::string> default_value;  // as text, checked like a given value
  std::vector<std::string> values;           // kChoice
  std::optional<std::int64_t> min, max;      // kInteger
};

struct ResolvedParam {
  std::string name;
  std::string text;     // as given (or the default)
  nlohmann::json value; // what the script sees
};

struct ResolvedParams {
  std::vector<ResolvedParam> values;  // only parameters that have a value, in declared order
  // The zone dates are read in and shown in: the chosen procedure's, else the chosen agency's,
  // else WIB.
  std::string zone_label = "WIB";
  int utc_offset_minutes = 7 * 60;

  const ResolvedParam* Find(const std::string& name) const;
};

// Checks `given` (name -> text) against `specs`: unknown names, missing required ones and
// values of the wrong type are refused (kInvalidArgument, field() = the parameter's name).
Result<ResolvedParams> ResolveParams(const std::vector<ParamSpec>& specs, const std::map<std::string, std::string>& given,
                                     const ReportCatalog& catalog);

// Local calendar helpers in a fixed-offset zone.
UnixSeconds LocalDayStart(UnixSeconds t, int utc_offset_minutes);
UnixSeconds LocalMonthStart(UnixSeconds t, int utc_offset_minutes);
UnixSeconds AddLocalMonths(UnixSeconds month_start, int months, int utc_offset_minutes);

}  // namespace siaga
