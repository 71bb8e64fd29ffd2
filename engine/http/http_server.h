// CivetWeb, configured the way research/security.md §2 measured safe: no document root (so no
// files, directory listing, CGI or server pages), bounded headers and time, bodies counted as
// they are read (chunked ones too) and refused past the limit, and no Lua on its threads: a
// handler here only reads, checks and hands over.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>

#include "common/status.h"
#include "http/http_types.h"

struct mg_context;
struct mg_connection;

namespace siaga {

struct HttpServerOptions {
  std::string listen = "127.0.0.1:8080";  // CivetWeb listening_ports syntax; port 0 picks a free one
  int threads = 32;
  int request_timeout_ms = 10'000;
  std::size_t max_body_bytes = 1u << 20;
  std::size_t max_header_bytes = 16u << 10;
  bool keep_alive = true;
  std::string access_log;  // file; empty for none
};

class HttpServer {
 public:
  using Handler = std::function<HttpResponse(const HttpRequest&)>;

  explicit HttpServer(HttpServerOptions options) : options_(std::move(options)) {}
  ~HttpServer();

  Status Start(Handler handler);
  int port() const { return port_; }
  // New requests get 503 from now on; requests already inside a handler finish.
  void BeginDrain() { draining_ = true; }
  // Waits (up to `wait_ms`) for requests in handlers, then stops CivetWeb.
  void Stop(int wait_ms = 10'000);
  int in_flight() const { return in_flight_.load(); }
  // Called with the status of each answer the server gives itself (413, 405, 400, 503 while
  // stopping), which never reach the handler; for the metrics.
  void OnOwnAnswer(std::function<void(int)> count) { own_answer_ = std::move(count); }

 private:
  static int OnRequest(mg_connection* conn, void* self);
  int Serve(mg_connection* conn);
  void Counted(int status) const;

  HttpServerOptions options_;
  Handler handler_;
  std::function<void(int)> own_answer_;
  mg_context* ctx_ = nullptr;
  int port_ = 0;
  std::atomic<bool> draining_{false};
  std::atomic<int> in_flight_{0};
};

}  // namespace siaga
