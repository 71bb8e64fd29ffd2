// Loads a procedure file: runs it in a fresh sandbox, reads the table it returns into a
// ProcedureDef, and checks it. A procedure that loads keeps its sandbox, because its hooks
// (on_enter, guard, decide, run...) are Lua functions that run while cases execute.
#pragma once

#include <functional>
#include <memory>

#include <nlohmann/json.hpp>
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
  // A derived procedure's bases (turunan "id"): { id: { file, source } }, kept with the version
  // so a pinned case always runs on the bases it started with; {} for others.
  const nlohmann::json& bases() const { return bases_; }
  void set_bases(nlohmann::json bases) { bases_ = std::move(bases); }
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
  nlohmann::json bases_ = nlohmann::json::object();
};

// Finds a base procedure's source by id, for `turunan "id" { ... }`: { source, file }.
struct BaseSource {
  std::string source, file;
};
using BaseResolver = std::function<Result<BaseSource>(const std::string& id)>;
// Resolves from the folder of procedure files: ID -> ROOT/ID.lua.
BaseResolver FolderResolver(const std::string& root);
// Resolves from the bases stored with a version.
BaseResolver StoredResolver(const nlohmann::json& bases);

struct LoadResult {
  std::shared_ptr<CompiledProcedure> procedure;  // null when the file has errors
  std::vector<Diagnostic> diagnostics;           // errors and warnings
};

LuaLimits ProcedureLoadLimits();

LoadResult LoadProcedureSource(std::string_view source, const std::string& file_name,
                               const LuaLimits& limits = ProcedureLoadLimits(), const BaseResolver& resolver = nullptr);
LoadResult LoadProcedureFile(const std::string& path, const BaseResolver& resolver = nullptr);

}  // namespace siaga
