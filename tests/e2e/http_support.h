// End-to-end HTTP tests: the real siaga binary started on a free port, driven with libcurl.
#pragma once

#include <curl/curl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "http/signature.h"
#include "store/database.h"
#include "test_support.h"

namespace siaga::test {

struct HttpReply {
  long status = 0;
  std::string body;
  std::map<std::string, std::string> headers;  // lower-case names
  nlohmann::json Json() const { return nlohmann::json::parse(body, nullptr, false); }
};

inline std::size_t CollectBody(char* data, std::size_t size, std::size_t n, void* out) {
  static_cast<std::string*>(out)->append(data, size * n);
  return size * n;
}

inline std::size_t CollectHeader(char* data, std::size_t size, std::size_t n, void* out) {
  std::string line(data, size * n);
  const auto colon = line.find(':');
  if (colon != std::string::npos) {
    std::string name = line.substr(0, colon);
    for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    std::string value = line.substr(colon + 1);
    value.erase(0, value.find_first_not_of(' '));
    value.erase(value.find_last_not_of("\r\n ") + 1);
    (*static_cast<std::map<std::string, std::string>*>(out))[name] = value;
  }
  return size * n;
}

// `path_as_is`: send the path exactly as written (curl otherwise removes dot segments).
inline HttpReply Http(const std::string& method, const std::string& url, const std::string& body = "",
                      const std::vector<std::string>& headers = {}, bool path_as_is = false) {
  HttpReply reply;
  CURL* curl = curl_easy_init();
  curl_slist* list = nullptr;
  for (const auto& h : headers) list = curl_slist_append(list, h.c_str());
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, method.c_str());
  if (method == "POST") {
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body.data());
    curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
  }
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, list);
  if (path_as_is) curl_easy_setopt(curl, CURLOPT_PATH_AS_IS, 1L);
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, CollectBody);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &reply.body);
  curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, CollectHeader);
  curl_easy_setopt(curl, CURLOPT_HEADERDATA, &reply.headers);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT, 30L);
  if (curl_easy_perform(curl) == CURLE_OK) curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &reply.status);
  curl_slist_free_all(list);
  curl_easy_cleanup(curl);
  return reply;
}

inline std::string ReadText(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// `siaga serve` on a free port, with its own store; stopped (SIGKILL) when it goes out of scope.
class Server {
 public:
  Server(const TempDir& dir, std::vector<std::string> serve_args = {}, std::string webhooks = kSourceDir + "/webhooks",
         std::string sop = kSeedDir)
      : dir_(dir), webhooks_(std::move(webhooks)), sop_(std::move(sop)), serve_args_(std::move(serve_args)) {
    Start();
  }
  ~Server() { Kill(); }

  void Start() {
    const std::string port_file = dir_ / "port";
    std::remove(port_file.c_str());
    pid_ = fork();
    if (pid_ == 0) {
      const std::string log = dir_ / "server.log";
      FILE* out = std::fopen(log.c_str(), "a");
      dup2(fileno(out), 1);
      dup2(fileno(out), 2);
      std::vector<std::string> args = {kBinary, "--db", db(), "--sop", sop_, "--webhooks", webhooks_, "serve",
                                       "--listen", "127.0.0.1:0", "--port-file", port_file, "--threads", "8"};
      args.insert(args.end(), serve_args_.begin(), serve_args_.end());
      std::vector<char*> argv;
      for (auto& a : args) argv.push_back(a.data());
      argv.push_back(nullptr);
      execv(kBinary.c_str(), argv.data());
      _exit(127);
    }
    for (int i = 0; i < 500 && port_ == 0; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
      std::ifstream in(port_file);
      in >> port_;
    }
  }
  // SIGKILL: no chance to flush anything.
  void Kill() {
    if (pid_ > 0) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
    pid_ = -1;
    port_ = 0;
  }
  // SIGTERM: the graceful stop; returns the exit code.
  int Terminate() {
    if (pid_ <= 0) return -1;
    kill(pid_, SIGTERM);
    int status = 0;
    waitpid(pid_, &status, 0);
    pid_ = -1;
    port_ = 0;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }
  void Restart() {
    Kill();
    Start();
  }

  int port() const { return port_; }
  pid_t pid() const { return pid_; }
  std::string db() const { return dir_ / "siaga.db"; }
  std::string log() const { return ReadText(dir_ / "server.log"); }
  std::string Url(const std::string& path) const { return "http://127.0.0.1:" + std::to_string(port_) + path; }

  HttpReply Get(const std::string& path, const std::string& token = "") const {
    return Http("GET", Url(path), "", token.empty() ? std::vector<std::string>{} : std::vector<std::string>{"Authorization: Bearer " + token});
  }
  HttpReply Post(const std::string& path, const nlohmann::json& body, const std::string& token) const {
    return Http("POST", Url(path), body.dump(), {"Authorization: Bearer " + token, "Content-Type: application/json"});
  }

  // A token made with the CLI on this server's store.
  std::string Token(const std::string& user, const std::vector<std::string>& roles) const {
    std::vector<std::string> args = {"--db", db(), "--json", "token", "create", "--user", user};
    for (const auto& r : roles) {
      args.push_back("--role");
      args.push_back(r);
    }
    RunResult r = RunSiaga(args);
    auto j = nlohmann::json::parse(r.out.substr(r.out.find('{')), nullptr, false);
    return j.is_object() ? j.value("token", "") : "";
  }
  std::string Secret(const std::string& adapter) const {
    RunResult r = RunSiaga({"--db", db(), "--webhooks", webhooks_, "hook", "secret", adapter});
    return r.out.substr(0, 64);
  }

 private:
  const TempDir& dir_;
  std::string webhooks_, sop_;
  std::vector<std::string> serve_args_;
  pid_t pid_ = -1;
  int port_ = 0;
};

// The headers of a payload signed the way `auth = "hmac"` adapters expect.
inline std::vector<std::string> SignedHeaders(const std::string& secret, const std::string& body, std::int64_t ts) {
  const std::string t = std::to_string(ts);
  return {"X-Siaga-Timestamp: " + t, "X-Siaga-Signature: sha256=" + HmacSha256Hex(secret, t + "." + body)};
}

// Polls `done` every 50 ms for up to `seconds`; its last answer.
template <typename F>
inline bool WaitFor(F done, int seconds) {
  for (int i = 0; i < seconds * 20; ++i) {
    if (done()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return done();
}

inline std::int64_t NowSeconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

// A count from the server's store, read beside it (WAL).
inline std::int64_t CountRows(const std::string& db_path, const std::string& sql) {
  auto db = Database::Open(db_path, Database::Mode::kReadOnly);
  if (!db.ok()) return -1;
  auto q = (*db)->Prepare(sql);
  if (!q.ok() || !q->Step().ok()) return -1;
  const std::int64_t n = q->Int(0);
  q->Run();
  return n;
}

}  // namespace siaga::test
