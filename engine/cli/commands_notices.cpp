// siaga notices list|retry: the deliveries of notices (e-mail, webhook, file), dead letters first
// of all, and sending dead letters again. The running server sends what is pending.
#include <iostream>

#include <nlohmann/json.hpp>

#include "cli/cli.h"
#include "runner/queries.h"

namespace siaga::cli {

namespace {

int NoticesList(const GlobalOptions& global, const std::string& state, int limit) {
  auto db = OpenStore(global.db_path);
  if (!db.ok()) return Fail(db.status());
  auto list = ListDeliveries(**db, state, limit);
  if (!list.ok()) return Fail(list.status());
  if (global.json) {
    std::cout << list->dump(2) << "\n";
    return kExitOk;
  }
  if (list->empty()) std::cout << "no " << state << " deliveries\n";
  for (const auto& d : *list) {
    std::cout << d["id"] << "  " << d["case"].get<std::string>() << "  " << d["template"].get<std::string>() << " -> "
              << d["to"].get<std::string>() << " via " << d["channel"].get<std::string>()
              << (d["recipient"].get<std::string>().empty() ? "" : " <" + d["recipient"].get<std::string>() + ">") << "  TLP:"
              << d["tlp"].get<std::string>() << "  " << d["state"].get<std::string>() << " after " << d["attempts"] << "/"
              << d["max_attempts"] << " attempt(s)\n";
    if (!d["last_error"].is_null() && !d["last_error"].get<std::string>().empty())
      std::cout << "    " << d["last_error"].get<std::string>() << "\n";
  }
  return kExitOk;
}

int NoticesRetry(const GlobalOptions& global, const std::string& which) {
  std::int64_t id = 0;
  if (which != "dead") {
    try {
      std::size_t used = 0;
      id = std::stoll(which, &used);
      if (used != which.size() || id <= 0) throw std::invalid_argument(which);
    } catch (const std::exception&) {
      return Fail(InvalidArgument("a delivery number, or 'dead' for every dead letter: got '" + which + "'"));
    }
  }
  auto session = OpenSession(global);
  if (!session.ok()) return Fail(session.status());
  Command retry;
  retry.type = Command::Type::kRetryDeliveries;
  retry.actor.name = CliActorName();
  retry.delivery_id = id;
  CommandResult r = (*session)->engine->Apply(retry);
  if (!r.status.ok()) return Fail(r.status);
  std::cout << (global.json ? r.detail.dump() : std::to_string(r.detail.value("retried", 0)) + " delivery(ies) pending again; the server sends them") << "\n";
  return kExitOk;
}

}  // namespace

void AddNoticesCommands(CLI::App& app, GlobalOptions& global, int& exit_code) {
  CLI::App* notices = app.add_subcommand("notices", "notice deliveries (e-mail, webhook, file): list them, send dead letters again");
  notices->require_subcommand(1);
  auto state = std::make_shared<std::string>("dead");
  auto limit = std::make_shared<int>(200);
  CLI::App* list = notices->add_subcommand("list", "deliveries in one state, newest first");
  list->add_option("--state", *state, "pending, sent, dead or refused")->capture_default_str()->check(CLI::IsMember({"pending", "sent", "dead", "refused"}));
  list->add_option("--limit", *limit, "at most this many")->capture_default_str()->check(CLI::Range(1, 100000));
  list->callback([&global, &exit_code, state, limit] { exit_code = NoticesList(global, *state, *limit); });
  auto which = std::make_shared<std::string>();
  CLI::App* retry = notices->add_subcommand("retry", "send a dead letter again (same idempotency key, the channel's attempts anew)");
  retry->add_option("DELIVERY", *which, "a delivery number from `siaga notices list`, or 'dead' for all of them")->required();
  retry->callback([&global, &exit_code, which] { exit_code = NoticesRetry(global, *which); });
}

}  // namespace siaga::cli
