#include "http/http_server.h"

#include <civetweb.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <thread>
#include <vector>

#include <spdlog/spdlog.h>

namespace siaga {

namespace {

void Send(mg_connection* conn, const HttpResponse& r, bool close) {
  mg_response_header_start(conn, r.status);
  const bool not_modified = r.status == 304;  // no body, and no Content-Length that would contradict the cached one
  if (!not_modified) {
    mg_response_header_add(conn, "Content-Type", r.content_type.c_str(), -1);
    const std::string length = std::to_string(r.body.size());
    mg_response_header_add(conn, "Content-Length", length.c_str(), -1);
  }
  // API answers are never cached; the dashboard's files set their own policy (web_assets.cpp).
  const bool own_cache_policy =
      std::any_of(r.headers.begin(), r.headers.end(), [](const auto& h) { return h.first == "Cache-Control"; });
  if (!own_cache_policy) mg_response_header_add(conn, "Cache-Control", "no-store", -1);
  mg_response_header_add(conn, "X-Content-Type-Options", "nosniff", -1);
  for (const auto& [name, value] : r.headers) mg_response_header_add(conn, name.c_str(), value.c_str(), -1);
  if (close) mg_response_header_add(conn, "Connection", "close", -1);
  mg_response_header_send(conn);
  if (!r.body.empty() && !not_modified) mg_write(conn, r.body.data(), r.body.size());
}

}  // namespace

HttpServer::~HttpServer() { Stop(0); }

Status HttpServer::Start(Handler handler) {
  handler_ = std::move(handler);
  mg_init_library(0);  // no TLS: see docs/deployment.md (Debian's CivetWeb TLS fails on OpenSSL 3)
  const std::string threads = std::to_string(options_.threads);
  const std::string timeout = std::to_string(options_.request_timeout_ms);
  const std::string header_bytes = std::to_string(options_.max_header_bytes);
  std::vector<const char*> opts = {
      "listening_ports", options_.listen.c_str(),
      "num_threads", threads.c_str(),
      "request_timeout_ms", timeout.c_str(),
      "max_request_size", header_bytes.c_str(),
      "enable_directory_listing", "no",
      "enable_keep_alive", options_.keep_alive ? "yes" : "no",
      "keep_alive_timeout_ms", "5000",
      "tcp_nodelay", "1",
  };
  if (!options_.access_log.empty()) {
    opts.push_back("access_log_file");
    opts.push_back(options_.access_log.c_str());
  }
  opts.push_back(nullptr);
  mg_callbacks callbacks{};
  callbacks.log_message = [](const mg_connection*, const char* message) {
    spdlog::warn("http: {}", message);
    return 1;
  };
  ctx_ = mg_start(&callbacks, this, opts.data());
  if (ctx_ == nullptr) return Unavailable("cannot listen on " + options_.listen + " (address in use or not allowed?)");
  mg_set_request_handler(ctx_, "/", &HttpServer::OnRequest, this);
  mg_server_port ports[4];
  const int n = mg_get_server_ports(ctx_, 4, ports);
  port_ = n > 0 ? ports[0].port : 0;
  return Status::Ok();
}

void HttpServer::Stop(int wait_ms) {
  if (ctx_ == nullptr) return;
  draining_ = true;
  const auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(wait_ms);
  while (in_flight_.load() > 0 && std::chrono::steady_clock::now() < until)
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  mg_stop(ctx_);
  ctx_ = nullptr;
}

void HttpServer::Counted(int status) const {
  if (own_answer_) own_answer_(status);
}

int HttpServer::OnRequest(mg_connection* conn, void* self) { return static_cast<HttpServer*>(self)->Serve(conn); }

int HttpServer::Serve(mg_connection* conn) {
  const mg_request_info* ri = mg_get_request_info(conn);
  if (draining_) {
    HttpResponse r = ErrorResponse(503, "unavailable", "the server is stopping");
    r.headers.emplace_back("Retry-After", "5");
    Send(conn, r, true);
    Counted(503);
    return 503;
  }
  in_flight_++;
  struct Leave {
    std::atomic<int>& n;
    ~Leave() { n--; }
  } leave{in_flight_};

  HttpRequest req;
  req.method = ri->request_method != nullptr ? ri->request_method : "";
  req.path = ri->local_uri != nullptr ? ri->local_uri : "/";
  req.query = ri->query_string != nullptr ? ri->query_string : "";
  req.remote_addr = ri->remote_addr;
  for (int i = 0; i < ri->num_headers; ++i) {
    std::string name = ri->http_headers[i].name;
    std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    req.headers[name] = ri->http_headers[i].value;
  }
  if (req.method != "GET" && req.method != "POST" && req.method != "HEAD") {
    HttpResponse r = ErrorResponse(405, "method_not_allowed", "only GET and POST are served");
    r.headers.emplace_back("Allow", "GET, POST");
    Send(conn, r, true);
    Counted(405);
    return 405;
  }
  // The body, counted as it is read: a Content-Length check alone misses chunked bodies.
  const long long declared = ri->content_length;
  if (declared > static_cast<long long>(options_.max_body_bytes)) {
    Send(conn, ErrorResponse(413, "payload_too_large", "the body is over " + std::to_string(options_.max_body_bytes) + " bytes", "body"), true);
    Counted(413);
    return 413;
  }
  if (req.method == "POST") {
    std::vector<char> buffer(16 * 1024);
    while (true) {
      const int n = mg_read(conn, buffer.data(), buffer.size());
      if (n < 0) {
        Send(conn, ErrorResponse(400, "invalid_argument", "the body could not be read: the connection closed or timed out before it was complete", "body"), true);
        Counted(400);
        return 400;
      }
      if (n == 0) break;
      req.body.append(buffer.data(), static_cast<std::size_t>(n));
      if (req.body.size() > options_.max_body_bytes) {
        Send(conn, ErrorResponse(413, "payload_too_large", "the body is over " + std::to_string(options_.max_body_bytes) + " bytes", "body"), true);
        Counted(413);
        return 413;
      }
    }
    if (declared >= 0 && req.body.size() != static_cast<std::size_t>(declared)) {
      Send(conn, ErrorResponse(400, "invalid_argument", "the body is shorter than its Content-Length", "body"), true);
      Counted(400);
      return 400;
    }
  }
  HttpResponse response;
  try {
    response = handler_(req);
  } catch (const std::exception& e) {
    spdlog::error("http: {} {}: {}", req.method, req.path, e.what());
    response = ErrorResponse(500, "internal", "internal error; the server log has the details");
  }
  if (req.method == "HEAD") response.body.clear();
  Send(conn, response, false);
  return response.status;
}

}  // namespace siaga
