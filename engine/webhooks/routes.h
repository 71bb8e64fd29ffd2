// Which procedure handles a feed's drafts: `webhooks/routes.lua`, configuration an agency edits,
// so routing is never C++. Rules are tried in order; the first that matches a draft decides.
//
//   routes {
//     { adapter = "shadowserver", procedure = "kaltim/gangguan-keamanan-jaringan" },
//     { severity = { "info" }, ignore = true },
//     { procedure = "trenggalek/layanan-insiden" },       -- everything else
//   }
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "common/status.h"

namespace siaga {

struct RouteRule {
  std::vector<std::string> adapters, severities, sources;  // empty: any
  std::string procedure;
  bool ignore = false;
};

struct RouteDecision {
  bool ignore = false;
  std::string procedure;
};

class Routes {
 public:
  static Result<Routes> Parse(const std::string& source, const std::string& file);
  static Result<Routes> LoadFile(const std::string& path);  // a missing file gives no rules

  // nullopt when no rule matches.
  std::optional<RouteDecision> Route(const std::string& adapter, const std::string& severity, const std::string& source) const;
  const std::vector<RouteRule>& rules() const { return rules_; }

 private:
  std::vector<RouteRule> rules_;
};

}  // namespace siaga
