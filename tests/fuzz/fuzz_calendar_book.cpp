// Fuzz target: a calendar (sop/kalender/) or agency (sop/instansi/) file through
// CalendarBook::LoadSource: Lua in the sandbox, then the table read field by field. Byte 0 picks
// which kind of file the text is named as; the rest is the text. A file either adds its year or
// agency, or gives error diagnostics that name the file; nothing throws.
#include <cstdint>
#include <string>

#include "fuzz_check.h"
#include "time/calendar_book.h"

using namespace siaga;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::string path = data[0] % 2 == 0 ? "sop/kalender/fuzz.lua" : "sop/instansi/fuzz.lua";
  CalendarBook book;
  const auto diagnostics = book.LoadSource(std::string(fuzz::AsText(data + 1, size - 1)), path);
  bool errors = false;
  for (const Diagnostic& d : diagnostics) {
    FUZZ_CHECK(d.file == path);
    FUZZ_CHECK(!d.message.empty());
    FUZZ_CHECK(!d.ToString().empty());
    errors = errors || d.severity == Diagnostic::Severity::kError;
  }
  // A file that loads changes the book's hash (deadlines are recomputed on it); one that fails
  // leaves the book as it was.
  FUZZ_CHECK(errors == book.Hash().empty());
  for (const auto& [id, agency] : book.agencies()) {
    FUZZ_CHECK(!errors);
    FUZZ_CHECK(agency.id == id);
    for (const auto& other : agency.mengawasi) FUZZ_CHECK(!other.empty() && other != id);
  }
  return 0;
}
