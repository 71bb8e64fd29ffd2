#include "webhooks/adapter_pool.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <map>
#include <memory>
#include <sstream>

#include <spdlog/spdlog.h>

#include "webhooks/adapter.h"

namespace siaga {

namespace {

constexpr std::uint32_t kMaxFrameBytes = 64u << 20;

// An AddressSanitizer build (tests/sanitize.sh, docs/reliability.md) maps terabytes of shadow
// memory when the worker starts, which no RLIMIT_AS of ours allows: the worker would die before
// main. Such a build is for tests only, so there the workers run without the address-space cap
// (the sandbox's own allocator cap still holds). Decided at compile time, so no setting can turn
// the cap off in a release build.
#if defined(__SANITIZE_ADDRESS__)
constexpr bool kCapAddressSpace = false;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
constexpr bool kCapAddressSpace = false;
#else
constexpr bool kCapAddressSpace = true;
#endif
#else
constexpr bool kCapAddressSpace = true;
#endif
using SteadyTime = std::chrono::steady_clock::time_point;

// For poll(): -1 waits without end (the worker's own blocking reads).
int RemainingMillis(SteadyTime deadline) {
  if (deadline == SteadyTime::max()) return -1;
  // Rounded up, so that poll never wakes before the deadline.
  const auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now()).count();
  return left > 0 ? static_cast<int>(std::min<std::int64_t>(left, 1'000'000'000)) : 0;
}

// Writes all of `data`, waiting at most until `deadline`. False on timeout or a closed pipe.
bool WriteAll(int fd, const char* data, std::size_t size, SteadyTime deadline) {
  while (size > 0) {
    pollfd p{fd, POLLOUT, 0};
    const int ready = poll(&p, 1, RemainingMillis(deadline));
    if (ready < 0 && errno == EINTR) continue;
    if (ready == 0 && std::chrono::steady_clock::now() < deadline) continue;
    if (ready <= 0) return false;
    const ssize_t n = write(fd, data, size);
    if (n < 0 && (errno == EINTR || errno == EAGAIN)) continue;
    if (n <= 0) return false;
    data += n;
    size -= static_cast<std::size_t>(n);
  }
  return true;
}

bool ReadAll(int fd, char* data, std::size_t size, SteadyTime deadline) {
  while (size > 0) {
    pollfd p{fd, POLLIN, 0};
    const int ready = poll(&p, 1, RemainingMillis(deadline));
    if (ready < 0 && errno == EINTR) continue;
    if (ready == 0 && std::chrono::steady_clock::now() < deadline) continue;
    if (ready <= 0) return false;
    const ssize_t n = read(fd, data, size);
    if (n < 0 && (errno == EINTR || errno == EAGAIN)) continue;
    if (n <= 0) return false;
    data += n;
    size -= static_cast<std::size_t>(n);
  }
  return true;
}

std::string Frame(const std::string& payload) {
  const auto size = static_cast<std::uint32_t>(payload.size());
  std::string frame(4, '\0');
  std::memcpy(frame.data(), &size, 4);
  return frame + payload;
}

// Blocking reads for the worker, which has nothing else to do.
bool ReadFrame(int fd, std::string& out) {
  const SteadyTime forever = std::chrono::steady_clock::time_point::max();
  std::uint32_t size = 0;
  if (!ReadAll(fd, reinterpret_cast<char*>(&size), 4, forever)) return false;
  if (size > kMaxFrameBytes) return false;
  out.resize(size);
  return ReadAll(fd, out.data(), size, forever);
}

// The worker's answer: {"ok": true, "out": ...} or {"ok": false, "code", "field", "message"}.
nlohmann::json StatusToReply(const Status& st) {
  return {{"ok", false}, {"code", StatusCodeName(st.code())}, {"field", st.field()}, {"message", st.message()}};
}

Result<nlohmann::json> ReplyToResult(const nlohmann::json& reply) {
  if (reply.value("ok", false) && reply.contains("out")) return reply["out"];
  const std::string code = reply.value("code", "");
  const std::string message = reply.value("message", "adapter failed");
  const std::string field = reply.value("field", "");
  if (code == StatusCodeName(StatusCode::kInvalidArgument)) {
    if (!field.empty()) return Status(StatusCode::kInvalidArgument, message).WithField(field);
    return InvalidArgument(message);
  }
  if (code == StatusCodeName(StatusCode::kNotFound)) return NotFound(message);
  return ScriptError(message);
}

}  // namespace

AdapterPool::AdapterPool(AdapterPoolOptions options) : options_(std::move(options)) {
  workers_.resize(static_cast<std::size_t>(std::max(1, options_.workers)));
  for (Worker& w : workers_) idle_.push_back(&w);
}

AdapterPool::~AdapterPool() {
  for (Worker& w : workers_) Kill(w);
}

Status AdapterPool::Spawn(Worker& w) {
  int to_child[2], from_child[2];
  if (pipe2(to_child, O_CLOEXEC) != 0) return Internal(std::string("pipe: ") + std::strerror(errno));
  if (pipe2(from_child, O_CLOEXEC) != 0) {
    close(to_child[0]);
    close(to_child[1]);
    return Internal(std::string("pipe: ") + std::strerror(errno));
  }
  const pid_t parent = getpid();
  const pid_t pid = fork();
  if (pid < 0) {
    for (int fd : {to_child[0], to_child[1], from_child[0], from_child[1]}) close(fd);
    return Internal(std::string("fork: ") + std::strerror(errno));
  }
  if (pid == 0) {
    // Only async-signal-safe calls from here to exec.
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent) _exit(1);
    dup2(to_child[0], 0);
    dup2(from_child[1], 1);
    close_range(3, ~0u, 0);
    if (kCapAddressSpace) {
      rlimit as{options_.address_space_bytes, options_.address_space_bytes};
      setrlimit(RLIMIT_AS, &as);
    }
    rlimit core{0, 0};
    setrlimit(RLIMIT_CORE, &core);
    const char* argv[] = {options_.executable.c_str(), "--webhooks", options_.webhooks_dir.c_str(), "adapter-worker", nullptr};
    execv(options_.executable.c_str(), const_cast<char* const*>(argv));
    _exit(127);
  }
  close(to_child[0]);
  close(from_child[1]);
  w.pid = pid;
  w.to_child = to_child[1];
  w.from_child = from_child[0];
  return Status::Ok();
}

void AdapterPool::Kill(Worker& w) {
  if (w.pid > 0) {
    kill(w.pid, SIGKILL);
    waitpid(w.pid, nullptr, 0);
  }
  if (w.to_child >= 0) close(w.to_child);
  if (w.from_child >= 0) close(w.from_child);
  w = Worker{};
}

Result<nlohmann::json> AdapterPool::Exchange(Worker& w, const std::string& request) {
  const SteadyTime deadline = std::chrono::steady_clock::now() + options_.run_timeout;
  const std::string frame = Frame(request);
  std::uint32_t size = 0;
  std::string reply;
  bool ok = WriteAll(w.to_child, frame.data(), frame.size(), deadline) &&
            ReadAll(w.from_child, reinterpret_cast<char*>(&size), 4, deadline) && size <= kMaxFrameBytes;
  if (ok) {
    reply.resize(size);
    ok = ReadAll(w.from_child, reply.data(), size, deadline);
  }
  if (!ok) {
    const bool timed_out = std::chrono::steady_clock::now() >= deadline;
    Kill(w);
    restarts_++;
    if (timed_out) {
      timeouts_++;
      return ScriptError("the adapter did not finish within " + std::to_string(options_.run_timeout.count()) +
                         " ms; its worker process was killed");
    }
    return ScriptError("the adapter's worker process died (memory limit or crash); it will be restarted");
  }
  auto parsed = nlohmann::json::from_cbor(reply, true, false);
  if (parsed.is_discarded() || !parsed.is_object()) return Internal("adapter worker sent a malformed reply");
  return parsed;
}

Result<nlohmann::json> AdapterPool::Run(const std::string& adapter, const std::string& body, const nlohmann::json& meta) {
  Worker* w = nullptr;
  {
    std::unique_lock lock(mu_);
    if (!freed_.wait_for(lock, options_.queue_wait, [&] { return !idle_.empty(); }))
      return Unavailable("all " + std::to_string(workers_.size()) + " adapter workers are busy");
    w = idle_.back();
    idle_.pop_back();
  }
  Result<nlohmann::json> reply = Status::Ok();
  Status spawned = w->pid > 0 ? Status::Ok() : Spawn(*w);
  if (!spawned.ok()) {
    reply = spawned;
  } else {
    // CBOR carries the body as bytes, without JSON escaping.
    const nlohmann::json request = {{"adapter", adapter},
                                    {"body", nlohmann::json::binary_t(std::vector<std::uint8_t>(body.begin(), body.end()))},
                                    {"meta", meta}};
    std::vector<std::uint8_t> cbor = nlohmann::json::to_cbor(request);
    auto answer = Exchange(*w, std::string(cbor.begin(), cbor.end()));
    reply = answer.ok() ? ReplyToResult(*answer) : Result<nlohmann::json>(answer.status());
  }
  {
    std::lock_guard lock(mu_);
    idle_.push_back(w);
  }
  freed_.notify_one();
  return reply;
}

namespace {

// The worker keeps each adapter compiled until its file changes.
class WorkerAdapters {
 public:
  explicit WorkerAdapters(std::string dir) : dir_(std::move(dir)) {}

  Result<AdapterScript*> Get(const std::string& name) {
    if (!IsAdapterName(name)) return NotFound("no adapter '" + name + "'");
    const std::string path = dir_ + "/" + name + ".lua";
    struct stat st {};
    if (stat(path.c_str(), &st) != 0) {
      cache_.erase(name);
      return NotFound("no adapter '" + name + "'");
    }
    // An edit of the shared library counts as an edit of every adapter.
    struct stat lib {};
    const std::int64_t lib_mtime = stat(AdapterLibraryPath(dir_).c_str(), &lib) == 0 ? MtimeNs(lib) + lib.st_size : 0;
    auto it = cache_.find(name);
    if (it != cache_.end() && it->second.mtime_ns == MtimeNs(st) + lib_mtime && it->second.size == st.st_size) {
      if (it->second.script) return it->second.script.get();
      return ScriptError(it->second.error);
    }
    auto script = AdapterScript::LoadFromFolder(dir_, name);
    if (!script.ok()) {
      // A broken edit (or a file caught half-written) never fails a payload the previous version
      // could take: that version keeps serving until the file loads again.
      Entry& e = cache_[name];
      e.mtime_ns = MtimeNs(st) + lib_mtime;
      e.size = st.st_size;
      e.error = script.status().message();
      if (e.script) {
        std::fprintf(stderr, "siaga: adapter %s does not load; its previous version keeps serving: %s\n", name.c_str(), e.error.c_str());
        return e.script.get();
      }
      return ScriptError(e.error);
    }
    Entry& e = cache_[name];
    e.mtime_ns = MtimeNs(st) + lib_mtime;
    e.size = st.st_size;
    e.script = std::move(*script);
    e.error.clear();
    return e.script.get();
  }

 private:
  static std::int64_t MtimeNs(const struct stat& st) {
    return static_cast<std::int64_t>(st.st_mtim.tv_sec) * 1'000'000'000 + st.st_mtim.tv_nsec;
  }
  struct Entry {
    std::int64_t mtime_ns = 0;
    off_t size = 0;
    std::unique_ptr<AdapterScript> script;  // the newest version that loaded
    std::string error;                      // why the file as it is now does not load
  };
  std::string dir_;
  std::map<std::string, Entry> cache_;
};

}  // namespace

int RunAdapterWorker(const std::string& webhooks_dir) {
  signal(SIGPIPE, SIG_IGN);
  WorkerAdapters adapters(webhooks_dir);
  std::string frame;
  while (ReadFrame(0, frame)) {
    nlohmann::json reply;
    const nlohmann::json request = nlohmann::json::from_cbor(frame, true, false);
    if (request.is_discarded() || !request.is_object() || !request.contains("body") || !request["body"].is_binary()) {
      reply = StatusToReply(Internal("malformed request to the adapter worker"));
    } else {
      const auto& bytes = request["body"].get_binary();
      const std::string body(bytes.begin(), bytes.end());
      auto script = adapters.Get(request.value("adapter", ""));
      Result<nlohmann::json> out = script.ok() ? (*script)->Run(body, request.value("meta", nlohmann::json::object()))
                                               : Result<nlohmann::json>(script.status());
      reply = out.ok() ? nlohmann::json{{"ok", true}, {"out", *out}} : StatusToReply(out.status());
    }
    const std::vector<std::uint8_t> cbor = nlohmann::json::to_cbor(reply);
    const std::string answer = Frame(std::string(cbor.begin(), cbor.end()));
    if (!WriteAll(1, answer.data(), answer.size(), std::chrono::steady_clock::time_point::max())) return 1;
  }
  return 0;
}

}  // namespace siaga
