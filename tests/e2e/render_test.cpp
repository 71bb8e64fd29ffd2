// siaga render and the rendered SOP over HTTP, against the real binary.
#include <catch2/catch.hpp>

#include <cstdlib>
#include <filesystem>
#include <regex>

#include "http_support.h"

using namespace siaga;
using namespace siaga::test;

namespace {

const std::string kKaltim = "kaltim/gangguan-keamanan-jaringan";

std::string Replace(std::string text, const std::string& from, const std::string& to) {
  const auto at = text.find(from);
  REQUIRE(at != std::string::npos);
  return text.replace(at, from.size(), to);
}

// Runs siaga with PATH pointing nowhere, so no browser can be found.
RunResult RunWithoutBrowsers(const std::vector<std::string>& args) {
  const std::string saved = std::getenv("PATH") != nullptr ? std::getenv("PATH") : "";
  setenv("PATH", "/nonexistent-siaga-test", 1);
  RunResult r = RunSiaga(args);
  setenv("PATH", saved.c_str(), 1);
  return r;
}

}  // namespace

TEST_CASE("cli: siaga render writes the SOP document for an id or a file", "[render][cli]") {
  TempDir dir;
  RunResult r = RunSiaga({"--sop", kSeedDir, "render", kKaltim});
  REQUIRE(r.exit_code == 0);
  CHECK(r.out.rfind("<!DOCTYPE html>", 0) == 0);
  CHECK(r.out.find("data-step=\"cek_laporan\"") != std::string::npos);
  CHECK(r.out.find("size: A4 landscape") != std::string::npos);

  const std::string out = dir / "kaltim.html";
  r = RunSiaga({"--sop", kSeedDir, "render", kSeedDir + "/" + kKaltim + ".lua", "-o", out, "--lang", "en"});
  REQUIRE(r.exit_code == 0);
  const std::string html = ReadText(out);
  CHECK(html.find("<html lang=\"en\">") != std::string::npos);
  CHECK(html.find("data-from=\"cek_hasil\" data-to=\"tindak_lanjut\" data-label=\"belum\"") != std::string::npos);

  CHECK(RunSiaga({"--sop", kSeedDir, "render", "kaltim/tidak-ada"}).exit_code == 3);
  CHECK(RunSiaga({"--sop", kSeedDir, "render", kKaltim, "--lang", "fr"}).exit_code == 1);
  CHECK(RunSiaga({"--sop", kSeedDir, "render"}).exit_code == 2);
  CHECK(RunSiaga({"render", "--help"}).out.find("--pdf") != std::string::npos);
}

TEST_CASE("cli: siaga render --pdf prints through a headless Chromium, or says none is there", "[render][cli][pdf]") {
  TempDir dir;
  const std::string pdf = dir / "kaltim.pdf";
  RunResult missing = RunWithoutBrowsers({"--sop", kSeedDir, "render", kKaltim, "-o", dir / "k.html", "--pdf", pdf});
  CHECK(missing.exit_code == 3);
  CHECK(missing.out.find("headless Chromium") != std::string::npos);
  CHECK_FALSE(std::filesystem::exists(pdf));

  if (!std::filesystem::exists("/usr/bin/chromium")) {
    WARN("chromium is not installed: the PDF itself is not checked");
    return;
  }
  RunResult printed = RunSiaga({"--sop", kSeedDir, "render", kKaltim, "--pdf", pdf});
  INFO(printed.out);
  REQUIRE(printed.exit_code == 0);
  CHECK(ReadText(pdf).rfind("%PDF", 0) == 0);
}

TEST_CASE("http: the SOP document and flowchart, with the current and breached steps", "[render][http]") {
  TempDir dir;
  Server s(dir);
  const std::string admin = s.Token("admin", {"admin"});
  const std::string kabid = s.Token("kabid", {"kabid"});
  const std::string feed = s.Token("zap", {"webhook:zap"});

  HttpReply doc = s.Get("/api/sops/" + kKaltim + "/document", kabid);
  REQUIRE(doc.status == 200);
  CHECK(doc.headers["content-type"].rfind("text/html", 0) == 0);
  CHECK(doc.body.find("<table class=\"identity\">") != std::string::npos);
  CHECK(doc.body.find("data-step=\"tindak_lanjut\"") != std::string::npos);

  HttpReply svg = s.Get("/api/sops/" + kKaltim + "/flowchart.svg?current=cek_hasil&breached=disposisi,konsultasi", admin);
  REQUIRE(svg.status == 200);
  CHECK(svg.headers["content-type"] == "image/svg+xml");
  CHECK(svg.body.rfind("<svg", 0) == 0);
  CHECK(svg.body.find("class=\"step current decision\" data-step=\"cek_hasil\"") != std::string::npos);
  CHECK(svg.body.find("class=\"step breached process\" data-step=\"disposisi\"") != std::string::npos);
  CHECK(svg.body.find("class=\"step breached process\" data-step=\"konsultasi\"") != std::string::npos);

  // The JSON detail is still there for the same path without a trailing rendering segment.
  CHECK(s.Get("/api/sops/" + kKaltim, admin).Json()["id"] == kKaltim);

  CHECK(s.Get("/api/sops/kaltim/tidak-ada/document", admin).status == 404);
  CHECK(s.Get("/api/sops/kaltim/tidak-ada/flowchart.svg", admin).status == 404);
  CHECK(s.Get("/api/sops/" + kKaltim + "/flowchart.svg?version=" + std::string(64, 'a'), admin).status == 404);
  CHECK(s.Get("/api/sops/" + kKaltim + "/flowchart.svg?current=tidak_ada", admin).status == 400);
  CHECK(s.Get("/api/sops/" + kKaltim + "/document?lang=fr", admin).status == 400);
  CHECK(s.Get("/api/sops/" + kKaltim + "/document").status == 401);
  CHECK(s.Get("/api/sops/" + kKaltim + "/document", feed).status == 403);
  CHECK(s.Get("/api/sops/" + kKaltim + "/flowchart.svg", feed).status == 403);
}

TEST_CASE("http: the flowchart of the version a case runs on, after the file changed", "[render][http][versions]") {
  TempDir dir;
  const std::string sop = dir / "sop";
  std::filesystem::copy(kSeedDir, sop, std::filesystem::copy_options::recursive);
  Server s(dir, {"--no-watch"}, kSourceDir + "/webhooks", sop);
  const std::string admin = s.Token("admin", {"admin"});
  const std::string old_hash = s.Get("/api/sops/" + kKaltim, admin).Json()["hash"];
  REQUIRE(old_hash.size() == 64);
  // A case pinned to this version keeps it stored after the file changes.
  REQUIRE(s.Post("/api/cases", {{"procedure", kKaltim}, {"title", "Gangguan uji"}}, admin).status == 201);

  const std::string file = sop + "/" + kKaltim + ".lua";
  const std::string text = ReadText(file);
  std::ofstream(file) << Replace(text, "menerima laporan penyelesaian gangguan\"", "menerima laporan penyelesaian gangguan (revisi 2)\"");
  REQUIRE(s.Post("/api/reload", nlohmann::json::object(), admin).status == 200);
  const std::string new_hash = s.Get("/api/sops/" + kKaltim, admin).Json()["hash"];
  REQUIRE(new_hash != old_hash);

  HttpReply now = s.Get("/api/sops/" + kKaltim + "/flowchart.svg", admin);
  REQUIRE(now.status == 200);
  CHECK(now.body.find("(revisi 2)") != std::string::npos);
  CHECK(now.body.find("data-version=\"" + new_hash + "\"") != std::string::npos);
  HttpReply before = s.Get("/api/sops/" + kKaltim + "/flowchart.svg?version=" + old_hash, admin);
  REQUIRE(before.status == 200);
  CHECK(before.body.find("(revisi 2)") == std::string::npos);
  CHECK(before.body.find("data-version=\"" + old_hash + "\"") != std::string::npos);
}
