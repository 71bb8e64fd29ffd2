// siaga migrate: moves running cases of a procedure to another version, dry run first.
#include <iostream>

#include <nlohmann/json.hpp>

#include "cli/cli.h"
#include "runner/queries.h"

namespace siaga::cli {

namespace {

struct MigrateOptions {
  std::string procedure, to, note;
  std::vector<std::string> maps, cases;
  bool apply = false;
};

int Migrate(const GlobalOptions& global, const MigrateOptions& o) {
  auto session = OpenSession(global);
  if (!session.ok()) return Fail(session.status());
  Session& s = **session;
  nlohmann::json mapping = nlohmann::json::object();
  for (const std::string& m : o.maps) {
    const auto eq = m.find('=');
    if (eq == std::string::npos || eq == 0 || eq + 1 == m.size()) return Fail(InvalidArgument("--map takes OLD_STEP=NEW_STEP, not '" + m + "'"));
    mapping[m.substr(0, eq)] = m.substr(eq + 1);
  }
  std::vector<std::int64_t> ids;
  if (o.cases.empty()) {
    auto q = s.db->Prepare("SELECT id FROM cases WHERE procedure_id = ? AND status IN ('open', 'waiting') ORDER BY id");
    if (!q.ok()) return Fail(q.status());
    q->Bind(1, o.procedure);
    while (true) {
      auto row = q->Step();
      if (!row.ok()) return Fail(row.status());
      if (!*row) break;
      ids.push_back(q->Int(0));
    }
  } else {
    for (const auto& ref : o.cases) {
      auto id = ResolveCaseRef(*s.db, ref);
      if (!id.ok()) return Fail(id.status());
      ids.push_back(*id);
    }
  }
  std::vector<Command> batch;
  for (std::int64_t id : ids) {
    Command c;
    c.type = Command::Type::kMigrate;
    c.actor.name = CliActorName();
    c.case_id = id;
    c.label = o.to;
    c.fields = mapping;
    c.note = o.note;
    batch.push_back(c);
  }
  const std::vector<CommandResult> results = o.apply ? s.engine->ApplyBatch(batch) : s.engine->DryRun(batch);
  int moved = 0, refused = 0, already = 0;
  nlohmann::json out = nlohmann::json::array();
  for (std::size_t i = 0; i < results.size(); ++i) {
    const CommandResult& r = results[i];
    nlohmann::json item = {{"case", ids[i]}};
    if (r.status.ok()) {
      ++moved;
      item["from"] = r.detail["from"];
      item["to"] = r.detail["to"];
      item["moved_steps"] = r.detail["moved"];
    } else if (r.status.code() == StatusCode::kConflict) {
      ++already;
      item["skipped"] = r.status.message();
    } else {
      ++refused;
      item["error"] = r.status.message();
    }
    if (!global.json) {
      std::cout << "case " << ids[i] << ": ";
      if (r.status.ok())
        std::cout << r.detail["from"].get<std::string>().substr(0, 12) << " -> " << r.detail["to"].get<std::string>().substr(0, 12)
                  << (r.detail["moved"].empty() ? "" : ", steps moved " + r.detail["moved"].dump()) << "\n";
      else
        std::cout << r.status.message() << "\n";
    }
    out.push_back(std::move(item));
  }
  if (global.json) std::cout << nlohmann::json{{"applied", o.apply}, {"cases", out}}.dump(2) << "\n";
  else
    std::cout << (o.apply ? "migrated " : "would migrate ") << moved << " case(s); " << already << " already on that version; "
              << refused << " refused" << (o.apply ? "" : " (dry run: add --apply to do it)") << "\n";
  return refused > 0 ? kExitRefused : kExitOk;
}

}  // namespace

void AddMigrateCommand(CLI::App& app, GlobalOptions& global, int& exit_code) {
  auto o = std::make_shared<MigrateOptions>();
  CLI::App* cmd = app.add_subcommand("migrate", "move running cases of a procedure to another version (a dry run unless --apply)");
  cmd->add_option("procedure", o->procedure, "procedure id, e.g. trenggalek/layanan-insiden")->required();
  cmd->add_option("--to", o->to, "version hash (or its first characters); default: the version in force now");
  cmd->add_option("--map", o->maps, "OLD_STEP=NEW_STEP for open steps the new version lacks (repeatable)");
  cmd->add_option("--case", o->cases, "only these cases (id or number; repeatable); default: every open case of the procedure");
  cmd->add_option("--note", o->note, "why, for the audit trail");
  cmd->add_flag("--apply", o->apply, "do it (without it nothing is changed)");
  cmd->callback([&global, &exit_code, o] { exit_code = Migrate(global, *o); });
}

}  // namespace siaga::cli
