// A finding about a procedure file, always located: file, line, step and field.
#pragma once

#include <string>
#include <vector>

namespace siaga {

struct Diagnostic {
  enum class Severity { kError, kWarning };
  Severity severity = Severity::kError;
  std::string file;
  int line = 0;
  std::string step;   // empty for procedure-level findings
  std::string field;  // empty when not about one field
  std::string message;

  std::string ToString() const;  // "sop/x.lua:12: error: step 'a' field 'waktu': ..."
};

bool HasErrors(const std::vector<Diagnostic>& diagnostics);

}  // namespace siaga
