// Hostile HTTP against the real server: token guessing, oversized headers, bytes that are not
// text, deep JSON and names that try to leave their folder. Each gets its status, nothing is
// stored, and the server keeps serving.
#include <catch2/catch.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <future>

#include "e2e/http_support.h"

namespace siaga::test {
namespace {

// A raw TCP client, for what libcurl will not send: dribbled headers, short bodies, and bodies
// that keep coming after the server has answered.
class RawClient {
 public:
  explicit RawClient(int port) {
    fd_ = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<std::uint16_t>(port));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    connected_ = fd_ >= 0 && connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
    timeval tv{10, 0};
    setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  }
  ~RawClient() {
    if (fd_ >= 0) close(fd_);
  }
  bool connected() const { return connected_; }
  // False once the server has closed or reset the connection.
  bool Send(const std::string& bytes) {
    std::size_t sent = 0;
    while (sent < bytes.size()) {
      const ssize_t n = send(fd_, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
      if (n <= 0) return false;
      sent += static_cast<std::size_t>(n);
      sent_total_ += static_cast<std::size_t>(n);
    }
    return true;
  }
  void ShutdownWrite() { shutdown(fd_, SHUT_WR); }
  // The status line and headers, as soon as they arrive.
  std::string ReadHead() {
    std::string out;
    char c;
    while (out.find("\r\n\r\n") == std::string::npos && recv(fd_, &c, 1, 0) == 1) out += c;
    return out;
  }
  // Everything the server sends until it closes (or 10 s pass).
  std::string ReadAll() {
    std::string out;
    char buf[4096];
    while (true) {
      const ssize_t n = recv(fd_, buf, sizeof buf, 0);
      if (n <= 0) break;
      out.append(buf, static_cast<std::size_t>(n));
    }
    return out;
  }
  std::size_t sent_total() const { return sent_total_; }

 private:
  int fd_ = -1;
  bool connected_ = false;
  std::size_t sent_total_ = 0;
};

// The server's peak resident memory, in MiB (VmHWM from /proc).
long PeakMemoryMiB(pid_t pid) {
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(status, line))
    if (line.rfind("VmHWM:", 0) == 0) return std::atol(line.c_str() + 6) / 1024;
  return -1;
}

int StatusOf(const std::string& response) {
  if (response.rfind("HTTP/1.1 ", 0) != 0) return 0;
  return std::atoi(response.c_str() + 9);
}

TEST_CASE("guessing tokens: after 10 failures the address gets 429 without its token being checked, and the block is audited", "[e2e][http][hostile]") {
  TempDir dir;
  Server server(dir);
  REQUIRE(server.port() > 0);
  const std::string good = server.Token("adi", {"admin"});
  CHECK(server.Get("/api/me", good).status == 200);
  int unauthorized = 0, limited = 0;
  std::string retry_after;
  for (int i = 0; i < 25; ++i) {
    HttpReply r = server.Get("/api/me", "sg_" + std::string(63, '0') + std::to_string(i % 10));
    if (r.status == 401) ++unauthorized;
    if (r.status == 429) {
      ++limited;
      retry_after = r.headers["retry-after"];
    }
  }
  CHECK(unauthorized == 10);
  CHECK(limited == 15);
  CHECK_FALSE(retry_after.empty());
  // While blocked, even the right token from that address waits: guessing gains nothing.
  CHECK(server.Get("/api/me", good).status == 429);
  for (int i = 0; i < 50 && CountRows(server.db(), "SELECT COUNT(*) FROM audit_events WHERE event = 'auth_blocked'") < 1; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  CHECK(CountRows(server.db(), "SELECT COUNT(*) FROM audit_events WHERE event = 'auth_blocked' AND case_id IS NULL") == 1);
  CHECK_THAT(Http("GET", server.Url("/metrics")).body, Catch::Contains("siaga_auth_refused_total{reason=\"blocked\"} 16"));
  CHECK(Http("GET", server.Url("/healthz")).status == 200);  // the rest of the server is not blocked
}

TEST_CASE("oversized headers, bytes that are not text, deep JSON and path tricks get their status and store nothing", "[e2e][http][hostile]") {
  TempDir dir;
  Server server(dir);
  REQUIRE(server.port() > 0);
  const std::string token = server.Token("adi", {"admin"});
  const std::vector<std::string> auth = {"Authorization: Bearer " + token, "Content-Type: application/json"};
  const std::int64_t before = CountRows(server.db(), "SELECT COUNT(*) FROM cases");

  SECTION("a 64 KiB header") {
    HttpReply r = Http("GET", server.Url("/api/me"), "", {"Authorization: Bearer " + token, "X-Pad: " + std::string(64 * 1024, 'a')});
    CHECK(r.status >= 400);
    CHECK(r.status < 500);
  }
  SECTION("a body that is not UTF-8") {
    HttpReply r = Http("POST", server.Url("/api/cases"), std::string("{\"procedure\":\"trenggalek/layanan-insiden\",\"title\":\"\xC1\xFF\"}"), auth);
    CHECK(r.status == 400);
  }
  SECTION("a NUL byte in the body") {
    const char raw[] = "{\"procedure\":\"trenggalek/layanan-insiden\",\"title\":\"a\0b\"}";
    HttpReply r = Http("POST", server.Url("/api/cases"), std::string(raw, sizeof raw - 1), auth);
    CHECK(r.status == 400);
  }
  SECTION("JSON nested 10,000 deep") {
    HttpReply r = Http("POST", server.Url("/api/cases"), std::string(10000, '[') + std::string(10000, ']'), auth);
    CHECK(r.status == 400);
  }
  SECTION("names that try to leave their folder") {
    for (const char* path : {"/api/reports/..%2F..%2Fetc%2Fpasswd", "/api/reports/../../etc/passwd", "/api/sops/..%2F..%2Fetc%2Fpasswd",
                             "/api/cases/..%2F1", "/hooks/..%2F..%2Fetc%2Fpasswd"}) {
      INFO(path);
      HttpReply r = Http(std::string(path).rfind("/hooks", 0) == 0 ? "POST" : "GET", server.Url(path), "{}", auth);
      CHECK(r.status >= 400);
      CHECK(r.status < 500);
      CHECK(r.body.find("root:") == std::string::npos);
    }
  }
  CHECK(CountRows(server.db(), "SELECT COUNT(*) FROM cases") == before);
  CHECK(server.Get("/api/me", token).status == 200);
}

TEST_CASE("guessing webhook tokens and signatures counts with the API's failed sign-ins, and is audited", "[e2e][http][hostile]") {
  TempDir dir;
  Server server(dir);
  REQUIRE(server.port() > 0);
  const std::string lines = ReadText(kSourceDir + "/tests/data/webhooks/nuclei.jsonl");
  const std::string secret = server.Secret("wazuh");
  const std::string body = ReadText(kSourceDir + "/tests/data/webhooks/wazuh.json");
  int unauthorized = 0, limited = 0;
  for (int i = 0; i < 8; ++i) {  // guessed feed tokens
    const long status = Http("POST", server.Url("/hooks/nuclei"), lines, {"Authorization: Bearer sg_" + std::string(63, 'f') + std::to_string(i)}).status;
    unauthorized += status == 401;
  }
  for (int i = 0; i < 6; ++i) {  // guessed signature secrets
    const long status = Http("POST", server.Url("/hooks/wazuh"), body, SignedHeaders(std::string(63, 'a') + std::to_string(i), body, NowSeconds())).status;
    unauthorized += status == 401;
    limited += status == 429;
  }
  CHECK(unauthorized == 10);
  CHECK(limited == 4);
  // The right secret waits too, and so does the API from that address.
  CHECK(Http("POST", server.Url("/hooks/wazuh"), body, SignedHeaders(secret, body, NowSeconds())).status == 429);
  CHECK(server.Get("/api/me", server.Token("adi", {"admin"})).status == 429);
  for (int i = 0; i < 50 && CountRows(server.db(), "SELECT COUNT(*) FROM audit_events WHERE event = 'auth_blocked'") < 1; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  CHECK(CountRows(server.db(), "SELECT COUNT(*) FROM audit_events WHERE event = 'auth_blocked' AND detail LIKE '%/hooks/wazuh%'") == 1);
  CHECK(CountRows(server.db(), "SELECT COUNT(*) FROM cases") == 0);
  CHECK_THAT(Http("GET", server.Url("/metrics")).body, Catch::Contains("siaga_webhook_payloads_total{adapter=\"wazuh\",outcome=\"blocked\"} 5"));
}

TEST_CASE("slow-loris: connections that dribble their headers are cut at the request timeout, and the server keeps answering", "[e2e][http][hostile]") {
  TempDir dir;
  Server server(dir, {"--request-timeout-ms", "1500"});  // the helper starts 8 HTTP threads
  REQUIRE(server.port() > 0);
  // Fewer dribblers than threads: every other request is served at once. More dribblers than
  // threads: a request waits at most until the request timeout frees a thread.
  const int dribblers = GENERATE(4, 12);
  const auto bound = dribblers < 8 ? std::chrono::milliseconds(500) : std::chrono::milliseconds(2500);
  INFO(dribblers << " dribbling connections");
  std::vector<std::unique_ptr<RawClient>> slow;
  for (int i = 0; i < dribblers; ++i) {
    slow.push_back(std::make_unique<RawClient>(server.port()));
    REQUIRE(slow.back()->connected());
    slow.back()->Send("GET /healthz HTTP/1.1\r\nHost: x\r\n");
  }
  const auto start = std::chrono::steady_clock::now();
  int served = 0, checks = 0;
  while (std::chrono::steady_clock::now() - start < std::chrono::seconds(4)) {
    for (auto& client : slow) client->Send("X");  // one more header byte; fails once cut
    const auto t0 = std::chrono::steady_clock::now();
    served += Http("GET", server.Url("/healthz")).status == 200 && std::chrono::steady_clock::now() - t0 < bound;
    ++checks;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  CHECK(served == checks);
  // Every dribbler has been cut by now (4 s > 1.5 s): the server has closed its end, so reading
  // returns at once instead of waiting for our 10 s receive timeout.
  for (auto& client : slow) {
    const auto t0 = std::chrono::steady_clock::now();
    const std::string answer = client->ReadAll();
    CHECK(std::chrono::steady_clock::now() - t0 < std::chrono::seconds(2));
    CHECK(answer.find("\"status\":\"ok\"") == std::string::npos);
  }
}

TEST_CASE("a body shorter than its Content-Length is refused and stores nothing", "[e2e][http][hostile]") {
  TempDir dir;
  Server server(dir, {"--request-timeout-ms", "1000"});
  REQUIRE(server.port() > 0);
  const std::string token = server.Token("adi", {"admin"});
  const std::string body = R"({"procedure":"trenggalek/layanan-insiden","title":"potongan"})";
  RawClient client(server.port());
  REQUIRE(client.connected());
  REQUIRE(client.Send("POST /api/cases HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + token +
                      "\r\nContent-Type: application/json\r\nContent-Length: " + std::to_string(body.size() + 100) +
                      "\r\n\r\n" + body));
  client.ShutdownWrite();
  const std::string answer = client.ReadAll();
  CHECK(StatusOf(answer) == 400);
  CHECK_THAT(answer, Catch::Contains("before it was complete"));
  CHECK(CountRows(server.db(), "SELECT COUNT(*) FROM cases") == 0);
  CHECK(server.Get("/api/me", token).status == 200);
}

TEST_CASE("a 100 MB CSV report is refused at the body limit and never held in memory", "[e2e][http][hostile]") {
  TempDir dir;
  Server server(dir);
  REQUIRE(server.port() > 0);
  const std::string secret = server.Secret("shadowserver");
  std::string csv = "timestamp,ip,port,hostname,tag\n";
  const std::string row = "2026-11-30 01:02:03,192.0.2.1,443,host.example.go.id,ssl-poodle\n";
  csv.reserve(100u << 20);
  while (csv.size() < (100u << 20)) csv += row;
  const auto signed_headers = SignedHeaders(secret, csv, NowSeconds());
  auto request_head = [&](const std::string& length_or_chunked) {
    std::string head = "POST /hooks/shadowserver HTTP/1.1\r\nHost: x\r\nContent-Type: text/csv\r\n" + length_or_chunked + "\r\n";
    for (const auto& h : signed_headers) head += h + "\r\n";
    return head + "\r\n";
  };

  const long memory_before = PeakMemoryMiB(server.pid());
  REQUIRE(memory_before > 0);
  SECTION("declared: 413 before the body is read") {
    RawClient client(server.port());
    REQUIRE(client.connected());
    const auto t0 = std::chrono::steady_clock::now();
    client.Send(request_head("Content-Length: " + std::to_string(csv.size())));
    CHECK(StatusOf(client.ReadHead()) == 413);
    CHECK(std::chrono::steady_clock::now() - t0 < std::chrono::seconds(2));
  }
  SECTION("chunked: 413 once the limit is passed; the rest is discarded, never held") {
    RawClient client(server.port());
    REQUIRE(client.connected());
    client.Send(request_head("Transfer-Encoding: chunked"));
    const std::size_t chunk = 1u << 20;
    bool refused = false;
    for (std::size_t at = 0; at < csv.size() && !refused; at += chunk) {
      const std::string piece = csv.substr(at, chunk);
      char size[32];
      std::snprintf(size, sizeof size, "%zx\r\n", piece.size());
      refused = !client.Send(size + piece + "\r\n");
    }
    if (!refused) client.Send("0\r\n\r\n");
    CHECK(StatusOf(client.ReadHead()) == 413);
  }
  // A server that held the body would have grown by 100 MB; it holds at most --max-body (1 MiB).
  const long memory_after = PeakMemoryMiB(server.pid());
  INFO("peak memory " << memory_before << " MiB before, " << memory_after << " MiB after");
  CHECK(memory_after - memory_before < 20);
  CHECK(CountRows(server.db(), "SELECT COUNT(*) FROM cases") == 0);
  CHECK(CountRows(server.db(), "SELECT COUNT(*) FROM inbox") == 0);
  CHECK(Http("GET", server.Url("/healthz")).status == 200);
}

}  // namespace
}  // namespace siaga::test
