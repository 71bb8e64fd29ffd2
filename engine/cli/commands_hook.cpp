// siaga hook-test: runs a webhook adapter on a file and prints the cases it would open;
// siaga hook secret: makes the HMAC secret of an adapter; siaga inbox: held payloads.
#include <fstream>
#include <iostream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "cli/cli.h"
#include "auth/tokens.h"
#include "webhooks/adapter.h"
#include "webhooks/adapter_pool.h"
#include "webhooks/intake.h"

namespace siaga::cli {

namespace {

int HookTest(const GlobalOptions& global, const std::string& adapter, const std::string& file) {
  if (!IsAdapterName(adapter)) return Fail(InvalidArgument("adapter: '" + adapter + "' is not an adapter name ([a-z0-9_-])"));
  const std::string path = global.webhooks_dir + "/" + adapter + ".lua";
  auto script = AdapterScript::LoadFromFolder(global.webhooks_dir, adapter);
  if (!script.ok()) return Fail(script.status());
  std::ifstream body_in(file, std::ios::binary);
  if (!body_in) return Fail(NotFound("cannot read " + file));
  std::stringstream body_text;
  body_text << body_in.rdbuf();
  const std::string body = body_text.str();
  const AdapterInfo& info = (*script)->info();
  nlohmann::json meta = {{"adapter", adapter}, {"received_at", SystemClock().Now()}, {"sender", "hook-test"}};
  auto out = (*script)->Run(body, meta);
  if (!out.ok()) return Fail(out.status());
  auto drafts = ValidateDrafts(*out, adapter, body, PayloadMediaType(info.format));
  if (!drafts.ok()) return Fail(Status(drafts.status().code(), path + ": " + drafts.status().message()));
  auto routes = Routes::LoadFile(global.webhooks_dir + "/routes.lua");
  if (!routes.ok()) return Fail(routes.status());
  IngestPlan plan = PlanIngest(*drafts, *routes, adapter, "webhook:" + adapter);
  nlohmann::json report = {{"adapter", adapter}, {"title", info.title}, {"format", PayloadFormatName(info.format)},
                           {"auth", HookAuthName(info.auth)}, {"drafts", plan.drafts},
                           {"would_open", plan.request.opens.size()}, {"ignored", plan.request.ignored}};
  if (!plan.request.error.empty()) report["held"] = plan.request.error;
  std::cout << report.dump(2) << "\n";
  return kExitOk;
}

int MakeSecret(const GlobalOptions& global, const std::string& adapter) {
  if (!IsAdapterName(adapter)) return Fail(InvalidArgument("adapter: '" + adapter + "' is not an adapter name ([a-z0-9_-])"));
  auto script = AdapterScript::LoadFromFolder(global.webhooks_dir, adapter);
  if (!script.ok()) return Fail(script.status());
  if ((*script)->info().auth == HookAuth::kToken)
    return Fail(InvalidArgument("adapter '" + adapter + "' authenticates by token (auth = \"token\"): make one with "
                                "siaga token create --user NAME --role webhook:" + adapter));
  auto db = OpenStore(global.db_path);
  if (!db.ok()) return Fail(db.status());
  auto secret = CreateWebhookSecret(**db, adapter, CliActorName(), SystemClock().Now());
  if (!secret.ok()) return Fail(secret.status());
  std::cout << *secret << "\n";
  std::cerr << "siaga: HMAC secret of adapter '" << adapter << "' (replaces any earlier one; configure the sender with it)\n";
  return kExitOk;
}

int InboxList(const GlobalOptions& global, const std::string& state) {
  auto db = OpenStore(global.db_path);
  if (!db.ok()) return Fail(db.status());
  auto q = (*db)->Prepare("SELECT id, adapter, sender, length(body), received_at, state, COALESCE(error, ''), attempts, result FROM inbox "
                          "WHERE (?1 = '' OR state = ?1) ORDER BY id");
  if (!q.ok()) return Fail(q.status());
  q->Bind(1, state);
  nlohmann::json out = nlohmann::json::array();
  while (true) {
    auto row = q->Step();
    if (!row.ok()) return Fail(row.status());
    if (!*row) break;
    nlohmann::json item = {{"id", q->Int(0)}, {"adapter", q->Text(1)}, {"sender", q->Text(2)}, {"bytes", q->Int(3)},
                           {"received_at", FormatUtc(q->Int(4))}, {"state", q->Text(5)}, {"error", q->Text(6)},
                           {"attempts", q->Int(7)}, {"result", nlohmann::json::parse(q->Text(8), nullptr, false)}};
    if (!global.json)
      std::cout << item["id"] << "  " << q->Text(1) << "  " << q->Text(5) << "  " << item["received_at"].get<std::string>() << "  from "
                << q->Text(2) << "  " << q->Int(3) << " bytes" << (q->Text(6).empty() ? "" : "\n    " + q->Text(6)) << "\n";
    out.push_back(std::move(item));
  }
  if (global.json) std::cout << out.dump(2) << "\n";
  return kExitOk;
}

// Runs the (fixed) adapter again on a held payload and applies the result; this process runs
// the adapter itself, as hook-test does: it is an operator's command, not a server thread.
int InboxReprocess(const GlobalOptions& global, std::int64_t id) {
  auto session = OpenSession(global);
  if (!session.ok()) return Fail(session.status());
  Session& s = **session;
  auto q = s.db->Prepare("SELECT adapter, sender, content_type, body, state FROM inbox WHERE id = ?");
  if (!q.ok()) return Fail(q.status());
  q->Bind(1, id);
  auto row = q->Step();
  if (!row.ok()) return Fail(row.status());
  if (!*row) return Fail(NotFound("no inbox payload " + std::to_string(id)));
  const std::string adapter = q->Text(0), sender = q->Text(1), content_type = q->Text(2), body = q->Blob(3), state = q->Text(4);
  q->Run();
  if (state != "held") return Fail(Conflict("inbox payload " + std::to_string(id) + " is " + state + ", not held"));
  auto script = AdapterScript::LoadFromFolder(global.webhooks_dir, adapter);
  Result<nlohmann::json> out = script.ok() ? (*script)->Run(body, {{"adapter", adapter}, {"received_at", s.clock->Now()}, {"sender", sender}})
                                           : Result<nlohmann::json>(script.status());
  auto routes = Routes::LoadFile(global.webhooks_dir + "/routes.lua");
  if (!routes.ok()) return Fail(routes.status());
  Command ingest;
  ingest.type = Command::Type::kIngest;
  ingest.actor.name = CliActorName();
  IngestRequest request = MakeIngest(out, adapter, sender, content_type, body, *routes);
  request.inbox_id = id;
  ingest.ingest = std::make_shared<IngestRequest>(std::move(request));
  CommandResult r = s.engine->Apply(ingest);
  if (!r.status.ok()) return Fail(r.status);
  std::cout << r.detail.dump(global.json ? -1 : 2) << "\n";
  return r.detail["state"] == "processed" ? kExitOk : kExitRefused;
}

}  // namespace

void AddHookCommands(CLI::App& app, GlobalOptions& global, int& exit_code) {
  auto adapter = std::make_shared<std::string>();
  auto file = std::make_shared<std::string>();
  CLI::App* test = app.add_subcommand("hook-test", "run a webhook adapter on a payload file and print the cases it would open (nothing is stored)");
  test->add_option("adapter", *adapter, "adapter name: webhooks/ADAPTER.lua")->required();
  test->add_option("file", *file, "payload file (JSON, JSON lines or CSV, as the adapter declares)")->required();
  test->callback([&global, &exit_code, adapter, file] { exit_code = HookTest(global, *adapter, *file); });

  auto name = std::make_shared<std::string>();
  CLI::App* hook = app.add_subcommand("hook", "webhook adapters: set their HMAC secret");
  hook->require_subcommand(1);
  CLI::App* secret = hook->add_subcommand("secret", "make a new HMAC-SHA256 secret for an adapter with auth = \"hmac\" or \"github\" (printed once)");
  secret->add_option("adapter", *name, "adapter name")->required();
  secret->callback([&global, &exit_code, name] { exit_code = MakeSecret(global, *name); });

  auto state = std::make_shared<std::string>("held");
  auto inbox_id = std::make_shared<std::int64_t>(0);
  CLI::App* inbox = app.add_subcommand("inbox", "acknowledged webhook payloads: list, reprocess the held ones");
  inbox->require_subcommand(1);
  CLI::App* list = inbox->add_subcommand("list", "list payloads (held ones by default)");
  list->add_option("--state", *state, "held, processed, or '' for all")->capture_default_str();
  list->callback([&global, &exit_code, state] { exit_code = InboxList(global, *state); });
  CLI::App* again = inbox->add_subcommand("reprocess", "run the adapter again on a held payload (after fixing it or the routes)");
  again->add_option("id", *inbox_id, "inbox id")->required();
  again->callback([&global, &exit_code, inbox_id] { exit_code = InboxReprocess(global, *inbox_id); });

  // The server's adapter worker process (adapter_pool.h); not for direct use.
  CLI::App* worker = app.add_subcommand("adapter-worker", "");
  worker->group("");
  worker->callback([&global, &exit_code] { exit_code = RunAdapterWorker(global.webhooks_dir); });
}

}  // namespace siaga::cli
