// The filter table a script passes to a data function (`data.cases{ procedure = ..., from = ... }`),
// checked key by key and turned into values that are bound to prepared statements. Nothing a
// script passes ever becomes SQL text: lists travel as one bound JSON array read by json_each.
#pragma once

#include <lua.hpp>

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "common/clock.h"
#include "reports/report_catalog.h"
#include "store/database.h"

namespace siaga {

struct DataFilter {
  std::optional<std::string> procedures;    // JSON array of procedure ids (procedure and agency combined)
  std::optional<std::vector<std::string>> procedure_list;  // the same, as a list
  std::optional<std::string> states;        // JSON array: case status, or step state
  std::optional<std::string> case_states;   // JSON array: steps of cases in these statuses
  std::optional<std::string> events;        // JSON array of audit event names
  std::optional<std::int64_t> case_id;
  std::optional<std::string> role, step, tlp;
  std::optional<UnixSeconds> from, to, closed_from, closed_to, open_at;
  bool overdue = false;
  std::optional<std::int64_t> limit;        // list forms only
};

// Reads the filter at `index` (a table or nil). `allowed` lists the keys this function takes;
// errors name the function and the key. `db` resolves case numbers to ids.
// Must be called with the filter's table on the Lua stack; uses raw access only.
Result<DataFilter> ReadDataFilter(lua_State* L, int index, const char* function, const std::set<std::string>& allowed,
                                  const ReportCatalog& catalog, Database& db);

// Narrows the filter to the procedures a reader may see (nullopt: no restriction): a filter that
// names none gets them all, one that names some keeps only those it may see.
void RestrictProcedures(DataFilter& filter, const std::optional<std::vector<std::string>>& readable);

// Binds an optional value (NULL when absent).
void BindOptional(Statement& q, int index, const std::optional<std::string>& v);
void BindOptional(Statement& q, int index, const std::optional<std::int64_t>& v);

}  // namespace siaga
