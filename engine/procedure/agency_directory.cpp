#include "procedure/agency_directory.h"

#include <map>
#include <string>
#include <vector>

namespace siaga {

nlohmann::json DescribeAgencies(const ProcedureRegistry& registry) {
  std::map<std::string, std::vector<std::string>> procedures;  // agency -> procedure ids ("": shared bases)
  for (const auto& p : registry.LatestAll()) procedures[p->def().instansi].push_back(p->def().id);
  const CalendarBook& book = registry.calendars();
  nlohmann::json agencies = nlohmann::json::array();
  for (const auto& [id, a] : book.agencies()) {
    nlohmann::json overseen_by = nlohmann::json::array();
    for (const auto& [other_id, other] : book.agencies())
      for (const auto& o : other.mengawasi)
        if (o == id) overseen_by.push_back(other_id);
    agencies.push_back({{"id", id}, {"nama", a.nama}, {"zona_waktu", a.zona_waktu}, {"kalender", a.kalender}, {"file", a.file},
                        {"mengawasi", a.mengawasi}, {"diawasi_oleh", overseen_by},
                        {"procedures", procedures.contains(id) ? nlohmann::json(procedures[id]) : nlohmann::json::array()}});
  }
  nlohmann::json unfiled = nlohmann::json::object();
  for (const auto& [agency, ids] : procedures)
    if (book.Agency(agency) == nullptr) unfiled[agency.empty() ? "(bersama)" : agency] = ids;
  return {{"agencies", agencies}, {"procedures_without_agency_file", unfiled}};
}

}  // namespace siaga
