// The procedures the engine knows: the newest version of each file under sop/, and any older
// version a running case is pinned to (loaded again from its stored source by hash).
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "procedure/loader.h"
#include "time/calendar_book.h"

namespace siaga {

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
                                                        const std::string& file);
  std::vector<std::shared_ptr<CompiledProcedure>> LatestAll() const;

  const CalendarBook& calendars() const { return calendars_; }
  CalendarBook& calendars() { return calendars_; }

 private:
  std::map<std::string, std::shared_ptr<CompiledProcedure>> latest_;
  std::map<std::string, std::shared_ptr<CompiledProcedure>> by_hash_;
  CalendarBook calendars_;
};

// Lists *.lua files below `root` in path order (a file given directly is returned as is).
std::vector<std::string> ListLuaFiles(const std::string& root);

}  // namespace siaga
