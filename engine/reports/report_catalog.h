// What report scripts may know about procedures without reading the store: ids, titles, the
// agency (instansi) and its time zone, roles, and each step's printed number, kind, Pelaksana
// and Waktu as written. Parameters of type procedure, agency and role are checked against it,
// and data.procedures() returns it to scripts.
#pragma once

#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/status.h"
#include "procedure/registry.h"
#include "store/database.h"

namespace siaga {

struct ReportStepInfo {
  std::string id, no, kind, kegiatan, role, waktu;  // waktu: the time standard as written, or ""
};

struct ReportProcedureInfo {
  std::string id, title, instansi;
  std::string zona_waktu = "WIB";
  int utc_offset_minutes = 7 * 60;
  std::string sla_kasus;                        // the service standard as written, or ""
  std::map<std::string, std::string> roles;     // id -> label
  std::vector<ReportStepInfo> steps;            // in declared order
};

class ReportCatalog {
 public:
  // The newest loaded version of every procedure in `registry`.
  static ReportCatalog FromRegistry(const ProcedureRegistry& registry);
  // Procedure summaries as the server's catalog holds them (GET /api/sops/{id}: id, title,
  // instansi, zona_waktu, sla_kasus, roles {id: {label}}, steps [{id, no, kind, kegiatan, role, waktu}]).
  static ReportCatalog FromSummaries(const std::map<std::string, nlohmann::json>& details);

  // Adds the procedures that have cases in the store but are not loaded (a retired file, or a
  // store filled elsewhere): their newest stored version is compiled for its steps and roles.
  Status AddStoredProcedures(Database& db);

  const ReportProcedureInfo* Find(const std::string& id) const;
  const std::map<std::string, ReportProcedureInfo>& procedures() const { return procedures_; }
  bool HasAgency(const std::string& instansi) const;
  bool HasRole(const std::string& role) const;
  // Procedure ids of one agency.
  std::vector<std::string> ProceduresOf(const std::string& instansi) const;

  void Add(ReportProcedureInfo info) { procedures_[info.id] = std::move(info); }
  // A copy holding only the procedures in `ids` (what one reader may see).
  ReportCatalog Restricted(const std::vector<std::string>& ids) const;
  nlohmann::json ToJson() const;

 private:
  std::map<std::string, ReportProcedureInfo> procedures_;
};

// UTC offset of WIB, WITA or WIT (and the Asia/... names); WIB for anything else.
int ZoneOffsetMinutes(const std::string& zone);

}  // namespace siaga
