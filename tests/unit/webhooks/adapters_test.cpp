// The shipped adapters on the shipped sample payloads (tests/data/webhooks), in-process.
#include <catch2/catch.hpp>

#include <fstream>
#include <sstream>

#include "test_support.h"
#include "webhooks/adapter.h"
#include "webhooks/intake.h"

using namespace siaga;
using siaga::test::kSourceDir;

namespace {

std::string Read(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

std::unique_ptr<AdapterScript> LoadShipped(const std::string& name) {
  auto script = AdapterScript::LoadFromFolder(kSourceDir + "/webhooks", name);
  INFO(script.status().message());
  REQUIRE(script.ok());
  return std::move(*script);
}

std::vector<CaseDraft> Drafts(const std::string& adapter, const std::string& sample) {
  auto script = LoadShipped(adapter);
  const std::string body = Read(kSourceDir + "/tests/data/webhooks/" + sample);
  REQUIRE_FALSE(body.empty());
  auto out = script->Run(body, {{"adapter", adapter}, {"received_at", 1796000000}, {"sender", "test"}});
  INFO(out.status().message());
  REQUIRE(out.ok());
  auto drafts = ValidateDrafts(*out, adapter, body, PayloadMediaType(script->info().format));
  INFO(drafts.status().message());
  REQUIRE(drafts.ok());
  return *drafts;
}

}  // namespace

TEST_CASE("every shipped adapter loads and declares its format and authentication", "[adapters]") {
  AdapterSet set = LoadAdapters(kSourceDir + "/webhooks");
  CHECK(set.errors.empty());
  for (const char* name : {"generic", "wazuh", "misp", "nuclei", "zap", "shadowserver"}) {
    INFO(name);
    REQUIRE(set.adapters.count(name) == 1);
    CHECK_FALSE(set.adapters[name]->info().title.empty());
  }
  CHECK(set.adapters["nuclei"]->info().format == PayloadFormat::kJsonLines);
  CHECK(set.adapters["shadowserver"]->info().format == PayloadFormat::kCsv);
  CHECK(set.adapters["wazuh"]->info().auth == HookAuth::kHmac);
}

TEST_CASE("the shipped adapters map each sample to drafts with title, severity, asset, source and reference", "[adapters]") {
  auto wazuh = Drafts("wazuh", "wazuh.json");
  REQUIRE(wazuh.size() == 1);
  CHECK(wazuh[0].source == "wazuh");
  CHECK(wazuh[0].severity == "high");
  CHECK_FALSE(wazuh[0].asset.empty());
  CHECK(wazuh[0].dedupe_key.rfind("wazuh:", 0) == 0);
  CHECK(wazuh[0].occurred_at.has_value());

  auto misp = Drafts("misp", "misp.json");
  REQUIRE(misp.size() == 1);
  CHECK(misp[0].tlp == "AMBER");
  CHECK(misp[0].dedupe_key.rfind("misp:", 0) == 0);

  auto nuclei = Drafts("nuclei", "nuclei.jsonl");
  REQUIRE(nuclei.size() == 3);
  CHECK(nuclei[0].severity == "critical");

  auto zap = Drafts("zap", "zap.json");
  REQUIRE(zap.size() == 3);  // the informational alert is skipped; one alert has two instances
  CHECK(zap[0].severity == "high");

  auto shadow = Drafts("shadowserver", "shadowserver.csv");
  REQUIRE(shadow.size() == 3);
  for (const auto& d : shadow) {
    CHECK_FALSE(d.asset.empty());
    CHECK(d.source == "shadowserver");
  }
  // One finding per row: distinct keys, so one CSV opens three cases.
  CHECK(shadow[0].dedupe_key != shadow[1].dedupe_key);

  auto generic = Drafts("generic", "generic.json");
  REQUIRE(generic.size() == 2);
  for (const auto& all : {wazuh, misp, nuclei, zap, shadow, generic})
    for (const auto& d : all) {
      CHECK_FALSE(d.title.empty());
      CHECK_FALSE(d.evidence.empty());
      CHECK_FALSE(d.source_ref.empty());
    }
}

TEST_CASE("the shipped adapters reject bad samples naming the field", "[adapters]") {
  const std::vector<std::tuple<std::string, std::string, std::string>> bad = {
      {"wazuh", "bad/wazuh-no-rule.json", "rule"},
      {"zap", "bad/zap-no-site.json", "site"},
      {"shadowserver", "bad/shadowserver-no-ip.csv", "ip"},
      {"misp", "bad/misp-no-event.json", "Event"},
  };
  for (const auto& [adapter, sample, field] : bad) {
    INFO(adapter << " " << sample);
    auto script = LoadShipped(adapter);
    auto out = script->Run(Read(kSourceDir + "/tests/data/webhooks/" + sample), {{"adapter", adapter}, {"received_at", 0}, {"sender", "t"}});
    REQUIRE_FALSE(out.ok());
    CHECK(out.status().code() == StatusCode::kInvalidArgument);
    CHECK(out.status().field() == field);
  }
}

TEST_CASE("an adapter's own failures are script errors, not rejections", "[adapters]") {
  auto script = AdapterScript::Load("broken", R"(
    adapter { title = "t", format = "json", auth = "token", parse = function(p) return p.missing.field end }
  )", "broken.lua");
  REQUIRE(script.ok());
  auto out = (*script)->Run("{}", nlohmann::json::object());
  REQUIRE_FALSE(out.ok());
  CHECK(out.status().code() == StatusCode::kScriptError);

  auto no_parse = AdapterScript::Load("x", R"(adapter { title = "t", format = "json" })", "x.lua");
  REQUIRE_FALSE(no_parse.ok());
  CHECK_THAT(no_parse.status().message(), Catch::Contains("parse"));
  auto bad_format = AdapterScript::Load("x", R"(adapter { title = "t", format = "xml", parse = function() end })", "x.lua");
  REQUIRE_FALSE(bad_format.ok());
  CHECK_THAT(bad_format.status().message(), Catch::Contains("json, jsonl or csv"));
  auto undeclared = AdapterScript::Load("x", "return 1", "x.lua");
  REQUIRE_FALSE(undeclared.ok());
}
