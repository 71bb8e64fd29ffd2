// POST /hooks/{adapter} against the real server: every shipped adapter on its sample payload,
// duplicates, each kind of bad request, held payloads and their reprocessing, a stuck adapter,
// rate limits, and kill -9 right after the 202.
#include <catch2/catch.hpp>

#include "http_support.h"

using namespace siaga;
using namespace siaga::test;

namespace {

struct Feed {
  std::string adapter, sample, auth;
  int accepted, ignored;
};

// What webhooks/routes.lua does with each sample (nuclei's info finding is ignored).
const std::vector<Feed> kFeeds = {
    {"generic", "generic.json", "hmac", 2, 0},  {"wazuh", "wazuh.json", "hmac", 1, 0},
    {"misp", "misp.json", "token", 1, 0},       {"nuclei", "nuclei.jsonl", "token", 2, 1},
    {"zap", "zap.json", "hmac", 3, 0},          {"shadowserver", "shadowserver.csv", "hmac", 3, 0},
};

std::string Sample(const std::string& name) { return ReadText(kSourceDir + "/tests/data/webhooks/" + name); }

// Credentials for every feed, made with the CLI.
std::map<std::string, std::string> Credentials(const Server& s) {
  std::map<std::string, std::string> c;
  for (const Feed& f : kFeeds) c[f.adapter] = f.auth == "token" ? s.Token(f.adapter + "-sensor", {"webhook:" + f.adapter}) : s.Secret(f.adapter);
  return c;
}

HttpReply Send(const Server& s, const Feed& f, const std::string& credential, const std::string& body) {
  std::vector<std::string> headers = {"Content-Type: application/octet-stream"};
  if (f.auth == "token") {
    headers.push_back("Authorization: Bearer " + credential);
  } else {
    for (auto& h : SignedHeaders(credential, body, NowSeconds())) headers.push_back(h);
  }
  return Http("POST", s.Url("/hooks/" + f.adapter), body, headers);
}

}  // namespace

TEST_CASE("http: every adapter opens cases from its sample, and re-sending opens none", "[http][webhooks]") {
  TempDir dir;
  Server s(dir);
  REQUIRE(s.port() > 0);
  auto creds = Credentials(s);
  const std::string admin = s.Token("admin", {"admin"});
  int total = 0;
  for (const Feed& f : kFeeds) {
    INFO(f.adapter);
    HttpReply r = Send(s, f, creds[f.adapter], Sample(f.sample));
    INFO(r.body);
    REQUIRE(r.status == 202);
    auto j = r.Json();
    CHECK(j["state"] == "processed");
    CHECK(j["accepted"] == f.accepted);
    CHECK(j["ignored"] == f.ignored);
    CHECK(j["duplicates"] == 0);
    REQUIRE(j["cases"].size() == static_cast<std::size_t>(f.accepted));
    total += f.accepted;

    // The case carries what the adapter mapped, and the raw item as evidence.
    HttpReply shown = s.Get("/api/cases/" + std::to_string(j["cases"][0].get<int>()), admin);
    REQUIRE(shown.status == 200);
    auto c = shown.Json();
    CHECK(c["case"]["fields"]["adapter"] == f.adapter);
    CHECK(c["case"]["fields"].contains("severity"));
    CHECK(c["case"]["fields"].contains("source"));
    CHECK(c["case"]["fields"].contains("source_ref"));
    CHECK(c["case"]["fields"].contains("asset"));
    REQUIRE(c["evidence"].size() == 1);
    HttpReply evidence = s.Get("/api/cases/" + std::to_string(j["cases"][0].get<int>()) + "/evidence/" +
                               std::to_string(c["evidence"][0]["id"].get<int>()), admin);
    CHECK(evidence.status == 200);
    CHECK(evidence.headers["x-siaga-sha256"] == c["evidence"][0]["sha256"]);

    HttpReply again = Send(s, f, creds[f.adapter], Sample(f.sample));
    REQUIRE(again.status == 202);
    CHECK(again.Json()["accepted"] == 0);
    CHECK(again.Json()["duplicates"] == f.accepted);
    CHECK(again.Json()["cases"] == j["cases"]);
  }
  CHECK(CountRows(s.db(), "SELECT COUNT(*) FROM cases") == total);
  CHECK(CountRows(s.db(), "SELECT COUNT(*) FROM inbox WHERE state = 'processed'") == 2 * static_cast<int>(kFeeds.size()));
  CHECK(CountRows(s.db(), "SELECT COUNT(*) FROM audit_events WHERE event = 'duplicate_received'") == total);
}

TEST_CASE("http: bad webhook requests get their status and change nothing", "[http][webhooks]") {
  TempDir dir;
  Server s(dir);
  REQUIRE(s.port() > 0);
  const std::string secret = s.Secret("wazuh");
  const std::string nuclei = s.Token("nuclei-sensor", {"webhook:nuclei"});
  const std::string other = s.Token("misp-sensor", {"webhook:misp"});
  const std::string body = Sample("wazuh.json");
  const std::string url = s.Url("/hooks/wazuh");
  auto stored = [&] {
    return std::make_pair(CountRows(s.db(), "SELECT COUNT(*) FROM cases"), CountRows(s.db(), "SELECT COUNT(*) FROM inbox"));
  };
  const auto before = stored();

  SECTION("a signature over another body") {
    HttpReply r = Http("POST", url, body, SignedHeaders(secret, body + " ", NowSeconds()));
    CHECK(r.status == 401);
    CHECK(r.Json()["error"]["field"] == "X-Siaga-Signature");
  }
  SECTION("a signature with the wrong secret") {
    CHECK(Http("POST", url, body, SignedHeaders(std::string(64, 'a'), body, NowSeconds())).status == 401);
  }
  SECTION("an expired timestamp (a replay)") {
    HttpReply r = Http("POST", url, body, SignedHeaders(secret, body, NowSeconds() - 3600));
    CHECK(r.status == 401);
    CHECK(r.Json()["error"]["field"] == "X-Siaga-Timestamp");
  }
  SECTION("no signature at all") { CHECK(Http("POST", url, body).status == 401); }
  SECTION("an oversized body, declared or chunked") {
    const std::string big(2 << 20, 'x');
    HttpReply r = Http("POST", url, big, SignedHeaders(secret, big, NowSeconds()));
    CHECK(r.status == 413);
    HttpReply chunked = Http("POST", url, big, {"Transfer-Encoding: chunked"});
    CHECK(chunked.status == 413);
  }
  SECTION("malformed JSON") {
    const std::string bad = R"({"rule": {"level": 10)";
    HttpReply r = Http("POST", url, bad, SignedHeaders(secret, bad, NowSeconds()));
    CHECK(r.status == 400);
    CHECK(r.Json()["error"]["field"] == "body");
  }
  SECTION("JSON without what the adapter needs") {
    const std::string bad = Sample("bad/wazuh-no-rule.json");
    HttpReply r = Http("POST", url, bad, SignedHeaders(secret, bad, NowSeconds()));
    CHECK(r.status == 400);
    CHECK(r.Json()["error"]["field"] == "rule");
  }
  SECTION("malformed CSV") {
    const std::string shadow = s.Secret("shadowserver");
    const std::string bad = "timestamp,ip,port\n\"2026-11-30,192.0.2.1,80\n";
    HttpReply r = Http("POST", s.Url("/hooks/shadowserver"), bad, SignedHeaders(shadow, bad, NowSeconds()));
    CHECK(r.status == 400);
    CHECK_THAT(r.Json()["error"]["message"].get<std::string>(), Catch::Contains("CSV"));
  }
  SECTION("malformed JSON lines") {
    HttpReply r = Http("POST", s.Url("/hooks/nuclei"), "{\"a\":1}\n{oops\n", {"Authorization: Bearer " + nuclei});
    CHECK(r.status == 400);
    CHECK(r.Json()["error"]["field"] == "line 2");
  }
  SECTION("an unknown adapter") {
    HttpReply r = Http("POST", s.Url("/hooks/splunk"), body, SignedHeaders(secret, body, NowSeconds()));
    CHECK(r.status == 404);
    CHECK(r.Json()["error"]["field"] == "adapter");
    CHECK(Http("POST", s.Url("/hooks/..%2Fetc"), body).status == 404);
  }
  SECTION("a token for another feed, or none") {
    const std::string lines = Sample("nuclei.jsonl");
    CHECK(Http("POST", s.Url("/hooks/nuclei"), lines, {"Authorization: Bearer " + other}).status == 403);
    CHECK(Http("POST", s.Url("/hooks/nuclei"), lines, {"Authorization: Bearer sg_" + std::string(64, '0')}).status == 401);
    CHECK(Http("POST", s.Url("/hooks/nuclei"), lines).status == 401);
  }
  SECTION("a GET on a webhook") { CHECK(Http("GET", url).status == 405); }
  CHECK(stored() == before);
}

TEST_CASE("http: a failing or stuck adapter holds the payload, reprocessing after the fix opens the case", "[http][webhooks]") {
  TempDir dir;
  const std::string hooks = dir / "webhooks";
  WriteFile(hooks + "/routes.lua", R"(routes { { procedure = "surakarta/layanan-keamanan-informasi" } })");
  WriteFile(hooks + "/flaky.lua", R"(adapter { title = "flaky", format = "json", auth = "token",
    parse = function(p) return p.missing.field end })");
  WriteFile(hooks + "/stuck.lua", R"(adapter { title = "stuck", format = "json", auth = "token",
    parse = function(p) for i = 1, 50 do string.find(string.rep("a", 840), ".-.-x") end return {} end })");
  Server s(dir, {"--adapter-timeout-ms", "1000", "--adapter-workers", "1"}, hooks);
  REQUIRE(s.port() > 0);
  const std::string feed = s.Token("sensor", {"webhook:flaky", "webhook:stuck"});
  const std::string admin = s.Token("admin", {"admin"});
  const std::string body = R"({"title": "Defacement", "id": 7})";

  HttpReply held = Http("POST", s.Url("/hooks/flaky"), body, {"Authorization: Bearer " + feed});
  REQUIRE(held.status == 202);
  CHECK(held.Json()["state"] == "held");
  CHECK(held.Json()["accepted"] == 0);
  CHECK(held.body.find("flaky.lua") == std::string::npos);  // script details stay in the log
  const int inbox = held.Json()["inbox_id"];

  HttpReply stuck = Http("POST", s.Url("/hooks/stuck"), body, {"Authorization: Bearer " + feed});
  REQUIRE(stuck.status == 202);
  CHECK(stuck.Json()["state"] == "held");

  HttpReply list = s.Get("/api/inbox", admin);
  REQUIRE(list.status == 200);
  CHECK(list.Json()["inbox"].size() == 2);
  CHECK_THAT(list.Json()["inbox"][0]["error"].get<std::string>(), Catch::Contains("killed"));
  CHECK(s.Get("/api/inbox", s.Token("analis", {"analis"})).status == 403);

  WriteFile(hooks + "/flaky.lua", R"(adapter { title = "flaky", format = "json", auth = "token",
    parse = function(p) return { { title = p.title, severity = "high", source = "flaky", source_ref = tostring(p.id) } } end })");
  HttpReply again = Http("POST", s.Url("/api/inbox/" + std::to_string(inbox) + "/reprocess"), "", {"Authorization: Bearer " + admin});
  INFO(again.body);
  REQUIRE(again.status == 200);
  CHECK(again.Json()["state"] == "processed");
  CHECK(again.Json()["accepted"] == 1);
  CHECK(Http("POST", s.Url("/api/inbox/" + std::to_string(inbox) + "/reprocess"), "", {"Authorization: Bearer " + admin}).status == 409);
  CHECK(CountRows(s.db(), "SELECT COUNT(*) FROM cases WHERE title = 'Defacement'") == 1);
  HttpReply metrics = Http("GET", s.Url("/metrics"));
  CHECK_THAT(metrics.body, Catch::Contains("siaga_adapter_timeouts_total 1"));
  CHECK_THAT(metrics.body, Catch::Contains("siaga_inbox_held 1"));
}

TEST_CASE("http: a sender over the rate limit gets 429 with Retry-After", "[http][webhooks]") {
  TempDir dir;
  Server s(dir, {"--rate", "1", "--burst", "3"});
  REQUIRE(s.port() > 0);
  const std::string feed = s.Token("sensor", {"webhook:nuclei"});
  const std::string lines = Sample("nuclei.jsonl");
  std::vector<long> statuses;
  for (int i = 0; i < 5; ++i) statuses.push_back(Http("POST", s.Url("/hooks/nuclei"), lines, {"Authorization: Bearer " + feed}).status);
  CHECK(statuses == std::vector<long>{202, 202, 202, 429, 429});
  HttpReply limited = Http("POST", s.Url("/hooks/nuclei"), lines, {"Authorization: Bearer " + feed});
  CHECK(limited.status == 429);
  CHECK(limited.headers.count("retry-after") == 1);
}

TEST_CASE("http: a webhook answered 202 survives kill -9 right after the answer", "[http][webhooks][crash]") {
  TempDir dir;
  Server s(dir);
  REQUIRE(s.port() > 0);
  const std::string secret = s.Secret("generic");
  int acked = 0;
  for (int round = 0; round < 5; ++round) {
    for (int i = 0; i < 6; ++i) {
      const std::string body = nlohmann::json{{"findings", {{{"id", "k" + std::to_string(round) + "-" + std::to_string(i)},
                                                              {"title", "Defacement " + std::to_string(acked)},
                                                              {"severity", "high"}, {"asset", "desa.go.id"}}}}, {"source", "uji"}}
                                   .dump();
      HttpReply r = Http("POST", s.Url("/hooks/generic"), body, SignedHeaders(secret, body, NowSeconds()));
      INFO(r.body);
      REQUIRE(r.status == 202);
      ++acked;
    }
    s.Kill();  // no graceful anything
    CHECK(CountRows(s.db(), "SELECT COUNT(*) FROM cases") == acked);
    CHECK(CountRows(s.db(), "SELECT COUNT(*) FROM inbox") == acked);
    s.Start();
    REQUIRE(s.port() > 0);
  }
  const std::string admin = s.Token("admin", {"admin"});
  HttpReply list = s.Get("/api/cases?limit=1000", admin);
  REQUIRE(list.status == 200);
  CHECK(list.Json()["cases"].size() == static_cast<std::size_t>(acked));
}
