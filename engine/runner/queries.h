// The read side: case lists and case pages as JSON, read with plain SELECTs. The CLI uses the
// engine's connection; the HTTP API will use read-only connections (WAL lets readers run
// beside the writer).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/clock.h"
#include "store/database.h"

namespace siaga {

struct CaseFilter {
  std::string status;        // open, waiting, closed, cancelled; empty for all
  std::string procedure_id;  // empty for all
  int limit = 50;
  std::int64_t after_id = 0;  // paging: cases with a larger id
  // Only cases of these procedures (a reader's own); empty: every procedure.
  std::vector<std::string> readable_procedures;
  bool restrict_to_readable = false;
  // on_time, warning or breached: the worst SLA state among the case's open steps at `now`
  // (on_time includes cases without an open deadline); empty for all.
  std::string sla;
  UnixSeconds now = 0;
};

// [{ id, number, procedure, title, status, opened_at, closed_at, outcome, open_steps: [...],
//    sla (worst open step at filter.now: on_time, warning, breached, none), next_due_at }]
Result<nlohmann::json> ListCases(Database& db, const CaseFilter& filter);

// { case: {...}, steps: [...visits with deadlines...], decisions, timers, evidence, notices,
//   history: [...audit events...] }. Instants are given in UTC and in the agency's zone.
// SLA states are judged at `now`: an open step is on_time, warning or breached; a finished one
// met or late; a step without a time standard has "none". The case's service standard likewise.
Result<nlohmann::json> ShowCase(Database& db, std::int64_t case_id, UnixSeconds now);

// The open work items (task, decision, external steps in state ready) whose role is one of
// `roles`, or whose (procedure, step) is in `extra` ("procedure_id\tstep_id", e.g. assisting
// roles), soonest deadline first (steps without one last):
// [{ case: {id, number, title, procedure, procedure_title, status}, step, kind, visit, role,
//    assignee, ready_at, warn_at, due_at, sla, zona_waktu }]
struct QueueFilter {
  std::vector<std::string> roles;
  std::vector<std::string> extra;
  bool everything = false;  // every open work item (an admin's or observer's "all" view)
  int limit = 200;
  // Only items of cases of these procedures (an agency-bound reader's, docs/multi-agency.md);
  // nullopt: every procedure.
  std::optional<std::vector<std::string>> procedures;
};
Result<nlohmann::json> ListQueue(Database& db, const QueueFilter& filter, UnixSeconds now);

// Finds a case by its id or its number (e.g. "KAB-TRENGGALEK-2026-000001").
Result<std::int64_t> ResolveCaseRef(Database& db, const std::string& ref);

// Notice deliveries in `state` (pending, sent, dead, refused), newest first, at most `limit`;
// with `procedures`, only those of cases of these procedures (an agency admin's).
Result<nlohmann::json> ListDeliveries(Database& db, const std::string& state, int limit,
                                      const std::optional<std::vector<std::string>>& procedures = std::nullopt);

}  // namespace siaga
