// Human-readable rendering of case pages, lists and simulations for the terminal.
#pragma once

#include <iosfwd>
#include <string>

#include <nlohmann/json.hpp>

#include "runner/simulator.h"

namespace siaga::cli {

void PrintCaseList(std::ostream& out, const nlohmann::json& cases);
void PrintCase(std::ostream& out, const nlohmann::json& page);
// One line: the case's status and what is open now, with deadlines.
void PrintCaseSummary(std::ostream& out, const nlohmann::json& page);
void PrintSimulation(std::ostream& out, const SimulationReport& report);
nlohmann::json SimulationToJson(const SimulationReport& report);
std::string FormatDuration(std::int64_t seconds);  // "2 hari 3 jam 5 menit"

}  // namespace siaga::cli
