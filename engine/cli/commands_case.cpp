// siaga case ...: open, list, show, complete, decide, signal, comment, attach, close, tick.
#include <fstream>
#include <iostream>
#include <sstream>

#include "cli/cli.h"
#include "cli/output.h"
#include "runner/queries.h"

namespace siaga::cli {

namespace {

struct CaseOptions {
  std::string procedure, title, dedupe, case_ref, step, label, note, as = "operator", file, tlp = "AMBER";
  std::vector<std::string> fields;
  std::string status, filter_procedure;
  int limit = 50;
  std::int64_t after = 0;
};

Status ParseActor(const std::string& as, Actor& actor) {
  const auto colon = as.find(':');
  actor.name = as.substr(0, colon);
  if (colon != std::string::npos) {
    actor.roles = {as.substr(colon + 1)};
    actor.checked = true;
  }
  if (actor.name.empty()) return InvalidArgument("--as takes NAME or NAME:ROLE");
  return Status::Ok();
}

// k=v pairs; values true/false and integers become JSON booleans and numbers.
Status ParseFields(const std::vector<std::string>& pairs, nlohmann::json& out) {
  for (const std::string& p : pairs) {
    const auto eq = p.find('=');
    if (eq == std::string::npos || eq == 0) return InvalidArgument("--field takes NAME=VALUE, got '" + p + "'");
    const std::string name = p.substr(0, eq), value = p.substr(eq + 1);
    if (value == "true" || value == "false") {
      out[name] = value == "true";
    } else if (!value.empty() && value.find_first_not_of("-0123456789") == std::string::npos && value.size() < 18 &&
               value != "-") {
      out[name] = std::stoll(value);
    } else {
      out[name] = value;
    }
  }
  return Status::Ok();
}

int PrintCaseAfter(Session& s, const GlobalOptions& global, std::int64_t case_id) {
  auto page = ShowCase(*s.db, case_id, s.clock->Now());
  if (!page.ok()) return Fail(page.status());
  if (global.json) std::cout << page->dump(2) << "\n";
  else PrintCaseSummary(std::cout, *page);
  return kExitOk;
}

// Runs due timers and then the command in one group commit, as the server's loop would.
int RunCommand(const GlobalOptions& global, Command command, const std::string& case_ref) {
  auto session = OpenSession(global);
  if (!session.ok()) return Fail(session.status());
  Session& s = **session;
  if (!case_ref.empty()) {
    auto id = ResolveCaseRef(*s.db, case_ref);
    if (!id.ok()) return Fail(id.status());
    command.case_id = *id;
  }
  std::vector<Command> batch;
  auto changed = s.engine->CalendarChanged();
  if (!changed.ok()) return Fail(changed.status());
  if (*changed) {  // the calendar data were edited: re-read open deadlines first
    Command recompute;
    recompute.type = Command::Type::kRecomputeDeadlines;
    recompute.actor.name = "calendar";
    batch.push_back(recompute);
  }
  Command tick;
  tick.type = Command::Type::kFireDueTimers;
  tick.actor.name = "timer";
  batch.push_back(tick);
  batch.push_back(command);
  auto all = s.engine->ApplyBatch(batch);
  for (std::size_t i = 0; i + 1 < all.size(); ++i)
    if (!all[i].status.ok()) return Fail(all[i].status);
  const std::vector<CommandResult> results(all.end() - 2, all.end());
  const CommandResult& r = results[1];
  if (!r.status.ok()) return Fail(r.status);
  if (command.type == Command::Type::kFireDueTimers) {
    std::cout << "timers fired: " << (results[0].detail["fired"].get<int>() + r.detail["fired"].get<int>())
              << ", failed: " << (results[0].detail["failed"].get<int>() + r.detail["failed"].get<int>()) << "\n";
    return kExitOk;
  }
  if (r.detail.contains("duplicate")) std::cerr << "siaga: duplicate of an existing case (same --dedupe key)\n";
  if (r.detail.contains("sha256") && !global.json) std::cout << "evidence sha256 " << r.detail["sha256"].get<std::string>() << "\n";
  return PrintCaseAfter(s, global, r.case_id);
}

}  // namespace

void AddCaseCommands(CLI::App& app, GlobalOptions& global, int& exit_code) {
  CLI::App* group = app.add_subcommand("case", "work on cases: open, list, show, complete, decide, signal, comment, attach, close, handover, tick");
  group->require_subcommand(1);
  auto o = std::make_shared<CaseOptions>();
  auto add_as = [o](CLI::App* cmd) {
    cmd->add_option("--as", o->as, "who acts, NAME or NAME:ROLE (a ROLE may act only on steps its pelaksana owns)")->capture_default_str();
  };
  auto command_with = [o](Command::Type type) {
    Command c;
    c.type = type;
    return c;
  };
  // Who acts, the --field pairs when the command takes them, then the command itself.
  auto submit = [&global, &exit_code, o](Command c, bool takes_fields) {
    Status st = ParseActor(o->as, c.actor);
    if (st.ok() && takes_fields) st = ParseFields(o->fields, c.fields);
    exit_code = st.ok() ? RunCommand(global, c, c.type == Command::Type::kOpenCase ? "" : o->case_ref) : Fail(st);
  };

  CLI::App* open = group->add_subcommand("open", "open a case of a procedure");
  open->add_option("procedure", o->procedure, "procedure id, e.g. trenggalek/layanan-insiden")->required();
  open->add_option("--title", o->title, "case title");
  open->add_option("--field", o->fields, "case field NAME=VALUE (repeatable)");
  open->add_option("--dedupe", o->dedupe, "deduplication key: a second open with the same key returns the first case");
  add_as(open);
  open->callback([o, command_with, submit] {
    Command c = command_with(Command::Type::kOpenCase);
    c.procedure_id = o->procedure;
    c.title = o->title;
    c.dedupe_key = o->dedupe;
    submit(c, true);
  });

  CLI::App* list = group->add_subcommand("list", "list cases");
  list->add_option("--status", o->status, "open, waiting, closed or cancelled");
  list->add_option("--procedure", o->filter_procedure, "only cases of this procedure");
  list->add_option("--limit", o->limit, "at most this many (1-1000)")->capture_default_str();
  list->add_option("--after", o->after, "cases with an id above this (paging)");
  list->callback([&, o] {
    auto db = OpenStore(global.db_path);
    if (!db.ok()) {
      exit_code = Fail(db.status());
      return;
    }
    CaseFilter filter;
    filter.status = o->status;
    filter.procedure_id = o->filter_procedure;
    filter.limit = o->limit;
    filter.after_id = o->after;
    auto clock = MakeClock(global);
    if (!clock.ok()) {
      exit_code = Fail(clock.status());
      return;
    }
    filter.now = (*clock)->Now();
    auto cases = ListCases(**db, filter);
    if (!cases.ok()) {
      exit_code = Fail(cases.status());
      return;
    }
    if (global.json) std::cout << cases->dump(2) << "\n";
    else PrintCaseList(std::cout, *cases);
  });

  CLI::App* show = group->add_subcommand("show", "show a case: steps with deadlines, decisions and the full history");
  show->add_option("case", o->case_ref, "case id or number")->required();
  show->callback([&, o] {
    auto db = OpenStore(global.db_path);
    if (!db.ok()) {
      exit_code = Fail(db.status());
      return;
    }
    auto id = ResolveCaseRef(**db, o->case_ref);
    if (!id.ok()) {
      exit_code = Fail(id.status());
      return;
    }
    auto clock = MakeClock(global);
    if (!clock.ok()) {
      exit_code = Fail(clock.status());
      return;
    }
    auto page = ShowCase(**db, *id, (*clock)->Now());
    if (!page.ok()) {
      exit_code = Fail(page.status());
      return;
    }
    if (global.json) std::cout << page->dump(2) << "\n";
    else PrintCase(std::cout, *page);
  });

  CLI::App* complete = group->add_subcommand("complete", "complete an open task or external step");
  complete->add_option("case", o->case_ref, "case id or number")->required();
  complete->add_option("step", o->step, "step id")->required();
  complete->add_option("--field", o->fields, "set a case field NAME=VALUE (repeatable)");
  complete->add_option("--note", o->note, "a note for the history");
  add_as(complete);
  complete->callback([o, command_with, submit] {
    Command c = command_with(Command::Type::kComplete);
    c.step_id = o->step;
    c.note = o->note;
    submit(c, true);
  });

  CLI::App* decide = group->add_subcommand("decide", "take a decision: choose one of the step's labelled branches");
  decide->add_option("case", o->case_ref, "case id or number")->required();
  decide->add_option("step", o->step, "decision step id")->required();
  decide->add_option("label", o->label, "branch label, e.g. \"disetujui\"")->required();
  decide->add_option("--field", o->fields, "set a case field NAME=VALUE (repeatable)");
  decide->add_option("--note", o->note, "the reason, kept with the decision");
  add_as(decide);
  decide->callback([o, command_with, submit] {
    Command c = command_with(Command::Type::kDecide);
    c.step_id = o->step;
    c.label = o->label;
    c.note = o->note;
    submit(c, true);
  });

  CLI::App* signal = group->add_subcommand("signal", "send a named signal (e.g. laporan_lanjutan) to a waiting or external step");
  signal->add_option("case", o->case_ref, "case id or number")->required();
  signal->add_option("signal", o->label, "signal name")->required();
  signal->add_option("--note", o->note, "a note for the history");
  add_as(signal);
  signal->callback([o, command_with, submit] {
    Command c = command_with(Command::Type::kSignal);
    c.label = o->label;
    c.note = o->note;
    submit(c, false);
  });

  CLI::App* comment = group->add_subcommand("comment", "add a comment to a case's history");
  comment->add_option("case", o->case_ref, "case id or number")->required();
  comment->add_option("text", o->note, "the comment")->required();
  add_as(comment);
  comment->callback([o, command_with, submit] {
    Command c = command_with(Command::Type::kComment);
    c.note = o->note;
    submit(c, false);
  });

  CLI::App* attach = group->add_subcommand("attach", "attach evidence (a file, kept by its SHA-256)");
  attach->add_option("case", o->case_ref, "case id or number")->required();
  attach->add_option("file", o->file, "the file")->required()->check(CLI::ExistingFile);
  attach->add_option("--step", o->step, "the open step it belongs to");
  attach->add_option("--tlp", o->tlp, "TLP label")->capture_default_str();
  add_as(attach);
  attach->callback([o, command_with, submit] {
    Command c = command_with(Command::Type::kAttach);
    std::ifstream in(o->file, std::ios::binary);
    std::ostringstream content;
    content << in.rdbuf();
    c.evidence_content = content.str();
    c.evidence_name = o->file.substr(o->file.find_last_of('/') + 1);
    c.step_id = o->step;
    c.tlp = o->tlp;
    submit(c, false);
  });

  CLI::App* close = group->add_subcommand("close", "close a case before its procedure ends (status cancelled, with a reason)");
  close->add_option("case", o->case_ref, "case id or number")->required();
  close->add_option("--reason", o->note, "why the case is closed early")->required();
  add_as(close);
  close->callback([o, command_with, submit] {
    Command c = command_with(Command::Type::kCancel);
    c.note = o->note;
    submit(c, false);
  });

  CLI::App* handover = group->add_subcommand(
      "handover", "hand a case over to another agency that oversees its agency (closes it here, opens a linked case there)");
  handover->add_option("case", o->case_ref, "case id or number")->required();
  handover->add_option("--to-agency", o->label, "the receiving agency (its sop/instansi file lists this one in mengawasi)")->required();
  handover->add_option("--procedure", o->procedure, "the receiving agency's procedure")->required();
  handover->add_option("--note", o->note, "why");
  add_as(handover);
  handover->callback([o, command_with, submit] {
    Command c = command_with(Command::Type::kHandover);
    c.label = o->label;
    c.procedure_id = o->procedure;
    c.note = o->note;
    submit(c, false);
  });

  CLI::App* tick = group->add_subcommand("tick", "fire every timer that is due (deadlines, waits such as auto-resolve)");
  tick->callback([&, command_with] {
    Command c = command_with(Command::Type::kFireDueTimers);
    c.actor.name = "timer";
    exit_code = RunCommand(global, c, "");
  });
}

}  // namespace siaga::cli
