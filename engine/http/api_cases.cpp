// /api/cases: list, open, show, act, evidence.
#include <openssl/evp.h>

#include <algorithm>
#include <charconv>

#include <spdlog/spdlog.h>

#include "http/api.h"
#include "http/json_body.h"
#include "http/procedure_json.h"
#include "runner/queries.h"

namespace siaga {

namespace {

Result<std::string> Base64Decode(const std::string& text) {
  if (text.size() % 4 != 0) return InvalidField("content_base64", "is not base64 (length not a multiple of 4)");
  std::string out(text.size() / 4 * 3, '\0');
  const int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()), reinterpret_cast<const unsigned char*>(text.data()),
                                static_cast<int>(text.size()));
  if (n < 0) return InvalidField("content_base64", "is not base64");
  std::size_t size = static_cast<std::size_t>(n);
  if (!text.empty() && text.back() == '=') --size;
  if (text.size() > 1 && text[text.size() - 2] == '=') --size;
  out.resize(size);
  return out;
}

HttpResponse CommandFailure(const Status& status) { return StatusResponse(status); }

}  // namespace

HttpResponse Api::ListCases(const HttpRequest& req, const Principal& who) {
  CaseFilter filter;
  if (auto readable = ReadableProcedures(who)) {
    filter.restrict_to_readable = true;
    filter.readable_procedures = std::move(*readable);
  }
  filter.status = req.Param("status");
  filter.procedure_id = req.Param("procedure");
  filter.sla = req.Param("sla");
  filter.now = ctx_.clock.Now();
  if (!filter.sla.empty() && filter.sla != "on_time" && filter.sla != "warning" && filter.sla != "breached")
    return ErrorResponse(400, "invalid_argument", "sla: one of on_time, warning, breached", "sla");
  static const std::vector<std::string> kStatuses = {"", "open", "waiting", "closed", "cancelled"};
  if (std::find(kStatuses.begin(), kStatuses.end(), filter.status) == kStatuses.end())
    return ErrorResponse(400, "invalid_argument", "status: one of open, waiting, closed, cancelled", "status");
  const std::string limit = req.Param("limit", "50");
  {
    auto [p, ec] = std::from_chars(limit.data(), limit.data() + limit.size(), filter.limit);
    if (ec != std::errc() || p != limit.data() + limit.size() || filter.limit < 1 || filter.limit > 1000)
      return ErrorResponse(400, "invalid_argument", "limit: a number from 1 to 1000", "limit");
  }
  const std::string after = req.Param("after", "0");
  auto [p, ec] = std::from_chars(after.data(), after.data() + after.size(), filter.after_id);
  if (ec != std::errc() || p != after.data() + after.size() || filter.after_id < 0)
    return ErrorResponse(400, "invalid_argument", "after: a case id", "after");
  auto lease = ctx_.reads.Borrow();
  if (!lease.ok()) return StatusResponse(lease.status());
  auto cases = siaga::ListCases((*lease)->db(), filter);
  if (!cases.ok()) return StatusResponse(cases.status());
  nlohmann::json out = {{"cases", *cases}};
  if (static_cast<int>(cases->size()) == filter.limit && !cases->empty())
    out["next"] = "/api/cases?after=" + std::to_string(cases->back()["id"].get<std::int64_t>()) + "&limit=" + std::to_string(filter.limit) +
                  (filter.status.empty() ? "" : "&status=" + filter.status) +
                  (filter.procedure_id.empty() ? "" : "&procedure=" + filter.procedure_id) +
                  (filter.sla.empty() ? "" : "&sla=" + filter.sla);
  return JsonResponse(200, out);
}

HttpResponse Api::CreateCase(const HttpRequest& req, const Principal& who) {
  auto body = JsonBody(req);
  if (!body.ok()) return StatusResponse(body.status());
  if (Status st = OnlyKeys(*body, {"procedure", "title", "fields", "dedupe_key"}); !st.ok()) return StatusResponse(st);
  auto procedure = StringOf(*body, "procedure", true, 200);
  auto title = StringOf(*body, "title", false, 500);
  auto dedupe = StringOf(*body, "dedupe_key", false, 200);
  for (auto* r : {&procedure, &title, &dedupe})
    if (!r->ok()) return StatusResponse(r->status());
  // Another agency's procedure does not exist for an agency-bound token; an overseen one is read-only.
  if (!InScope(who, *procedure)) {
    // A procedure of another agency is audited as a case of it is; one that is not loaded is not.
    if (!AgencyOf(*procedure).empty()) AuditCrossAgency(who, {{"procedure", procedure->substr(0, 100)}, {"what", "open_case"}});
    return ErrorResponse(404, "not_found", "no procedure '" + *procedure + "' is loaded (see siaga lint for load errors)", "procedure");
  }
  if (!MayAct(who, *procedure))
    return ErrorResponse(403, "forbidden", "agency '" + AgencyOf(*procedure) + "' is overseen by this token: it reads, never acts", "procedure");
  Command open;
  open.type = Command::Type::kOpenCase;
  open.actor = who.ToActor();
  open.procedure_id = *procedure;
  open.title = *title;
  open.dedupe_key = *dedupe;
  if (body->contains("fields")) {
    if (!(*body)["fields"].is_object()) return ErrorResponse(400, "invalid_argument", "fields: must be an object", "fields");
    open.fields = (*body)["fields"];
  }
  auto results = Execute({open});
  if (!results.ok()) return StatusResponse(results.status());
  const CommandResult& r = results->front();
  if (!r.status.ok()) return CommandFailure(r.status);
  const bool duplicate = r.detail.contains("duplicate");
  HttpResponse shown = ShowCase(std::to_string(r.case_id), who);
  if (shown.status != 200) return shown;
  shown.status = duplicate ? 200 : 201;
  shown.headers.emplace_back("Location", "/api/cases/" + std::to_string(r.case_id));
  return shown;
}

HttpResponse Api::ShowCase(const std::string& ref, const Principal& who) {
  auto lease = ctx_.reads.Borrow();
  if (!lease.ok()) return StatusResponse(lease.status());
  auto id = ResolveCaseRef((*lease)->db(), ref);
  if (!id.ok()) return StatusResponse(id.status());
  auto shown = siaga::ShowCase((*lease)->db(), *id, ctx_.clock.Now());
  if (!shown.ok()) return StatusResponse(shown.status());
  if (!InScope(who, (*shown)["case"]["procedure"].get<std::string>())) return HiddenCase(who, ref, *id, "show");
  if (!CanRead(who, (*shown)["case"]["procedure"].get<std::string>()))
    return ErrorResponse(403, "forbidden", "user '" + who.user + "' holds no role of this case's procedure");
  (*shown)["actions"] = AllowedActions(*shown, who);
  return JsonResponse(200, *shown);
}

nlohmann::json Api::AllowedActions(const nlohmann::json& shown, const Principal& who) {
  const std::string procedure = shown["case"]["procedure"].get<std::string>();
  const std::string status = shown["case"]["status"].get<std::string>();
  const auto held = Catalog();
  const auto found = held->procedure_details.find(procedure);
  const bool admin = who.Holds(Actor::kAdminRole);
  bool participant = admin;
  if (found != held->procedure_details.end())
    for (const auto& role : who.roles) participant = participant || found->second["roles"].contains(role);
  bool open = status == "open" || status == "waiting";
  if (!MayAct(who, procedure)) {  // an overseer reads only
    participant = false;
    open = false;
  }
  nlohmann::json out = {{"comment", participant && open}, {"attach", participant && open}, {"steps", nlohmann::json::array()}};
  // Where the case may go: the agencies whose `mengawasi` names the case's agency, with their
  // procedures (the engine checks the same file when the hand-over comes).
  nlohmann::json receivers = nlohmann::json::array();
  const std::string agency = AgencyOf(procedure);
  if (participant && open && !agency.empty()) {
    for (const auto& a : held->agencies) {
      const auto& overseen = a["mengawasi"];
      if (std::find(overseen.begin(), overseen.end(), agency) == overseen.end() || a["procedures"].empty()) continue;
      receivers.push_back({{"agency", a["id"]}, {"nama", a["nama"]}, {"procedures", a["procedures"]}});
    }
  }
  out["handover"] = !receivers.empty();
  out["handover_to"] = receivers;
  if (!open || found == held->procedure_details.end()) return out;
  // The steps of the version the case runs on: an older version may label its branches or name
  // its signals differently from the newest.
  nlohmann::json defs = found->second["steps"];
  const std::string hash = shown["case"]["version"]["hash"].get<std::string>();
  if (hash != found->second["hash"]) {
    auto pinned = VersionOf(procedure, hash);
    if (pinned.ok()) defs = StepSummaries(**pinned);
    // The engine checks every action against the pinned version, so offering the newest
    // version's steps at worst shows a button that answers 400; the log says why.
    else spdlog::warn("case {}: version {} of {} does not compile ({}); offering the newest version's actions",
                      shown["case"]["id"].get<std::int64_t>(), hash, procedure, pinned.status().message());
  }
  for (const auto& inst : shown["steps"]) {
    if (inst["state"] != "ready") continue;
    const std::string step_id = inst["step"].get<std::string>();
    const auto def = std::find_if(defs.begin(), defs.end(), [&](const nlohmann::json& d) { return d["id"] == step_id; });
    if (def == defs.end()) continue;
    const std::string role = inst["role"].is_string() ? inst["role"].get<std::string>() : (*def)["role"].get<std::string>();
    bool works = !role.empty() && who.Holds(role);
    for (const auto& helper : (*def)["assisting"]) works = works || who.Holds(helper.get<std::string>());
    const std::string kind = inst["kind"].get<std::string>();
    nlohmann::json entry = {{"instance", inst["instance"]}, {"step", step_id}, {"visit", inst["visit"]}, {"kind", kind},
                            {"kegiatan", (*def)["kegiatan"]}, {"role", role}, {"actions", nlohmann::json::array()}};
    if ((kind == "task" || kind == "external") && works) entry["actions"].push_back("complete");
    if (kind == "decision" && works) {
      entry["actions"].push_back("decide");
      entry["branches"] = def->value("branches", nlohmann::json::array());
    }
    const bool signals = admin || (role.empty() ? participant : works);
    if ((kind == "wait" || kind == "external") && signals && def->contains("signals")) {
      entry["actions"].push_back("signal");
      entry["signals"] = (*def)["signals"];
    }
    if (!entry["actions"].empty()) out["steps"].push_back(std::move(entry));
  }
  return out;
}

HttpResponse Api::Queue(const HttpRequest& req, const Principal& who) {
  QueueFilter filter;
  filter.roles = who.roles;
  const std::string scope = req.Param("scope", "mine");
  if (scope != "mine" && scope != "all") return ErrorResponse(400, "invalid_argument", "scope: mine or all", "scope");
  if (scope == "all") {
    const bool reads_agencies = who.Scoped() && (who.Holds(Actor::kAdminRole) || who.Holds("pengamat") || !who.oversees.empty());
    if (!ReadsEverything(who) && !reads_agencies)
      return ErrorResponse(403, "forbidden", "scope=all is for the 'admin' and 'pengamat' roles", "scope");
    filter.everything = true;
  }
  // An agency-bound token's queue holds its agencies' cases only (a role id such as "analis"
  // may be a pelaksana in several agencies' procedures).
  if (who.Scoped()) filter.procedures = ReadableProcedures(who).value_or(std::vector<std::string>{});
  const std::string limit = req.Param("limit", "200");
  auto [p, ec] = std::from_chars(limit.data(), limit.data() + limit.size(), filter.limit);
  if (ec != std::errc() || p != limit.data() + limit.size() || filter.limit < 1 || filter.limit > 1000)
    return ErrorResponse(400, "invalid_argument", "limit: a number from 1 to 1000", "limit");
  // Steps the caller assists (dibantu) are theirs too; the catalog knows which those are.
  const auto held = Catalog();
  for (const auto& [id, detail] : held->procedure_details)
    for (const auto& step : detail["steps"])
      for (const auto& helper : step["assisting"])
        if (who.Holds(helper.get<std::string>())) filter.extra.push_back(id + "\t" + step["id"].get<std::string>());
  auto lease = ctx_.reads.Borrow();
  if (!lease.ok()) return StatusResponse(lease.status());
  auto items = ListQueue((*lease)->db(), filter, ctx_.clock.Now());
  if (!items.ok()) return StatusResponse(items.status());
  // Each item's activity (Kegiatan) from the catalog, so the queue reads without opening cases.
  for (auto& item : *items) {
    const auto found = held->procedure_details.find(item["case"]["procedure"].get<std::string>());
    item["kegiatan"] = nullptr;
    if (found == held->procedure_details.end()) continue;
    for (const auto& step : found->second["steps"])
      if (step["id"] == item["step"]) item["kegiatan"] = step["kegiatan"];
  }
  return JsonResponse(200, {{"user", who.user}, {"roles", who.roles}, {"scope", scope}, {"items", *items}});
}

HttpResponse Api::CaseAction(const std::string& ref, const HttpRequest& req, const Principal& who) {
  auto id = CaseId(ref);
  if (!id.ok()) return StatusResponse(id.status());
  {
    auto procedure = ProcedureOfCase(*id);
    if (!procedure.ok()) return StatusResponse(procedure.status());
    if (!InScope(who, *procedure)) return HiddenCase(who, ref, *id, "action");
    if (!MayAct(who, *procedure))
      return ErrorResponse(403, "forbidden", "agency '" + AgencyOf(*procedure) + "' is overseen by this token: it reads, never acts");
  }
  auto body = JsonBody(req);
  if (!body.ok()) return StatusResponse(body.status());
  auto action = StringOf(*body, "action", true, 32);
  if (!action.ok()) return StatusResponse(action.status());
  Command c;
  c.case_id = *id;
  c.actor = who.ToActor();
  Status keys;
  const std::string& a = *action;
  std::vector<Result<std::string>*> checks;
  auto step = StringOf(*body, "step", false, 100);
  auto note = StringOf(*body, "note", false);
  checks = {&step, &note};
  if (a == "complete" || a == "decide") {
    keys = OnlyKeys(*body, {"action", "step", "note", "fields", "branch"});
    c.type = a == "complete" ? Command::Type::kComplete : Command::Type::kDecide;
    if (a == "decide") {
      auto branch = StringOf(*body, "branch", true, 100);
      if (!branch.ok()) return StatusResponse(branch.status());
      c.label = *branch;
    } else if (body->contains("branch")) {
      return ErrorResponse(400, "invalid_argument", "branch: only for decide", "branch");
    }
    if (body->contains("fields")) {
      if (!(*body)["fields"].is_object()) return ErrorResponse(400, "invalid_argument", "fields: must be an object", "fields");
      c.fields = (*body)["fields"];
    }
  } else if (a == "signal") {
    keys = OnlyKeys(*body, {"action", "signal", "note"});
    auto signal = StringOf(*body, "signal", true, 100);
    if (!signal.ok()) return StatusResponse(signal.status());
    c.type = Command::Type::kSignal;
    c.label = *signal;
  } else if (a == "comment") {
    keys = OnlyKeys(*body, {"action", "text"});
    auto text = StringOf(*body, "text", true);
    if (!text.ok()) return StatusResponse(text.status());
    c.type = Command::Type::kComment;
    c.note = *text;
  } else if (a == "attach") {
    keys = OnlyKeys(*body, {"action", "step", "name", "media_type", "tlp", "content", "content_base64"});
    auto name = StringOf(*body, "name", true, 200);
    auto media = StringOf(*body, "media_type", false, 100);
    auto tlp = StringOf(*body, "tlp", false, 16);
    auto text = StringOf(*body, "content", false, 16u << 20);
    auto b64 = StringOf(*body, "content_base64", false, 23u << 20);
    for (auto* r : {&name, &media, &tlp, &text, &b64})
      if (!r->ok()) return StatusResponse(r->status());
    if (body->contains("content") == body->contains("content_base64"))
      return ErrorResponse(400, "invalid_argument", "content: give exactly one of content and content_base64", "content");
    c.type = Command::Type::kAttach;
    c.evidence_name = *name;
    c.media_type = media->empty() ? "application/octet-stream" : *media;
    c.tlp = *tlp;
    if (body->contains("content")) {
      c.evidence_content = *text;
    } else {
      auto bytes = Base64Decode(*b64);
      if (!bytes.ok()) return StatusResponse(bytes.status());
      c.evidence_content = std::move(*bytes);
    }
  } else if (a == "assign") {
    keys = OnlyKeys(*body, {"action", "step", "assignee", "role"});
    auto assignee = StringOf(*body, "assignee", false, 100);
    auto role = StringOf(*body, "role", false, 64);
    if (!assignee.ok()) return StatusResponse(assignee.status());
    if (!role.ok()) return StatusResponse(role.status());
    c.type = Command::Type::kAssign;
    c.assignee = *assignee;
    c.label = *role;
  } else if (a == "cancel") {
    keys = OnlyKeys(*body, {"action", "reason"});
    auto reason = StringOf(*body, "reason", true);
    if (!reason.ok()) return StatusResponse(reason.status());
    c.type = Command::Type::kCancel;
    c.note = *reason;
  } else if (a == "handover") {
    keys = OnlyKeys(*body, {"action", "to_agency", "procedure", "note"});
    auto to_agency = StringOf(*body, "to_agency", true, 64);
    auto procedure = StringOf(*body, "procedure", true, 200);
    if (!to_agency.ok()) return StatusResponse(to_agency.status());
    if (!procedure.ok()) return StatusResponse(procedure.status());
    c.type = Command::Type::kHandover;
    c.label = *to_agency;
    c.procedure_id = *procedure;
  } else {
    return ErrorResponse(400, "invalid_argument", "action: one of complete, decide, signal, comment, attach, assign, cancel, handover",
                         "action");
  }
  if (!keys.ok()) return StatusResponse(keys);
  for (auto* r : checks)
    if (!r->ok()) return StatusResponse(r->status());
  c.step_id = *step;
  if (c.note.empty()) c.note = *note;
  auto results = Execute({c});
  if (!results.ok()) return StatusResponse(results.status());
  const CommandResult& r = results->front();
  if (!r.status.ok()) return CommandFailure(r.status);
  HttpResponse shown = ShowCase(std::to_string(*id), who);
  if (c.type == Command::Type::kHandover && shown.status == 200) {
    // The receiving case belongs to the other agency: its id and number only.
    nlohmann::json out = nlohmann::json::parse(shown.body, nullptr, false);
    out["handover"] = r.detail;
    return JsonResponse(200, out);
  }
  return shown;
}

HttpResponse Api::Evidence(const std::string& ref, const std::string& evidence_id, const Principal& who) {
  auto lease = ctx_.reads.Borrow();
  if (!lease.ok()) return StatusResponse(lease.status());
  auto id = ResolveCaseRef((*lease)->db(), ref);
  if (!id.ok()) return StatusResponse(id.status());
  std::int64_t eid = 0;
  auto [p, ec] = std::from_chars(evidence_id.data(), evidence_id.data() + evidence_id.size(), eid);
  if (ec != std::errc() || p != evidence_id.data() + evidence_id.size())
    return ErrorResponse(400, "invalid_argument", "evidence id: a number", "evidence_id");
  {
    auto proc = (*lease)->db().Prepare("SELECT procedure_id FROM cases WHERE id = ?");
    if (!proc.ok()) return StatusResponse(proc.status());
    proc->Bind(1, *id);
    auto row = proc->Step();
    if (!row.ok()) return StatusResponse(row.status());
    const std::string procedure_id = *row ? proc->Text(0) : "";
    proc->Run();
    if (!InScope(who, procedure_id)) return HiddenCase(who, ref, *id, "evidence");
    if (!CanRead(who, procedure_id)) return ErrorResponse(403, "forbidden", "user '" + who.user + "' holds no role of this case's procedure");
  }
  auto q = (*lease)->db().Prepare("SELECT media_type, content, sha256, tlp, name FROM evidence WHERE id = ? AND case_id = ?");
  if (!q.ok()) return StatusResponse(q.status());
  q->Bind(1, eid).Bind(2, *id);
  auto row = q->Step();
  if (!row.ok()) return StatusResponse(row.status());
  if (!*row) return ErrorResponse(404, "not_found", "case " + ref + " has no evidence " + evidence_id);
  HttpResponse r;
  r.content_type = q->Text(0).empty() ? "application/octet-stream" : q->Text(0);
  r.body = q->Blob(1);
  r.headers.emplace_back("X-Siaga-SHA256", q->Text(2));
  r.headers.emplace_back("X-Siaga-TLP", q->Text(3));
  r.headers.emplace_back("Content-Disposition", "attachment");
  q->Run();
  return r;
}

}  // namespace siaga
