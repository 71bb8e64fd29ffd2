#include "procedure/registry.h"

#include <algorithm>
#include <filesystem>

#include "procedure/lint.h"

namespace siaga {

namespace fs = std::filesystem;

std::vector<std::string> ListLuaFiles(const std::string& root) {
  std::vector<std::string> files;
  std::error_code ec;
  if (fs::is_regular_file(root, ec)) return {root};
  for (auto it = fs::recursive_directory_iterator(root, fs::directory_options::skip_permission_denied, ec);
       !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (it->is_regular_file(ec) && it->path().extension() == ".lua") files.push_back(it->path().string());
  }
  std::sort(files.begin(), files.end());
  return files;
}

std::vector<Diagnostic> ProcedureRegistry::LoadDirectory(const std::string& root) {
  std::vector<Diagnostic> diagnostics;
  std::error_code ec;
  if (!fs::exists(root, ec)) {
    diagnostics.push_back({Diagnostic::Severity::kError, root, 0, "", "", "no such file or folder"});
    return diagnostics;
  }
  std::vector<std::shared_ptr<CompiledProcedure>> loaded;
  std::vector<std::string> notification_files;
  for (const std::string& file : ListLuaFiles(root)) {
    if (IsNotificationFile(file)) {
      notification_files.push_back(file);
      continue;
    }
    if (IsCalendarFile(file)) {
      auto found = calendars_.LoadFile(file);
      diagnostics.insert(diagnostics.end(), found.begin(), found.end());
      continue;
    }
    // `turunan "id"` finds its base as ROOT/id.lua (a single file: two folders up, agency/slug).
    const std::string resolver_root = fs::is_directory(root, ec) ? root : fs::path(file).parent_path().parent_path().string();
    LoadResult r = LoadProcedureFile(file, FolderResolver(resolver_root.empty() ? "." : resolver_root));
    diagnostics.insert(diagnostics.end(), r.diagnostics.begin(), r.diagnostics.end());
    if (r.procedure) loaded.push_back(r.procedure);
  }
  if (!notification_files.empty()) {
    auto book = std::make_shared<NotificationBook>();
    auto found = book->LoadFiles(notification_files);
    diagnostics.insert(diagnostics.end(), found.begin(), found.end());
    notifications_ = std::move(book);
  }
  std::vector<const ProcedureDef*> defs;
  for (const auto& p : loaded) defs.push_back(&p->def());
  std::string base = root;
  while (base.size() > 1 && base.back() == '/') base.pop_back();
  const bool is_dir = fs::is_directory(root, ec);
  std::vector<Diagnostic> set_findings;
  CheckProcedureSet(defs, is_dir ? base : "", set_findings);
  // A file whose id clashes or whose call target is missing is left out, like a file with errors.
  for (const auto& p : loaded) {
    bool bad = false;
    for (const Diagnostic& d : set_findings)
      bad = bad || (d.severity == Diagnostic::Severity::kError && d.file == p->def().file);
    if (!bad) Add(p);
  }
  diagnostics.insert(diagnostics.end(), set_findings.begin(), set_findings.end());
  return diagnostics;
}

void ProcedureRegistry::Add(std::shared_ptr<CompiledProcedure> procedure) {
  by_hash_[procedure->def().hash] = procedure;
  latest_[procedure->def().id] = std::move(procedure);
}

std::shared_ptr<CompiledProcedure> ProcedureRegistry::Latest(const std::string& id) const {
  auto it = latest_.find(id);
  return it == latest_.end() ? nullptr : it->second;
}

std::shared_ptr<CompiledProcedure> ProcedureRegistry::ByHash(const std::string& hash) const {
  auto it = by_hash_.find(hash);
  return it == by_hash_.end() ? nullptr : it->second;
}

Result<std::shared_ptr<CompiledProcedure>> ProcedureRegistry::LoadStored(const std::string& hash,
                                                                        const std::string& source,
                                                                        const std::string& file,
                                                                        const std::string& bases_json) {
  if (auto p = ByHash(hash)) return p;
  const auto bases = nlohmann::json::parse(bases_json, nullptr, false);
  LoadResult r = LoadProcedureSource(source, file, ProcedureLoadLimits(), StoredResolver(bases.is_discarded() ? nlohmann::json::object() : bases));
  if (!r.procedure) {
    std::string why;
    for (const auto& d : r.diagnostics)
      if (d.severity == Diagnostic::Severity::kError) why += "\n  " + d.ToString();
    return ScriptError("stored procedure version " + hash.substr(0, 12) + " no longer loads:" + why);
  }
  by_hash_[hash] = r.procedure;
  return r.procedure;
}

ReloadSet CompileDirectory(const std::string& root) {
  ReloadSet set;
  set.diagnostics = set.fresh.LoadDirectory(root);
  for (const Diagnostic& d : set.diagnostics) {
    if (d.severity != Diagnostic::Severity::kError) continue;
    if (IsCalendarFile(d.file)) set.calendar_errors = true;
    if (IsNotificationFile(d.file)) set.notification_errors = true;
    if (std::find(set.failed_files.begin(), set.failed_files.end(), d.file) == set.failed_files.end())
      set.failed_files.push_back(d.file);
  }
  return set;
}

ReloadReport ProcedureRegistry::Adopt(ReloadSet&& set) {
  ReloadReport report;
  report.diagnostics = std::move(set.diagnostics);
  std::map<std::string, std::shared_ptr<CompiledProcedure>> next = set.fresh.latest_;
  for (const auto& [id, p] : next) {
    auto old = latest_.find(id);
    if (old == latest_.end() || old->second->def().hash != p->def().hash) report.published.push_back(id + "@" + p->def().hash.substr(0, 12));
  }
  for (const auto& [id, p] : latest_) {
    if (next.contains(id)) continue;
    const bool failed = std::find(set.failed_files.begin(), set.failed_files.end(), p->def().file) != set.failed_files.end();
    if (failed) {
      next[id] = p;
      report.kept.push_back(id);
    } else {
      report.removed.push_back(id);
    }
  }
  for (auto& [hash, p] : set.fresh.by_hash_) by_hash_.try_emplace(hash, p);
  latest_ = std::move(next);
  if (set.calendar_errors) {
    report.calendars_kept = true;
  } else if (set.fresh.calendars_.Hash() != calendars_.Hash()) {
    calendars_ = std::move(set.fresh.calendars_);
    report.calendars_changed = true;
  }
  if (set.notification_errors) {
    report.notifications_kept = true;
  } else if (set.fresh.notifications_->hash() != notifications_->hash()) {
    notifications_ = set.fresh.notifications_;
    report.notifications_changed = true;
  }
  return report;
}

std::vector<std::shared_ptr<CompiledProcedure>> ProcedureRegistry::LatestAll() const {
  std::vector<std::shared_ptr<CompiledProcedure>> out;
  for (const auto& [id, p] : latest_) out.push_back(p);
  return out;
}

}  // namespace siaga
