// Reads the table a report's run function returned into a ReportOutput, checking its shape and
// naming the place of any mistake ("result.tables[2].rows[15]: key 'stpe' is not a column").
// Call it inside CallHost: it uses raw access only and may raise a Lua memory error.
#pragma once

#include <lua.hpp>

#include "reports/report_output.h"
#include "common/status.h"

namespace siaga {

struct ReportResultLimits {
  std::size_t tables = 50, columns = 100, rows = 1'000'000, charts = 50, series = 20, x_labels = 1000;
  std::size_t summary = 200, notes = 200, text_bytes = 64u << 10;
};

// `index`: the returned value. Fills summary, tables, charts, notes and (when given) title.
Status ReadReportResult(lua_State* L, int index, ReportOutput& out, const ReportResultLimits& limits = {});

}  // namespace siaga
