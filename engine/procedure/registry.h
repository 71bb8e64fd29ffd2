// The procedures the engine knows: the newest version of each file under sop/, and any older
// version a running case is pinned to (loaded again from its stored source by hash).
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "notify/notification_book.h"
#include "procedure/loader.h"
#include "time/calendar_book.h"

namespace siaga {

class ProcedureRegistry;

// What a reload found: the freshly compiled procedures and calendars of a whole folder, built
// off the engine loop, for the loop to adopt (ProcedureRegistry::Adopt).
struct ReloadSet;

// What adopting a reload changed, for the log, the status file and the API.
struct ReloadReport {
  std::vector<std::string> published;  // ids whose file changed and loaded: "id@hash12"
  std::vector<std::string> kept;       // ids whose file now fails: the previous version keeps serving
  std::vector<std::string> removed;    // ids whose file is gone: no new cases; running ones continue
  bool calendars_changed = false;
  bool calendars_kept = false;         // calendar files failed: the previous calendars stay
  bool notifications_changed = false;
  bool notifications_kept = false;     // notification files failed: the previous set-up stays
  std::vector<Diagnostic> diagnostics;
};

class ProcedureRegistry {
 public:
  // Loads every procedure file below `root` (recursively, in path order) and checks the set,
  // and the calendar data under root/kalender/ and root/instansi/. Files with errors are left
  // out; their diagnostics are returned with everyone's warnings.
  std::vector<Diagnostic> LoadDirectory(const std::string& root);

  // Adds one compiled procedure as the newest of its id.
  void Add(std::shared_ptr<CompiledProcedure> procedure);

  std::shared_ptr<CompiledProcedure> Latest(const std::string& id) const;
  std::shared_ptr<CompiledProcedure> ByHash(const std::string& hash) const;
  // Loads a stored version's source (from the store) unless it is already loaded.
  Result<std::shared_ptr<CompiledProcedure>> LoadStored(const std::string& hash, const std::string& source,
                                                        const std::string& file, const std::string& bases_json = "{}");
  std::vector<std::shared_ptr<CompiledProcedure>> LatestAll() const;

  // Takes a reload's procedures in: changed files that load replace their procedure; a file that
  // fails keeps its previous version serving; a deleted file's procedure takes no new cases.
  // Every version stays reachable by hash for the cases pinned to it.
  ReloadReport Adopt(ReloadSet&& set);

  const CalendarBook& calendars() const { return calendars_; }
  CalendarBook& calendars() { return calendars_; }
  // Channels, recipients and templates (sop/notifikasi/); swapped whole by a reload, so a
  // delivery worker holding the old one keeps a consistent view.
  const std::shared_ptr<NotificationBook>& notifications() const { return notifications_; }
  void SetNotifications(std::shared_ptr<NotificationBook> book) { notifications_ = std::move(book); }

 private:
  std::map<std::string, std::shared_ptr<CompiledProcedure>> latest_;
  std::map<std::string, std::shared_ptr<CompiledProcedure>> by_hash_;
  CalendarBook calendars_;
  std::shared_ptr<NotificationBook> notifications_ = std::make_shared<NotificationBook>();
};

struct ReloadSet {
  ProcedureRegistry fresh;
  std::vector<Diagnostic> diagnostics;
  std::vector<std::string> failed_files;  // files with at least one error
  bool calendar_errors = false;
  bool notification_errors = false;
};

// Compiles and checks every file under `root` in fresh sandboxes. Safe on any thread: it shares
// nothing with the serving registry.
ReloadSet CompileDirectory(const std::string& root);

// Lists *.lua files below `root` in path order (a file given directly is returned as is).
std::vector<std::string> ListLuaFiles(const std::string& root);

}  // namespace siaga
