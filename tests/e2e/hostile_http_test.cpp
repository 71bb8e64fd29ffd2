// Hostile HTTP against the real server: token guessing, oversized headers, bytes that are not
// text, deep JSON and names that try to leave their folder. Each gets its status, nothing is
// stored, and the server keeps serving.
#include <catch2/catch.hpp>

#include "e2e/http_support.h"

namespace siaga::test {
namespace {

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

}  // namespace
}  // namespace siaga::test
