// siaga agency list: the agencies of a deployment (sop/instansi/*.lua) with their procedures,
// time zones, calendars and whom they oversee. The facts live in the Lua files; this only reads.
#include <iostream>
#include <map>

#include <nlohmann/json.hpp>

#include "cli/cli.h"
#include "procedure/registry.h"

namespace siaga::cli {

namespace {

int List(const GlobalOptions& global) {
  ProcedureRegistry registry;
  std::vector<Diagnostic> diagnostics = registry.LoadDirectory(global.sop_dir);
  for (const Diagnostic& d : diagnostics)
    if (d.severity == Diagnostic::Severity::kError) std::cerr << "siaga: warning: " << d.ToString() << "\n";
  std::map<std::string, std::vector<std::string>> procedures;  // agency -> procedure ids ("" : shared bases)
  for (const auto& p : registry.LatestAll()) procedures[p->def().instansi].push_back(p->def().id);
  nlohmann::json out = nlohmann::json::array();
  for (const auto& [id, a] : registry.calendars().agencies()) {
    nlohmann::json overseen_by = nlohmann::json::array();
    for (const auto& [other_id, other] : registry.calendars().agencies())
      for (const auto& o : other.mengawasi)
        if (o == id) overseen_by.push_back(other_id);
    out.push_back({{"id", id}, {"nama", a.nama}, {"zona_waktu", a.zona_waktu}, {"kalender", a.kalender}, {"file", a.file},
                   {"mengawasi", a.mengawasi}, {"diawasi_oleh", overseen_by},
                   {"procedures", procedures.contains(id) ? nlohmann::json(procedures[id]) : nlohmann::json::array()}});
  }
  // Procedures that name an agency without a file under sop/instansi/, and shared bases.
  nlohmann::json unfiled = nlohmann::json::object();
  for (const auto& [agency, ids] : procedures)
    if (registry.calendars().Agency(agency) == nullptr) unfiled[agency.empty() ? "(bersama)" : agency] = ids;
  if (global.json) {
    std::cout << nlohmann::json{{"agencies", out}, {"procedures_without_agency_file", unfiled}}.dump(2) << "\n";
    return kExitOk;
  }
  for (const auto& a : out) {
    std::cout << a["id"].get<std::string>() << "  " << a["nama"].get<std::string>() << "\n"
              << "  zone " << (a["zona_waktu"].get<std::string>().empty() ? "(per procedure)" : a["zona_waktu"].get<std::string>())
              << ", calendar " << a["kalender"].get<std::string>() << ", file " << a["file"].get<std::string>() << "\n";
    if (!a["mengawasi"].empty()) std::cout << "  oversees: " << a["mengawasi"].dump() << "\n";
    if (!a["diawasi_oleh"].empty()) std::cout << "  overseen by: " << a["diawasi_oleh"].dump() << "\n";
    for (const auto& p : a["procedures"]) std::cout << "  procedure " << p.get<std::string>() << "\n";
  }
  for (const auto& [agency, ids] : unfiled.items())
    for (const auto& p : ids)
      std::cout << (agency == "(bersama)" ? std::string("shared base (no instansi)") : agency + " (no sop/instansi file)")
                << ": procedure " << p.get<std::string>() << "\n";
  return kExitOk;
}

}  // namespace

void AddAgencyCommands(CLI::App& app, GlobalOptions& global, int& exit_code) {
  CLI::App* group = app.add_subcommand("agency", "agencies (sop/instansi/*.lua): list them with procedures, zones and calendars");
  group->require_subcommand(1);
  group->add_subcommand("list", "agencies with their procedures, time zone, calendar and whom they oversee (--json for data)")
      ->callback([&global, &exit_code] { exit_code = List(global); });
}

}  // namespace siaga::cli
