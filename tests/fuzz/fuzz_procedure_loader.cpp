// Fuzz target: the procedure loader (LoadProcedureSource) on the input as a procedure file:
// Lua compiled and run in the sandbox, the returned table read into a ProcedureDef and checked.
// Bases of `turunan "id"` come from the shipped sop/ folder.
#include <cstdint>
#include <string>

#include "fuzz_check.h"
#include "procedure/loader.h"

using namespace siaga;

namespace {
BaseResolver* resolver = nullptr;
}

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  resolver = new BaseResolver(FolderResolver(fuzz::SourceDir() + "/sop"));
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  // The loader's own limits with a smaller instruction count (see fuzz_adapter.cpp).
  LuaLimits limits = ProcedureLoadLimits();
  limits.instructions = 5'000'000;
  LoadResult r = LoadProcedureSource(fuzz::AsText(data, size), "fuzz/prosedur.lua", limits, *resolver);
  // Either a procedure, or at least one error saying why not.
  FUZZ_CHECK((r.procedure != nullptr) != HasErrors(r.diagnostics));
  for (const auto& d : r.diagnostics) FUZZ_CHECK(!d.ToString().empty());
  return 0;
}
