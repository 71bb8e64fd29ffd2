// The engine: the single writer. Every state change is a Command; a batch of commands commits
// in one SQLite transaction (group commit), each command inside its own savepoint so that one
// failing command is rolled back alone. A command's audit event, timers and outbox rows land in
// the same transaction as the state change that caused them.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "auth/token_grant.h"
#include "common/clock.h"
#include "procedure/registry.h"
#include "store/database.h"
#include "time/calendar.h"

namespace siaga {

// Who issues a command. An unchecked actor is a trusted caller (an operator at the CLI on the
// server, the engine itself, a webhook already authenticated by the HTTP layer); a checked one is
// held to its roles: a step is acted on only by its pelaksana (or an assisting role), comments and
// evidence come from the procedure's roles, cancelling and re-assigning roles need "admin".
struct Actor {
  std::string name = "system";
  std::vector<std::string> roles;
  bool checked = false;
  // An agency-bound caller (docs/multi-agency.md): a checked actor with agencies acts only on
  // cases of procedures whose instansi is one of them (an empty list: on none, e.g. an
  // oversight-only token). nullopt: not bound (the single-agency behaviour, the CLI).
  std::optional<std::vector<std::string>> agencies;

  bool Holds(const std::string& role) const;
  // A checked actor holding `roles`.
  static Actor Checked(std::string name, std::vector<std::string> roles) {
    Actor a;
    a.name = std::move(name);
    a.roles = std::move(roles);
    a.checked = true;
    return a;
  }
  bool IsAdmin() const { return Holds(kAdminRole); }
  static constexpr const char* kAdminRole = "admin";
};

struct Command;

// A webhook payload and the case drafts its adapter made of it: stored in the inbox in the same
// transaction as the cases. A payload whose adapter failed is stored as "held", for reprocessing.
struct IngestRequest {
  std::string adapter, sender, content_type, body;
  std::string error;             // the adapter's failure; empty when it ran
  std::int64_t inbox_id = 0;     // non-zero: a held payload being reprocessed
  std::vector<Command> opens;    // kOpenCase commands, one per draft
  int ignored = 0;               // drafts the routes set aside
};

struct Command {
  enum class Type {
    kOpenCase, kComplete, kDecide, kSignal, kComment, kAttach, kCancel, kFireDueTimers,
    kRecomputeDeadlines,  // after a calendar edit: open working-time deadlines, re-read
    kAssign,              // an open step to a user (assignee) and/or to another role (label)
    kIngest,              // a webhook payload: inbox row plus the cases of its drafts
    kPublishProcedures,   // store every loaded procedure's version (after a start or a reload)
    kMigrate,             // move a running case to another version (label: hash or "" for the one in force;
                          // fields: { old_step = new_step } for open steps the new version lacks)
    kDeliveryOutcome,     // a delivery worker's attempt (label "sent", "failed" or "refused"; note: the error)
    kRetryDeliveries,     // dead letters back to pending (delivery_id, or 0 for every dead one); admin
    kSecurityEvent,       // an audit event about no case (label: the event, note: its JSON detail), e.g. auth_blocked
    kHandover,            // close the case at its agency and open a linked one in another agency's procedure
                          // (label: the receiving agency, procedure_id: its procedure, note); the receiving
                          // agency must list the source agency in its `mengawasi` (sop/instansi/<id>.lua)
    kCreateToken,         // an API token (token_grant); admin, an agency's admin within its agencies
    kRevokeToken,         // token_id; admin, an agency's admin for its agencies' tokens
  };
  Type type = Type::kComment;
  Actor actor;
  std::string procedure_id;                          // open
  std::string title;                                 // open
  std::string dedupe_key;                            // open (optional)
  nlohmann::json fields = nlohmann::json::object();  // open, complete, decide: fields to set
  std::int64_t case_id = 0;
  std::string step_id;                               // complete, decide, attach (optional)
  std::string label;                                 // decide: branch; signal: signal name
  std::string note;                                  // comment, cancel reason, decide/complete note
  std::string evidence_name, evidence_content, media_type, tlp;  // attach; open: optional evidence
  std::string assignee;                              // assign
  std::shared_ptr<const IngestRequest> ingest;       // ingest
  std::int64_t delivery_id = 0;                      // delivery outcome, retry
  int retry_first_seconds = 30, retry_max_seconds = 3600;  // delivery outcome: the channel's backoff
  std::shared_ptr<const TokenGrant> token_grant;     // create token
  std::int64_t token_id = 0;                         // revoke token
};

const char* CommandName(Command::Type type);

struct CommandResult {
  Status status;
  std::int64_t case_id = 0;
  nlohmann::json detail = nlohmann::json::object();
};

class Engine {
 public:
  Engine(Database& db, ProcedureRegistry& registry, const Clock& clock);
  ~Engine();

  // Applies the commands in one transaction; results are in the same order.
  // A storage failure of the whole transaction fails every command of the batch.
  std::vector<CommandResult> ApplyBatch(const std::vector<Command>& commands);
  // Runs the commands as ApplyBatch does, then rolls everything back: what they would do.
  std::vector<CommandResult> DryRun(const std::vector<Command>& commands);
  CommandResult Apply(const Command& command);

  // The procedure a case runs on (its pinned version).
  Result<std::shared_ptr<CompiledProcedure>> ProcedureOfCase(std::int64_t case_id);

  // True when the calendar data changed since open deadlines were last computed.
  Result<bool> CalendarChanged();
  // Re-computes open working-time deadlines if the calendar data changed; how many moved
  // (0 when nothing changed).
  Result<int> RecomputeIfCalendarChanged();

  Database& db() { return db_; }
  const Clock& clock() const { return clock_; }

 private:
  class Transition;  // the work of one command, defined in engine.cpp
  std::vector<CommandResult> Run(const std::vector<Command>& commands, bool commit);
  Database& db_;
  ProcedureRegistry& registry_;
  const Clock& clock_;
};

// Opens the store at `path` (creating folders), migrates and checks it.
Result<std::unique_ptr<Database>> OpenStore(const std::string& path);

}  // namespace siaga
