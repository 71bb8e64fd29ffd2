#include <catch2/catch.hpp>

#include "webhooks/intake.h"

using namespace siaga;

namespace {

nlohmann::json Draft() {
  return {{"title", "SQL injection"}, {"severity", "high"}, {"source", "zap"}, {"asset", "https://a.go.id"},
          {"source_ref", "40018"}, {"evidence", {{"alert", "SQL injection"}}}};
}

Routes ParseRoutes(const std::string& text) {
  auto routes = Routes::Parse(text, "routes.lua");
  INFO(routes.status().message());
  REQUIRE(routes.ok());
  return *routes;
}

}  // namespace

TEST_CASE("drafts are checked field by field and named when wrong", "[intake]") {
  auto ok = ValidateDrafts(nlohmann::json::array({Draft()}), "zap", "{}", "application/json");
  REQUIRE(ok.ok());
  CHECK((*ok)[0].tlp == "AMBER");
  CHECK((*ok)[0].evidence_media_type == "application/json");
  CHECK((*ok)[0].dedupe_key.rfind("zap:sha256:", 0) == 0);  // no key given: the evidence's hash

  auto check = [](nlohmann::json d, const std::string& field) {
    auto r = ValidateDrafts(nlohmann::json::array({d}), "zap", "{}", "application/json");
    REQUIRE_FALSE(r.ok());
    CHECK(r.status().field() == field);
  };
  auto d = Draft();
  d["severity"] = "urgent";
  check(d, "drafts[1].severity");
  d = Draft();
  d.erase("title");
  check(d, "drafts[1].title");
  d = Draft();
  d["fields"] = {{"severity", "low"}};
  check(d, "drafts[1].fields.severity");
  d = Draft();
  d["fields"] = {{"nested", {{"a", 1}}}};
  check(d, "drafts[1].fields.nested");
  d = Draft();
  d["colour"] = "red";
  check(d, "drafts[1].colour");
  d = Draft();
  d["occurred_at"] = "last tuesday";
  check(d, "drafts[1].occurred_at");
  d = Draft();
  d["tlp"] = "PURPLE";
  check(d, "drafts[1].tlp");
  auto not_list = ValidateDrafts(nlohmann::json::object({{"a", 1}}), "zap", "{}", "application/json");
  REQUIRE_FALSE(not_list.ok());
  CHECK(not_list.status().field() == "drafts");
}

TEST_CASE("routes send drafts to procedures in order, or set them aside", "[intake]") {
  Routes routes = ParseRoutes(R"(routes {
    { severity = "info", ignore = true },
    { adapter = { "zap", "nuclei" }, procedure = "surakarta/layanan-keamanan-informasi" },
    { procedure = "trenggalek/layanan-insiden" },
  })");
  CHECK(routes.Route("zap", "info", "zap")->ignore);
  CHECK(routes.Route("zap", "high", "zap")->procedure == "surakarta/layanan-keamanan-informasi");
  CHECK(routes.Route("wazuh", "high", "wazuh")->procedure == "trenggalek/layanan-insiden");

  Routes none = ParseRoutes(R"(routes { { adapter = "zap", procedure = "p" } })");
  CHECK_FALSE(none.Route("wazuh", "high", "wazuh").has_value());

  auto bad = Routes::Parse(R"(routes { { adapter = "zap" } })", "routes.lua");
  REQUIRE_FALSE(bad.ok());
  CHECK_THAT(bad.status().message(), Catch::Contains("exactly one of procedure"));
  auto unknown = Routes::Parse(R"(routes { { adaptor = "zap", procedure = "p" } })", "routes.lua");
  REQUIRE_FALSE(unknown.ok());
  CHECK_THAT(unknown.status().message(), Catch::Contains("unknown key"));
  // Found by fuzz_routes (tests/fuzz/regressions/routes/): a non-boolean `ignore` threw out of
  // Parse, so a typo in routes.lua ended the server on its next reload.
  for (const char* ignore : {"{}", "\"ya\"", "1"}) {
    auto typo = Routes::Parse(std::string("routes { { severity = \"info\", ignore = ") + ignore + " } }", "routes.lua");
    INFO(ignore);
    REQUIRE_FALSE(typo.ok());
    CHECK(typo.status().field() == "routes.lua: rule 1.ignore");
    CHECK_THAT(typo.status().message(), Catch::Contains("true or false"));
  }
}

TEST_CASE("an ingest request opens routed drafts and holds the payload when one has no route", "[intake]") {
  Routes routes = ParseRoutes(R"(routes { { severity = "low", ignore = true }, { adapter = "zap", procedure = "p/q" } })");
  auto low = Draft();
  low["severity"] = "low";
  const nlohmann::json out = nlohmann::json::array({Draft(), low});
  IngestRequest r = MakeIngest(out, "zap", "192.0.2.1", "application/json", "{}", routes);
  CHECK(r.error.empty());
  CHECK(r.ignored == 1);
  REQUIRE(r.opens.size() == 1);
  CHECK(r.opens[0].procedure_id == "p/q");
  CHECK(r.opens[0].fields["severity"] == "high");
  CHECK(r.opens[0].fields["asset"] == "https://a.go.id");
  CHECK(r.opens[0].evidence_name == "payload.json");

  IngestRequest unrouted = MakeIngest(out, "wazuh", "s", "application/json", "{}", routes);
  CHECK_THAT(unrouted.error, Catch::Contains("no rule of webhooks/routes.lua"));

  IngestRequest failed = MakeIngest(Result<nlohmann::json>(ScriptError("boom")), "zap", "s", "application/json", "{}", routes);
  CHECK(failed.error == "boom");
  CHECK(failed.opens.empty());
  CHECK(failed.body == "{}");

  auto bad = Draft();
  bad["severity"] = 3;
  IngestRequest bad_draft = MakeIngest(nlohmann::json::array({bad}), "zap", "s", "application/json", "{}", routes);
  CHECK_THAT(bad_draft.error, Catch::Contains("returned a bad draft"));
}
