#include <catch2/catch.hpp>

#include "webhooks/payload.h"

using namespace siaga;

TEST_CASE("JSON payloads decode, and malformed or hostile ones name the place at fault", "[payload]") {
  auto ok = DecodePayload(PayloadFormat::kJson, R"({"rule": {"level": 10}})");
  REQUIRE(ok.ok());
  CHECK((*ok)["rule"]["level"] == 10);

  auto bad = DecodePayload(PayloadFormat::kJson, R"({"rule": )");
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.status().code() == StatusCode::kInvalidArgument);
  CHECK(bad.status().field() == "body");
  CHECK_THAT(bad.status().message(), Catch::Contains("malformed JSON"));

  const std::string deep = std::string(100, '[') + std::string(100, ']');
  auto too_deep = DecodePayload(PayloadFormat::kJson, deep);
  REQUIRE_FALSE(too_deep.ok());
  CHECK_THAT(too_deep.status().message(), Catch::Contains("deeper than 64"));

  PayloadLimits small;
  small.max_elements = 10;
  auto too_many = DecodePayload(PayloadFormat::kJson, "[1,2,3,4,5,6,7,8,9,10,11,12]", small);
  REQUIRE_FALSE(too_many.ok());
  CHECK_THAT(too_many.status().message(), Catch::Contains("more than 10 values"));

  auto empty = DecodePayload(PayloadFormat::kJson, "");
  REQUIRE_FALSE(empty.ok());
  CHECK(empty.status().field() == "body");
}

TEST_CASE("JSON lines decode one document per line and name a bad line", "[payload]") {
  auto docs = DecodePayload(PayloadFormat::kJsonLines, "{\"a\":1}\n\n{\"a\":2}\r\n");
  REQUIRE(docs.ok());
  REQUIRE(docs->size() == 2);
  CHECK((*docs)[1]["a"] == 2);
  auto bad = DecodePayload(PayloadFormat::kJsonLines, "{\"a\":1}\n{\"a\":\n");
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.status().field() == "line 2");
  auto none = DecodePayload(PayloadFormat::kJsonLines, "\n\n");
  REQUIRE(none.ok());
  CHECK(none->empty());
}

TEST_CASE("CSV reports decode to rows keyed by the header, RFC 4180 quoting included", "[payload]") {
  const std::string csv =
      "\xEF\xBB\xBF\"timestamp\", ip ,port,tag\r\n"
      "\"2026-11-30 00:01:02\",192.0.2.10,3389,\"rdp,\"\"exposed\"\"\"\n"
      "\n"
      "2026-11-30 00:01:03,192.0.2.11,23,\"tel\nnet\"\n";
  auto rows = DecodePayload(PayloadFormat::kCsv, csv);
  REQUIRE(rows.ok());
  REQUIRE(rows->size() == 2);
  CHECK((*rows)[0]["timestamp"] == "2026-11-30 00:01:02");
  CHECK((*rows)[0]["ip"] == "192.0.2.10");
  CHECK((*rows)[0]["tag"] == "rdp,\"exposed\"");
  CHECK((*rows)[1]["tag"] == "tel\nnet");
  CHECK((*rows)[1]["port"] == "23");

  SECTION("a row with the wrong number of fields names its line") {
    auto bad = DecodePayload(PayloadFormat::kCsv, "a,b\n1,2\n3\n");
    REQUIRE_FALSE(bad.ok());
    CHECK(bad.status().field() == "line 3");
  }
  SECTION("an unclosed quote is malformed") {
    auto bad = DecodePayload(PayloadFormat::kCsv, "a,b\n\"1,2\n");
    REQUIRE_FALSE(bad.ok());
    CHECK_THAT(bad.status().message(), Catch::Contains("not closed"));
  }
  SECTION("text after a closing quote is malformed") {
    auto bad = DecodePayload(PayloadFormat::kCsv, "a,b\n\"1\"x,2\n");
    REQUIRE_FALSE(bad.ok());
    CHECK_THAT(bad.status().message(), Catch::Contains("after a closing quote"));
  }
  SECTION("a header column without a name is refused") {
    auto bad = DecodePayload(PayloadFormat::kCsv, "a,,c\n1,2,3\n");
    REQUIRE_FALSE(bad.ok());
    CHECK(bad.status().field() == "header");
  }
  SECTION("row limits hold") {
    PayloadLimits small;
    small.max_records = 2;
    auto bad = DecodePayload(PayloadFormat::kCsv, "a\n1\n2\n3\n", small);
    REQUIRE_FALSE(bad.ok());
    CHECK_THAT(bad.status().message(), Catch::Contains("more than 2 rows"));
  }
}

// Found by fuzz_payload and fuzz_adapter (tests/fuzz/regressions/payload/, .../adapter/): a CSV
// cell with a byte that is not UTF-8 decoded fine, reached the shadowserver adapter's drafts, and
// every later dump() of them threw json type_error 316.
TEST_CASE("CSV reports must be UTF-8, and the bad line is named", "[payload][fuzz]") {
  auto ok = DecodePayload(PayloadFormat::kCsv, "ip,kota\n10.0.0.1,Tanjung Selor \xE2\x80\x93 Kaltara\n");
  REQUIRE(ok.ok());
  CHECK((*ok)[0]["kota"].dump().size() > 0);
  for (const char* bad : {"ip,kota\n10.0.0.1,\xFF\n", "ip,kota\n10.0.0.1,\xC0\x80\n", "ip,kota\n10.0.0.1,\xED\xA0\x80\n",
                          "ip,kota\n10.0.0.1,\xE2\x80\n", "ip,kota\n10.0.0.1,\xF4\x90\x80\x80\n"}) {
    auto r = DecodePayload(PayloadFormat::kCsv, bad);
    REQUIRE_FALSE(r.ok());
    CHECK(r.status().field() == "line 2");
  }
  CHECK(FirstInvalidUtf8("a\xF0\x9F\x98\x80z") == std::nullopt);
  CHECK(FirstInvalidUtf8("ab\xF0\x9F\x98") == std::optional<std::size_t>(2));
}

// Found by fuzz_payload and fuzz_intake (tests/fuzz/regressions/payload/, .../intake/): a number
// beyond a double threw json out_of_range 406, which nothing caught: the adapter worker (or
// `siaga hook test`) died instead of answering 400.
TEST_CASE("a JSON number too large for a double is a bad body, not an exception", "[payload][fuzz]") {
  for (const char* body : {R"({"source": 1e309})", "-1e400", R"([1, 2, 31e3093])"}) {
    INFO(body);
    auto r = DecodePayload(PayloadFormat::kJson, body);
    REQUIRE_FALSE(r.ok());
    CHECK(r.status().field() == "body");
    CHECK_THAT(r.status().message(), Catch::Contains("1e"));
  }
  auto lines = DecodePayload(PayloadFormat::kJsonLines, "{\"a\": 1}\n{\"b\": 1e999}\n");
  REQUIRE_FALSE(lines.ok());
  CHECK(lines.status().field() == "line 2");
}
