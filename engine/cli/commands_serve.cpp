// siaga serve: the server. The engine loop (single writer, timers), the adapter worker
// processes, and CivetWeb with the REST API and the webhook endpoint. SIGTERM or SIGINT stops it
// gracefully: new requests get 503, requests in handlers finish, queued commands commit.
#include <signal.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>

#include <spdlog/spdlog.h>

#include "cli/cli.h"
#include "http/api.h"
#include "http/http_server.h"
#include "http/procedure_json.h"
#include "notify/dispatcher.h"
#include "procedure/agency_directory.h"
#include "reload/file_watcher.h"
#include "reload/reloader.h"
#include "runner/timer_loop.h"

namespace siaga::cli {

namespace {

struct ServeOptions {
  HttpServerOptions http;
  EngineLoopOptions loop;
  AdapterPoolOptions adapters;
  ApiOptions api;
  double rate = 50, burst = 200;
  std::string port_file;
  bool watch = true;
  DispatcherOptions notices;
};

nlohmann::json ReloadToJson(const ReloadOutcome& o) {
  nlohmann::json errors = nlohmann::json::array();
  for (const Diagnostic& d : o.report.diagnostics)
    if (d.severity == Diagnostic::Severity::kError)
      errors.push_back({{"file", d.file}, {"line", d.line}, {"step", d.step}, {"field", d.field}, {"message", d.message}});
  return {{"at", FormatUtc(SystemClock().Now())}, {"sequence", o.sequence}, {"reason", o.reason}, {"published", o.report.published},
          {"kept_previous", o.report.kept}, {"removed", o.report.removed}, {"calendars_changed", o.report.calendars_changed},
          {"calendars_kept", o.report.calendars_kept},
          {"notifications_changed", o.report.notifications_changed}, {"notifications_kept", o.report.notifications_kept}, {"errors", errors}, {"compile_ms", o.compile_ms}, {"live_ms", o.total_ms}};
}

// <db>.status.json: what the running server serves, for `siaga status` and `siaga reload`.
struct StatusFile {
  std::string path, listen, started_at;
  void Write(const ServerCatalog& catalog, const ReloadOutcome* last) const {
    nlohmann::json procedures = nlohmann::json::array();
    for (const auto& p : catalog.procedures) procedures.push_back({{"id", p["id"]}, {"hash", p["hash"]}, {"file", p["file"]}});
    nlohmann::json adapters = nlohmann::json::array();
    for (const auto& [name, info] : catalog.adapters) adapters.push_back({{"name", name}, {"hash", info.hash}});
    nlohmann::json out = {{"pid", getpid()}, {"listen", listen}, {"started_at", started_at}, {"procedures", procedures},
                          {"load_errors", catalog.procedure_errors}, {"adapters", adapters}, {"adapter_errors", catalog.adapter_errors},
                          {"last_reload", last != nullptr ? ReloadToJson(*last) : nlohmann::json(nullptr)}};
    const std::string tmp = path + ".tmp";
    std::ofstream(tmp) << out.dump(2) << "\n";
    std::error_code ec;
    std::filesystem::rename(tmp, path, ec);
  }
  void Remove() const {
    std::error_code ec;
    std::filesystem::remove(path, ec);
  }
};

// The webhook side of a catalog, compiled off the engine loop.
struct HookConfig {
  AdapterSet adapters;
  Result<Routes> routes = Routes();
};

HookConfig LoadHookConfig(const std::string& webhooks_dir) {
  return {LoadAdapters(webhooks_dir), Routes::LoadFile(webhooks_dir + "/routes.lua")};
}

// `previous`: what served until now; an adapter or routes file that no longer loads keeps its
// previous version, as procedures do.
std::shared_ptr<ServerCatalog> BuildCatalog(const ProcedureRegistry& registry, const std::vector<Diagnostic>& diagnostics,
                                            const HookConfig& hooks, const ServerCatalog* previous, Status& routes_status) {
  auto catalog = std::make_shared<ServerCatalog>();
  for (const auto& proc : registry.LatestAll()) {
    const ProcedureDef& def = proc->def();
    nlohmann::json roles = nlohmann::json::object();
    for (const auto& [id, role] : def.roles) roles[id] = {{"label", role.label}, {"inferred", role.inferred}};
    nlohmann::json steps = StepSummaries(def);
    nlohmann::json summary = {{"id", def.id}, {"title", def.Title()}, {"revision", def.revision}, {"hash", def.hash},
                              {"file", def.file}, {"instansi", def.instansi}, {"zona_waktu", def.zona_waktu},
                              {"sla_kasus", def.sla_kasus ? nlohmann::json(def.sla_kasus->raw) : nlohmann::json(nullptr)}};
    catalog->procedures.push_back(summary);
    summary["roles"] = roles;
    summary["steps"] = steps;
    summary["identitas"] = def.identitas;
    catalog->procedure_details[def.id] = summary;
    catalog->definitions[def.id] = std::make_shared<const ProcedureDef>(def);
  }
  for (const Diagnostic& d : diagnostics)
    if (d.severity == Diagnostic::Severity::kError) catalog->procedure_errors.push_back(d.ToString());
  catalog->agencies = DescribeAgencies(registry)["agencies"];
  const AdapterSet& adapters = hooks.adapters;
  for (const auto& [name, script] : adapters.adapters) catalog->adapters[name] = script->info();
  catalog->adapter_errors = adapters.errors;
  if (previous != nullptr) {
    for (const auto& error : adapters.errors)
      for (const auto& [name, info] : previous->adapters)
        if (error.rfind(info.file + ":", 0) == 0 && !catalog->adapters.contains(name)) catalog->adapters[name] = info;
  }
  const Result<Routes>& routes = hooks.routes;
  routes_status = routes.status();
  if (routes.ok()) {
    catalog->routes = *routes;
  } else if (previous != nullptr) {
    catalog->routes = previous->routes;
    catalog->adapter_errors.push_back(routes.status().message() + " (the previous routes stay)");
  }
  return catalog;
}

int Serve(const GlobalOptions& global, ServeOptions options) {
  // Signals go to the main thread only (sigwait below): block them before any thread starts.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGTERM);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGHUP);  // a reload, not a stop
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  signal(SIGPIPE, SIG_IGN);

  GlobalOptions session_options = global;
  session_options.now.clear();
  auto session = OpenSession(session_options);
  if (!session.ok()) return Fail(session.status());
  Session& s = **session;
  std::unique_ptr<Clock> clock = std::make_unique<SystemClock>();
  if (!global.now.empty()) {
    auto t = ParseInstant(global.now, 7 * 60);
    if (!t.ok()) return Fail(InvalidArgument("--now: " + t.status().message()));
    clock = std::make_unique<ShiftedClock>(*t);
  }
  Engine engine(*s.db, s.registry, *clock);
  auto recomputed = engine.RecomputeIfCalendarChanged();
  if (!recomputed.ok()) return Fail(recomputed.status());
  if (*recomputed > 0) spdlog::info("calendar data changed: {} open deadline(s) re-computed", *recomputed);
  TimerLoop timers(engine, *clock);
  auto loaded = timers.Load();
  if (!loaded.ok()) return Fail(loaded.status());

  Status routes_status;
  auto catalog = BuildCatalog(s.registry, s.diagnostics, LoadHookConfig(global.webhooks_dir), nullptr, routes_status);
  if (!routes_status.ok()) return Fail(routes_status);
  for (const auto& e : catalog->adapter_errors) spdlog::warn("webhook adapter not served: {}", e);
  CatalogHolder catalogs(catalog);
  {
    Command publish;
    publish.type = Command::Type::kPublishProcedures;
    publish.actor.name = "start";
    auto r = engine.Apply(publish);
    if (!r.status.ok()) return Fail(r.status);
  }

  std::error_code ec;
  options.adapters.executable = std::filesystem::read_symlink("/proc/self/exe", ec).string();
  if (ec) return Fail(Internal("cannot find this program's path: " + ec.message()));
  options.adapters.webhooks_dir = std::filesystem::absolute(global.webhooks_dir).string();
  AdapterPool adapters(options.adapters);
  ReadPool reads(global.db_path);
  Metrics metrics;
  RateLimiter limiter(options.rate, options.burst);
  EngineLoop loop(engine, timers, *clock, options.loop);
  loop.Start();
  const std::string status_path = global.db_path + ".status.json";
  StatusFile status{status_path, options.http.listen, FormatUtc(SystemClock().Now())};
  status.Write(*catalog, nullptr);
  NotificationHolder notification_book(s.registry.notifications());
  if (!s.registry.notifications()->configured())
    spdlog::warn("no notification channels (sop/notifikasi/): notices are recorded as unrouted, nothing is sent");
  Dispatcher dispatcher(reads, *clock, notification_book, [&loop](std::vector<Command> c) { return loop.Execute(std::move(c)); },
                        options.notices);
  dispatcher.Start();
  std::shared_ptr<HookConfig> next_hooks;  // written by the reloader thread, read on the loop
  Reloader reloader(
      global.sop_dir, loop, engine, s.registry,
      [&](const ReloadOutcome& outcome) {
        // On the engine loop, right after the swap: the HTTP side sees the same procedures.
        Status routes;
        auto previous = catalogs.Get();
        auto next = BuildCatalog(s.registry, outcome.report.diagnostics, *next_hooks, previous.get(), routes);
        next->last_reload = ReloadToJson(outcome);
        catalogs.Set(next);
        notification_book.Set(s.registry.notifications());
        status.Write(*next, &outcome);
      },
      [&] { next_hooks = std::make_shared<HookConfig>(LoadHookConfig(global.webhooks_dir)); });
  reloader.Start();
  FileWatcher watcher({global.sop_dir, global.webhooks_dir}, [&](const std::vector<std::string>& files) {
    reloader.Trigger("changed: " + (files.empty() ? std::string("?") : files.front()) +
                     (files.size() > 1 ? " and " + std::to_string(files.size() - 1) + " more" : ""));
  });
  if (options.watch) {
    Status watching = watcher.Start();
    if (!watching.ok()) spdlog::warn("file watcher off: {}", watching.message());
  }
  auto reload_now = [&]() -> Result<nlohmann::json> {
    auto future = reloader.Trigger("POST /api/reload");
    if (future.wait_for(std::chrono::seconds(30)) != std::future_status::ready) return Unavailable("the reload is still running");
    try {
      return ReloadToJson(future.get());
    } catch (const std::exception& e) {
      return Unavailable(e.what());
    }
  };
  if (options.api.web_dir.empty()) {
    const char* env = std::getenv("SIAGA_WEB");
    options.api.web_dir = env != nullptr && *env != '\0' ? env : "web";
  }
  if (!std::filesystem::is_regular_file(std::filesystem::path(options.api.web_dir) / "index.html", ec))
    spdlog::warn("no dashboard: {} has no index.html (serve --web DIR); / answers 404", options.api.web_dir);
  Api api(ApiContext{loop, reads, adapters, *clock, metrics, limiter, catalogs, options.api, reload_now});
  HttpServer server(options.http);
  server.OnOwnAnswer([&metrics](int code) { metrics.Add("siaga_http_requests_total", "code=\"" + std::to_string(code) + "\""); });
  if (options.api.trust_forwarded_for && options.http.listen.rfind("127.", 0) != 0 && options.http.listen.rfind("localhost", 0) != 0)
    spdlog::warn("--trust-proxy with --listen {}: anyone who reaches this port directly can choose their X-Forwarded-For address "
                 "(and so their rate-limit bucket); listen on loopback behind the proxy", options.http.listen);
  Status started = server.Start([&api](const HttpRequest& r) { return api.Handle(r); });
  if (!started.ok()) {
    loop.Stop();
    return Fail(started);
  }
  std::cout << "siaga serve: listening on http://" << options.http.listen.substr(0, options.http.listen.rfind(':')) << ":"
            << server.port() << " (" << catalog->procedures.size() << " procedures, " << catalog->adapters.size()
            << " webhook adapters, " << *loaded << " armed timers)" << std::endl;
  if (!options.port_file.empty()) {
    const std::string tmp = options.port_file + ".tmp";
    std::ofstream(tmp) << server.port() << "\n";
    std::filesystem::rename(tmp, options.port_file, ec);
  }
  int signal_number = 0;
  while (true) {
    sigwait(&stop_signals, &signal_number);
    if (signal_number != SIGHUP) break;
    reloader.Trigger("SIGHUP");
  }
  std::cout << "siaga serve: " << (signal_number == SIGTERM ? "SIGTERM" : "SIGINT") << ": stopping (" << server.in_flight()
            << " request(s) in flight)" << std::endl;
  server.BeginDrain();
  server.Stop(options.http.request_timeout_ms);
  watcher.Stop();
  reloader.Stop();
  dispatcher.Stop();  // before the loop: the last outcomes still need the writer
  loop.Stop();
  status.Remove();
  const EngineLoopStats st = loop.stats();
  std::cout << "siaga serve: stopped after " << st.commands << " command(s) in " << st.batches << " transaction(s)" << std::endl;
  return kExitOk;
}

}  // namespace

void AddServeCommand(CLI::App& app, GlobalOptions& global, int& exit_code) {
  auto o = std::make_shared<ServeOptions>();
  CLI::App* cmd = app.add_subcommand("serve", "run the server: REST API, webhooks, timers (stops gracefully on SIGTERM)");
  cmd->add_option("--listen", o->http.listen, "address:port to listen on (port 0: any free port); put TLS in front (docs/deployment.md)")->capture_default_str();
  cmd->add_option("--threads", o->http.threads, "HTTP worker threads")->capture_default_str()->check(CLI::Range(2, 1024));
  cmd->add_option("--max-body", o->http.max_body_bytes, "largest request body in bytes (413 above)")->capture_default_str()->check(CLI::Range(1024, 256 << 20));
  cmd->add_option("--request-timeout-ms", o->http.request_timeout_ms, "time to receive a request")->capture_default_str()->check(CLI::Range(100, 600000));
  cmd->add_flag("!--no-keep-alive", o->http.keep_alive, "close every connection after its response");
  cmd->add_option("--access-log", o->http.access_log, "file for CivetWeb's access log");
  cmd->add_option("--queue", o->loop.queue_capacity, "commands waiting for the engine before 503")->capture_default_str()->check(CLI::Range(1, 10'000'000));
  cmd->add_option("--batch", o->loop.max_batch, "commands per transaction (group commit)")->capture_default_str()->check(CLI::Range(1, 100'000));
  cmd->add_option("--adapter-workers", o->adapters.workers, "webhook adapter worker processes")->capture_default_str()->check(CLI::Range(1, 64));
  auto timeout = std::make_shared<int>(4000);
  cmd->add_option("--adapter-timeout-ms", *timeout, "an adapter run longer than this is killed")->capture_default_str()->check(CLI::Range(100, 600000));
  cmd->add_option("--rate", o->rate, "webhook requests per second per sender and adapter (0: no limit)")->capture_default_str()->check(CLI::Range(0.0, 1e9));
  cmd->add_option("--burst", o->burst, "webhook requests a sender may send at once")->capture_default_str()->check(CLI::Range(1.0, 1e9));
  cmd->add_flag("--trust-proxy", o->api.trust_forwarded_for, "take the sender's address from X-Forwarded-For (only behind a proxy that sets it)");
  cmd->add_option("--replay-window", o->api.replay_window_seconds, "seconds a signed webhook's timestamp may differ from now")->capture_default_str()->check(CLI::Range(10, 86400));
  cmd->add_option("--scripts", o->api.scripts_dir, "folder of report scripts for GET /api/reports, read on each run (env SIAGA_SCRIPTS, else ./scripts)");
  cmd->add_option("--web", o->api.web_dir, "folder of the operators' dashboard, served at / and /ui/ (env SIAGA_WEB, else ./web)");
  cmd->add_option("--port-file", o->port_file, "write the port listened on to this file once ready");
  cmd->add_option("--notice-workers", o->notices.workers, "threads sending notices (HTTP, SMTP, file)")->capture_default_str()->check(CLI::Range(1, 64));
  cmd->add_option("--notice-poll-ms", o->notices.poll_ms, "how often due notices are looked for")->capture_default_str()->check(CLI::Range(20, 60000));
  cmd->add_flag("!--no-watch", o->watch, "do not watch sop/ and webhooks/ for edits (SIGHUP and POST /api/reload still reload)");
  cmd->callback([&global, &exit_code, o, timeout] {
    o->adapters.run_timeout = std::chrono::milliseconds(*timeout);
    exit_code = Serve(global, *o);
  });
}

}  // namespace siaga::cli
