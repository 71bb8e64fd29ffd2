#include "webhooks/intake.h"

#include <algorithm>

#include "common/sha256.h"
#include "common/tlp.h"

namespace siaga {

namespace {

const std::vector<std::string> kSeverities = {"info", "low", "medium", "high", "critical"};

// Case fields that a webhook case always carries; the adapter's own fields cannot replace them.
const std::vector<std::string> kReservedFields = {"severity", "asset", "source", "source_ref", "adapter", "occurred_at", "tlp"};

Result<std::string> OptionalString(const nlohmann::json& d, const char* key, const std::string& where, std::size_t max) {
  if (!d.contains(key) || d[key].is_null()) return std::string();
  if (!d[key].is_string()) return InvalidField(where + "." + key, "must be a string");
  std::string v = d[key].get<std::string>();
  if (v.size() > max) return InvalidField(where + "." + key, "at most " + std::to_string(max) + " bytes");
  return v;
}

}  // namespace

Result<std::vector<CaseDraft>> ValidateDrafts(const nlohmann::json& out, const std::string& adapter,
                                              const std::string& body, const std::string& body_media_type) {
  if (!out.is_array()) return InvalidField("drafts", "parse must return a list of drafts");
  if (out.size() > 10'000) return InvalidField("drafts", "at most 10000 drafts per payload");
  std::vector<CaseDraft> drafts;
  for (std::size_t i = 0; i < out.size(); ++i) {
    const auto& d = out[i];
    const std::string where = "drafts[" + std::to_string(i + 1) + "]";
    if (!d.is_object()) return InvalidField(where, "must be a table");
    for (const auto& [key, unused] : d.items()) {
      static const std::vector<std::string> kKeys = {"title", "severity", "source", "asset", "source_ref", "dedupe_key",
                                                     "occurred_at", "fields", "tlp", "evidence"};
      if (std::find(kKeys.begin(), kKeys.end(), key) == kKeys.end())
        return InvalidField(where + "." + key, "unknown key");
    }
    CaseDraft draft;
    auto title = OptionalString(d, "title", where, 300);
    auto severity = OptionalString(d, "severity", where, 16);
    auto source = OptionalString(d, "source", where, 100);
    auto asset = OptionalString(d, "asset", where, 500);
    auto ref = OptionalString(d, "source_ref", where, 200);
    auto key = OptionalString(d, "dedupe_key", where, 200);
    auto tlp = OptionalString(d, "tlp", where, 16);
    for (auto* r : {&title, &severity, &source, &asset, &ref, &key, &tlp})
      if (!r->ok()) return r->status();
    if (title->empty()) return InvalidField(where + ".title", "is required");
    if (std::find(kSeverities.begin(), kSeverities.end(), *severity) == kSeverities.end())
      return InvalidField(where + ".severity", "must be one of info, low, medium, high, critical");
    if (source->empty()) return InvalidField(where + ".source", "is required");
    if (!tlp->empty() && !IsTlpLabel(*tlp)) return InvalidField(where + ".tlp", std::string("must be one of ") + kTlpChoices);
    draft.title = *title;
    draft.severity = *severity;
    draft.source = *source;
    draft.asset = *asset;
    draft.source_ref = *ref;
    if (!tlp->empty()) draft.tlp = *tlp;
    if (d.contains("occurred_at")) {
      const auto& t = d["occurred_at"];
      if (t.is_number_integer()) {
        draft.occurred_at = t.get<std::int64_t>();
      } else if (t.is_string()) {
        auto parsed = ParseInstant(t.get<std::string>(), 0);
        if (!parsed.ok()) return InvalidField(where + ".occurred_at", "not an ISO-8601 instant: " + parsed.status().message());
        draft.occurred_at = *parsed;
      } else if (!t.is_null()) {
        return InvalidField(where + ".occurred_at", "must be an ISO-8601 string or unix seconds");
      }
    }
    if (d.contains("fields")) {
      const auto& f = d["fields"];
      if (f.is_array() && f.empty()) {
        // an empty Lua table
      } else if (!f.is_object()) {
        return InvalidField(where + ".fields", "must be a table of name = value");
      } else {
        for (const auto& [name, value] : f.items()) {
          if (name.empty() || name.size() > 64) return InvalidField(where + ".fields", "field names are 1-64 bytes");
          if (std::find(kReservedFields.begin(), kReservedFields.end(), name) != kReservedFields.end())
            return InvalidField(where + ".fields." + name, "is set by the draft itself; use the draft's own key");
          if (!value.is_string() && !value.is_number() && !value.is_boolean())
            return InvalidField(where + ".fields." + name, "must be a string, number or boolean");
          if (value.is_string() && value.get_ref<const std::string&>().size() > 4000)
            return InvalidField(where + ".fields." + name, "at most 4000 bytes");
          draft.fields[name] = value;
        }
      }
    }
    if (d.contains("evidence") && !d["evidence"].is_null()) {
      const auto& e = d["evidence"];
      if (e.is_string()) {
        draft.evidence = e.get<std::string>();
        draft.evidence_media_type = "text/plain";
      } else {
        draft.evidence = e.dump(2);
        draft.evidence_media_type = "application/json";
      }
    } else {
      draft.evidence = body;
      draft.evidence_media_type = body_media_type;
    }
    draft.dedupe_key = key->empty() ? adapter + ":sha256:" + Sha256Hex(draft.evidence) : *key;
    drafts.push_back(std::move(draft));
  }
  return drafts;
}

nlohmann::json DraftToJson(const CaseDraft& d) {
  nlohmann::json j = {{"title", d.title}, {"severity", d.severity}, {"source", d.source}, {"dedupe_key", d.dedupe_key},
                      {"tlp", d.tlp}, {"fields", d.fields}, {"evidence_bytes", d.evidence.size()},
                      {"evidence_media_type", d.evidence_media_type}};
  if (!d.asset.empty()) j["asset"] = d.asset;
  if (!d.source_ref.empty()) j["source_ref"] = d.source_ref;
  if (d.occurred_at) j["occurred_at"] = FormatUtc(*d.occurred_at);
  return j;
}

IngestRequest MakeIngest(const Result<nlohmann::json>& out, const std::string& adapter, const std::string& sender,
                         const std::string& content_type, const std::string& body, const Routes& routes) {
  IngestRequest request;
  if (out.ok()) {
    auto drafts = ValidateDrafts(*out, adapter, body, content_type);
    if (drafts.ok()) {
      request = std::move(PlanIngest(*drafts, routes, adapter, "webhook:" + adapter).request);
    } else {
      request.error = "webhooks/" + adapter + ".lua returned a bad draft: " + drafts.status().message();
    }
  } else {
    request.error = out.status().message();
  }
  request.adapter = adapter;
  request.sender = sender;
  request.content_type = content_type;
  request.body = body;
  return request;
}

IngestPlan PlanIngest(const std::vector<CaseDraft>& drafts, const Routes& routes, const std::string& adapter,
                      const std::string& actor) {
  IngestPlan plan;
  plan.request.adapter = adapter;
  for (std::size_t i = 0; i < drafts.size(); ++i) {
    const CaseDraft& d = drafts[i];
    nlohmann::json shown = DraftToJson(d);
    auto decision = routes.Route(adapter, d.severity, d.source);
    if (!decision) {
      const std::string why = "draft " + std::to_string(i + 1) + ": no rule of webhooks/routes.lua matches adapter '" + adapter +
                              "', severity '" + d.severity + "', source '" + d.source + "'";
      plan.request.error += (plan.request.error.empty() ? "" : "; ") + why;
      shown["route"] = "none (payload held)";
      plan.drafts.push_back(std::move(shown));
      continue;
    }
    if (decision->ignore) {
      ++plan.request.ignored;
      shown["route"] = "ignored";
      plan.drafts.push_back(std::move(shown));
      continue;
    }
    shown["route"] = decision->procedure;
    plan.drafts.push_back(std::move(shown));
    Command open;
    open.type = Command::Type::kOpenCase;
    open.actor.name = actor;
    open.procedure_id = decision->procedure;
    open.title = d.title;
    open.dedupe_key = d.dedupe_key;
    open.fields = d.fields;
    open.fields["severity"] = d.severity;
    open.fields["source"] = d.source;
    open.fields["adapter"] = adapter;
    open.fields["tlp"] = d.tlp;
    if (!d.asset.empty()) open.fields["asset"] = d.asset;
    if (!d.source_ref.empty()) open.fields["source_ref"] = d.source_ref;
    if (d.occurred_at) open.fields["occurred_at"] = FormatUtc(*d.occurred_at);
    open.evidence_name = d.evidence_media_type == "application/json" ? "payload.json" : d.evidence_media_type == "text/csv" ? "payload.csv" : "payload.txt";
    open.evidence_content = d.evidence;
    open.media_type = d.evidence_media_type;
    open.tlp = d.tlp;
    plan.request.opens.push_back(std::move(open));
  }
  return plan;
}

}  // namespace siaga
