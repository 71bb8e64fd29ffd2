#include "cli/output.h"

#include <iomanip>
#include <ostream>

namespace siaga::cli {

namespace {

std::string Local(const nlohmann::json& instant) {
  return instant.is_object() ? instant["local"].get<std::string>() : "-";
}

std::string Str(const nlohmann::json& v) { return v.is_string() ? v.get<std::string>() : (v.is_null() ? "-" : v.dump()); }

// Left-aligns `s` in a column of `width`, always leaving one space before the next column.
std::string Pad(std::string s, std::size_t width) {
  if (s.size() >= width) return s.substr(0, width - 2) + "~ ";
  s.resize(width, ' ');
  return s;
}

}  // namespace

std::string FormatDuration(std::int64_t seconds) {
  if (seconds < 60) return std::to_string(seconds) + " detik";
  const std::int64_t minutes = seconds / 60;
  const std::int64_t d = minutes / 1440, h = minutes / 60 % 24, m = minutes % 60;
  std::string out;
  if (d) out += std::to_string(d) + " hari";
  if (h) out += (out.empty() ? "" : " ") + std::to_string(h) + " jam";
  if (m) out += (out.empty() ? "" : " ") + std::to_string(m) + " menit";
  return out;
}

void PrintCaseList(std::ostream& out, const nlohmann::json& cases) {
  if (cases.empty()) {
    out << "no cases\n";
    return;
  }
  out << Pad("ID", 6) << Pad("NUMBER", 30) << Pad("STATUS", 10) << Pad("PROCEDURE", 42) << "OPEN STEPS (or OUTCOME)\n";
  for (const auto& c : cases) {
    std::string open;
    for (const auto& s : c["open_steps"]) open += (open.empty() ? "" : ", ") + s.get<std::string>();
    out << Pad(std::to_string(c["id"].get<std::int64_t>()), 6) << Pad(Str(c["number"]), 30) << Pad(Str(c["status"]), 10)
        << Pad(Str(c["procedure"]), 42) << (open.empty() ? Str(c["outcome"]) : open) << "\n";
  }
}

void PrintCaseSummary(std::ostream& out, const nlohmann::json& page) {
  const auto& c = page["case"];
  out << Str(c["number"]) << " [" << Str(c["status"]) << "]";
  if (!c["outcome"].is_null()) out << " outcome: " << Str(c["outcome"]);
  bool any = false;
  for (const auto& s : page["steps"]) {
    if (s["state"] != "ready") continue;
    out << (any ? "; " : " open: ") << Str(s["step"]) << " (" << Str(s["kind"]);
    if (!s["role"].is_null()) out << ", " << Str(s["role"]);
    if (s["due_at"].is_object()) out << ", due " << Local(s["due_at"]);
    out << ")";
    any = true;
  }
  out << "\n";
}

void PrintCase(std::ostream& out, const nlohmann::json& page) {
  const auto& c = page["case"];
  out << Str(c["number"]) << "  " << Str(c["title"]) << "\n"
      << "  procedure  " << Str(c["procedure"]) << " (" << Str(c["procedure_title"]) << "), version "
      << c["version"]["hash"].get<std::string>().substr(0, 12) << "\n"
      << "  status     " << Str(c["status"]) << (c["outcome"].is_null() ? "" : " (" + Str(c["outcome"]) + ")") << "\n"
      << "  opened     " << Local(c["opened_at"]) << (c["closed_at"].is_object() ? "   closed " + Local(c["closed_at"]) : "") << "\n";
  if (c["sla_due_at"].is_object()) out << "  service standard due " << Local(c["sla_due_at"]) << "\n";
  if (!c["fields"].empty()) out << "  fields     " << c["fields"].dump() << "\n";
  out << "\nSteps (one line per visit):\n";
  for (const auto& s : page["steps"]) {
    out << "  " << Pad(Str(s["step"]) + (s["visit"].get<std::int64_t>() > 1 ? " #" + std::to_string(s["visit"].get<std::int64_t>()) : ""), 26)
        << Pad(Str(s["kind"]), 10) << Pad(Str(s["state"]), 10) << "ready " << Pad(Local(s["ready_at"]), 22)
        << "due " << Pad(Local(s["due_at"]), 22) << Str(s["outcome"]);
    if (s["sla"] == "late") out << "  LATE";
    out << "\n";
  }
  out << "\nHistory:\n";
  for (const auto& h : page["history"]) {
    out << "  " << Pad(Local(h["at"]), 22) << Pad(Str(h["actor"]), 14) << Pad(Str(h["event"]), 22) << h["detail"].dump() << "\n";
  }
  if (!page["evidence"].empty()) {
    out << "\nEvidence:\n";
    for (const auto& e : page["evidence"])
      out << "  " << Str(e["name"]) << "  " << e["size"].get<std::int64_t>() << " bytes  sha256 " << Str(e["sha256"]) << "  TLP:" << Str(e["tlp"]) << "\n";
  }
  if (!page["notices"].empty()) {
    out << "\nNotices queued:\n";
    for (const auto& n : page["notices"])
      out << "  to " << Pad(Str(n["to"]), 14) << Pad(Str(n["template"]), 30) << "TLP:" << Pad(Str(n["tlp"]), 14) << Str(n["state"]) << "\n";
  }
}

nlohmann::json SimulationToJson(const SimulationReport& r) {
  nlohmann::json path = nlohmann::json::array();
  for (const auto& s : r.path) {
    path.push_back({{"case", s.case_number}, {"procedure", s.procedure_id}, {"step", s.step_id}, {"no", s.no},
                    {"kind", s.kind}, {"role", s.role}, {"visit", s.visit}, {"waktu", s.waktu}, {"basis", s.basis},
                    {"ready_at", FormatUtc(s.ready_at)},
                    {"due_at", s.due_at ? nlohmann::json(FormatUtc(*s.due_at)) : nlohmann::json(nullptr)},
                    {"done_at", s.done_at ? nlohmann::json(FormatUtc(*s.done_at)) : nlohmann::json(nullptr)},
                    {"outcome", s.outcome}, {"late", s.late}});
  }
  nlohmann::json j = {{"path", path},
                      {"start", FormatUtc(r.start)},
                      {"end", FormatUtc(r.end)},
                      {"total_seconds", r.end - r.start},
                      {"outcome", r.outcome},
                      {"notes", r.notes}};
  if (r.sla_due) {
    j["service_standard"] = {{"waktu", r.sla_kasus}, {"due_at", FormatUtc(*r.sla_due)}, {"met", r.end <= *r.sla_due}};
  }
  return j;
}

void PrintSimulation(std::ostream& out, const SimulationReport& r) {
  auto local = [&](UnixSeconds t) { return FormatLocal(t, r.utc_offset_minutes, r.zone_label); };
  std::string last_case;
  out << Pad("NO", 4) << Pad("STEP", 24) << Pad("KIND", 10) << Pad("PELAKSANA", 16) << Pad("WAKTU", 16)
      << Pad("READY", 22) << Pad("DEADLINE", 22) << Pad("DONE", 22) << "OUTCOME\n";
  for (const auto& s : r.path) {
    if (s.case_number != last_case) {
      out << "-- " << s.procedure_id << " (" << s.case_number << ")\n";
      last_case = s.case_number;
    }
    out << Pad(s.no.empty() ? "-" : s.no, 4)
        << Pad(s.step_id + (s.visit > 1 ? " #" + std::to_string(s.visit) : ""), 24) << Pad(s.kind, 10)
        << Pad(s.role.empty() ? "-" : s.role, 16) << Pad(s.waktu.empty() ? "-" : s.waktu, 16) << Pad(local(s.ready_at), 22)
        << Pad(s.due_at ? local(*s.due_at) : "-", 22) << Pad(s.done_at ? local(*s.done_at) : "-", 22) << s.outcome
        << (s.late ? "  LATE" : "") << "\n";
  }
  out << "\nstarted  " << local(r.start) << "\nfinished " << local(r.end) << "  outcome: " << r.outcome
      << "\ntotal    " << FormatDuration(r.end - r.start) << " (calendar time)\n";
  if (r.sla_due) {
    out << "service standard " << r.sla_kasus << ": due " << local(*r.sla_due) << " -> "
        << (r.end <= *r.sla_due ? "met" : "MISSED") << "\n";
  }
  for (const auto& note : r.notes) out << "note: " << note << "\n";
}

}  // namespace siaga::cli
