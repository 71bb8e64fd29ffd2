// A report script (scripts/NAME.lua): a file that returns `report { name, title, description,
// params, run }`. Loading runs the file's top level in the sandbox (it should only declare) and
// reads the declaration; the run function stays in the sandbox for ReportRun to call.
// There is no cache: a script is read and compiled again for every run and every listing, so an
// edited file is what the next run uses ("reload" by construction; docs/reports.md).
#pragma once

#include <string>
#include <vector>

#include "lua/sandbox.h"
#include "reports/report_params.h"

namespace siaga {

struct ReportDeclaration {
  std::string name, title, description, file;
  std::vector<ParamSpec> params;
};

constexpr std::size_t kMaxReportScriptBytes = 1u << 20;

// Reads and compiles `path` in `sandbox` (whose globals the caller has installed), runs its top
// level and reads the declaration. On success `run` holds the run function.
// kNotFound when the file does not exist; kScriptError for Lua errors and bad declarations,
// with the file name and the offending key in the message.
Result<ReportDeclaration> LoadReportDeclaration(LuaSandbox& sandbox, const std::string& path, LuaRef& run);

// The report script files of `dir` (*.lua, sorted); the report's name is the file's stem.
std::vector<std::string> ListReportFiles(const std::string& dir);

// A report name is the file stem: lower-case letters, digits, '-' and '_'.
bool ValidReportName(const std::string& name);

// Installs `report { ... }` (returns its table) into the sandbox environment.
void InstallReportConstructor(LuaSandbox& sandbox);

}  // namespace siaga
