// From an adapter's output to engine commands: the drafts are checked field by field (the
// adapter is admin code fed with attacker data, so its output is input too), routed, and turned
// into one ingest command: the inbox row plus one case opening per draft.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/clock.h"
#include "runner/engine.h"
#include "webhooks/routes.h"

namespace siaga {

struct CaseDraft {
  std::string title, severity, source, asset, source_ref, dedupe_key, tlp = "AMBER";
  std::optional<UnixSeconds> occurred_at;
  nlohmann::json fields = nlohmann::json::object();
  std::string evidence, evidence_media_type;
};

// `out` is what parse returned. Errors name the draft and field ("drafts[2].severity").
// A draft without evidence carries the whole body; without a dedupe key, adapter + SHA-256 of
// its evidence, so that re-sending the same payload never opens a second case.
Result<std::vector<CaseDraft>> ValidateDrafts(const nlohmann::json& out, const std::string& adapter,
                                              const std::string& body, const std::string& body_media_type);

struct IngestPlan {
  IngestRequest request;
  nlohmann::json drafts = nlohmann::json::array();  // what each draft became, for hook-test
};

// Routes each draft: opens a case of the routed procedure, sets it aside (ignore), or, when no
// rule matches, holds the payload. `actor` opens the cases (e.g. "webhook:wazuh").
IngestPlan PlanIngest(const std::vector<CaseDraft>& drafts, const Routes& routes, const std::string& adapter,
                      const std::string& actor);

nlohmann::json DraftToJson(const CaseDraft& draft);

// The whole way from an adapter run to the ingest command. `out` is the run's result; when the
// adapter failed or returned bad drafts, the request opens nothing and holds the payload with
// the reason. (A payload the adapter rejected as bad input is not stored at all: the caller
// answers 400 instead.)
IngestRequest MakeIngest(const Result<nlohmann::json>& out, const std::string& adapter, const std::string& sender,
                         const std::string& content_type, const std::string& body, const Routes& routes);

}  // namespace siaga
