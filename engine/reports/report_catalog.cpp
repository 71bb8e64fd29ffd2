#include "reports/report_catalog.h"

#include <set>

#include "procedure/loader.h"
#include "time/calendar.h"

namespace siaga {

namespace {

ReportProcedureInfo InfoOf(const ProcedureDef& def) {
  ReportProcedureInfo info;
  info.id = def.id;
  info.title = def.Title();
  info.instansi = def.instansi;
  info.zona_waktu = def.zona_waktu;
  info.utc_offset_minutes = ZoneOffsetMinutes(def.zona_waktu);
  info.sla_kasus = def.sla_kasus ? def.sla_kasus->raw : "";
  for (const auto& [id, role] : def.roles) info.roles[id] = role.label.empty() ? id : role.label;
  for (const StepDef& s : def.steps)
    info.steps.push_back({s.id, s.no, StepKindName(s.kind), s.kegiatan, s.role, s.waktu ? s.waktu->raw : ""});
  return info;
}

std::string StringAt(const nlohmann::json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : "";
}

}  // namespace

int ZoneOffsetMinutes(const std::string& zone) {
  auto cal = WorkingCalendar::ForZone(zone);
  return cal.ok() ? cal->utc_offset_minutes() : 7 * 60;
}

ReportCatalog ReportCatalog::FromRegistry(const ProcedureRegistry& registry) {
  ReportCatalog catalog;
  for (const auto& proc : registry.LatestAll()) catalog.Add(InfoOf(proc->def()));
  return catalog;
}

ReportCatalog ReportCatalog::FromSummaries(const std::map<std::string, nlohmann::json>& details) {
  ReportCatalog catalog;
  for (const auto& [id, d] : details) {
    ReportProcedureInfo info;
    info.id = id;
    info.title = StringAt(d, "title");
    info.instansi = StringAt(d, "instansi");
    info.zona_waktu = StringAt(d, "zona_waktu").empty() ? "WIB" : StringAt(d, "zona_waktu");
    info.utc_offset_minutes = ZoneOffsetMinutes(info.zona_waktu);
    info.sla_kasus = StringAt(d, "sla_kasus");
    if (auto roles = d.find("roles"); roles != d.end() && roles->is_object())
      for (const auto& [role, r] : roles->items()) info.roles[role] = StringAt(r, "label").empty() ? role : StringAt(r, "label");
    if (auto steps = d.find("steps"); steps != d.end() && steps->is_array())
      for (const auto& s : *steps)
        info.steps.push_back({StringAt(s, "id"), StringAt(s, "no"), StringAt(s, "kind"), StringAt(s, "kegiatan"),
                              StringAt(s, "role"), StringAt(s, "waktu")});
    catalog.Add(std::move(info));
  }
  return catalog;
}

Status ReportCatalog::AddStoredProcedures(Database& db) {
  // The newest stored version of each procedure id that is not loaded.
  auto q = db.Prepare(
      "SELECT v.procedure_id, v.title, v.zona_waktu, v.source, v.file FROM procedure_versions v "
      "WHERE v.id = (SELECT MAX(w.id) FROM procedure_versions w WHERE w.procedure_id = v.procedure_id) ORDER BY v.procedure_id");
  if (!q.ok()) return q.status();
  while (true) {
    auto row = q->Step();
    if (!row.ok()) return row.status();
    if (!*row) break;
    const std::string id = q->Text(0);
    if (procedures_.count(id) != 0) continue;
    LoadResult loaded = LoadProcedureSource(q->Text(3), q->Text(4));
    if (loaded.procedure) {
      Add(InfoOf(loaded.procedure->def()));
      continue;
    }
    ReportProcedureInfo info;  // it no longer compiles here: what the store says of it
    info.id = id;
    info.title = q->Text(1);
    info.zona_waktu = q->Text(2);
    info.utc_offset_minutes = ZoneOffsetMinutes(info.zona_waktu);
    Add(std::move(info));
  }
  return Status::Ok();
}

const ReportProcedureInfo* ReportCatalog::Find(const std::string& id) const {
  auto it = procedures_.find(id);
  return it == procedures_.end() ? nullptr : &it->second;
}

bool ReportCatalog::HasAgency(const std::string& instansi) const {
  for (const auto& [id, p] : procedures_)
    if (p.instansi == instansi) return true;
  return false;
}

bool ReportCatalog::HasRole(const std::string& role) const {
  for (const auto& [id, p] : procedures_)
    if (p.roles.count(role) != 0) return true;
  return false;
}

std::vector<std::string> ReportCatalog::ProceduresOf(const std::string& instansi) const {
  std::vector<std::string> out;
  for (const auto& [id, p] : procedures_)
    if (p.instansi == instansi) out.push_back(id);
  return out;
}

ReportCatalog ReportCatalog::Restricted(const std::vector<std::string>& ids) const {
  ReportCatalog out;
  for (const std::string& id : ids)
    if (const ReportProcedureInfo* p = Find(id)) out.Add(*p);
  return out;
}

nlohmann::json ReportCatalog::ToJson() const {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& [id, p] : procedures_) {
    nlohmann::json steps = nlohmann::json::array();
    for (const ReportStepInfo& s : p.steps)
      steps.push_back({{"id", s.id}, {"no", s.no}, {"kind", s.kind}, {"kegiatan", s.kegiatan}, {"role", s.role}, {"waktu", s.waktu}});
    out.push_back({{"id", p.id}, {"title", p.title}, {"instansi", p.instansi}, {"zona_waktu", p.zona_waktu},
                   {"sla_kasus", p.sla_kasus}, {"roles", p.roles}, {"steps", steps}});
  }
  return out;
}

}  // namespace siaga
