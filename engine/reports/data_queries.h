// The filter of data.cases as SQL text and bindings, shared by the functions that count cases.
// The text is fixed; every value is bound (parameters ?1 to ?7).
#pragma once

#include <string>

#include "reports/data_filter.h"

namespace siaga {

const std::string& CaseFilterSql();
void BindCaseFilter(const DataFilter& filter, Statement& q);

}  // namespace siaga
