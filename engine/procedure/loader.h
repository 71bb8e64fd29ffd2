// Loads a procedure file: runs it in a fresh sandbox, reads the table it returns into a
// ProcedureDef, and checks it. A procedure that loads keeps its sandbox, because its hooks
// (on_enter, guard, decide, run...) are Lua functions that run while cases execute.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "lua/sandbox.h"
#include "procedure/definition.h"
#include "procedure/diagnostic.h"

namespace siaga {

class CompiledProcedure {
 public:
  CompiledProcedure(ProcedureDef def, std::unique_ptr<LuaSandbox> sandbox, LuaRef table, std::string source);

  const ProcedureDef& def() const { return def_; }
  const std::string& source() const { return source_; }
  LuaSandbox& sandbox() const { return *sandbox_; }
  // Pushes the hook `name` of step `step` (or of the procedure when step is null) [-0, +1];
  // returns false and pushes nothing when there is none.
  bool PushHook(const StepDef* step, const char* name) const;
  // Pushes fungsi[name] [-0, +1]; false (nothing pushed) when there is no such function.
  bool PushFunction(const std::string& name) const;
  // Pushes the `fungsi` table, or nil [-0, +1].
  void PushFunctionTable() const;

 private:
  ProcedureDef def_;
  std::unique_ptr<LuaSandbox> sandbox_;
  LuaRef table_;
  std::string source_;
};

struct LoadResult {
  std::shared_ptr<CompiledProcedure> procedure;  // null when the file has errors
  std::vector<Diagnostic> diagnostics;           // errors and warnings
};

LuaLimits ProcedureLoadLimits();

LoadResult LoadProcedureSource(std::string_view source, const std::string& file_name,
                               const LuaLimits& limits = ProcedureLoadLimits());
LoadResult LoadProcedureFile(const std::string& path);

}  // namespace siaga
