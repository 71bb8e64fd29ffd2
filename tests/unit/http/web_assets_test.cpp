// The dashboard's static files: what is served, with which headers, and every path that must
// not leave web/ (the e2e test repeats the traversal tricks through a real socket).
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>

#include "http/web_assets.h"
#include "test_support.h"

using namespace siaga;
using namespace siaga::test;

namespace {

void Write(const std::string& path, const std::string& text) {
  std::filesystem::create_directories(std::filesystem::path(path).parent_path());
  std::ofstream(path, std::ios::binary) << text;
}

HttpRequest Get(const std::string& path) {
  HttpRequest r;
  r.method = "GET";
  r.path = path;
  return r;
}

std::string HeaderOf(const HttpResponse& r, const std::string& name) {
  for (const auto& [k, v] : r.headers)
    if (k == name) return v;
  return "";
}

}  // namespace

TEST_CASE("web assets: index, modules and styles with their content types and security headers", "[http][web]") {
  TempDir dir;
  const std::string web = dir / "web";
  Write(web + "/index.html", "<!doctype html><title>x</title>");
  Write(web + "/app.js", "export const x = 1;");
  Write(web + "/views/case.js", "export {};");
  Write(web + "/style.css", "body{}");
  Write(web + "/i18n.json", "{}");
  WebAssets assets(web);

  SECTION("/ and /index.html are the index") {
    for (const char* path : {"/", "/index.html"}) {
      HttpResponse r = assets.Serve(Get(path));
      CHECK(r.status == 200);
      CHECK(r.content_type == "text/html; charset=utf-8");
      CHECK(r.body == "<!doctype html><title>x</title>");
    }
  }
  SECTION("each type by its extension") {
    CHECK(assets.Serve(Get("/ui/app.js")).content_type == "text/javascript; charset=utf-8");
    CHECK(assets.Serve(Get("/ui/views/case.js")).status == 200);
    CHECK(assets.Serve(Get("/ui/style.css")).content_type == "text/css; charset=utf-8");
    CHECK(assets.Serve(Get("/ui/i18n.json")).content_type == "application/json; charset=utf-8");
  }
  SECTION("a strict CSP, no framing, revalidation with an ETag and 304") {
    HttpResponse r = assets.Serve(Get("/ui/app.js"));
    const std::string csp = HeaderOf(r, "Content-Security-Policy");
    CHECK(csp.find("script-src 'self';") != std::string::npos);
    CHECK(csp.find("default-src 'none'") != std::string::npos);
    CHECK(csp.find("frame-ancestors 'none'") != std::string::npos);
    CHECK(csp.find("unsafe-eval") == std::string::npos);
    // 'unsafe-inline' only for styles (the sandboxed SOP document), never for scripts.
    const std::string scripts = csp.substr(csp.find("script-src"), csp.find(';', csp.find("script-src")) - csp.find("script-src"));
    CHECK(scripts.find("unsafe-inline") == std::string::npos);
    CHECK(HeaderOf(r, "X-Frame-Options") == "DENY");
    CHECK(HeaderOf(r, "Cache-Control") == "no-cache");
    const std::string etag = HeaderOf(r, "ETag");
    REQUIRE(etag.size() > 2);
    HttpRequest again = Get("/ui/app.js");
    again.headers["if-none-match"] = etag;
    HttpResponse cached = assets.Serve(again);
    CHECK(cached.status == 304);
    CHECK(cached.body.empty());
    Write(web + "/app.js", "export const x = 2;");
    CHECK(assets.Serve(again).status == 200);  // changed file, new ETag
  }
}

TEST_CASE("web assets: paths that leave web/ or name hidden, unknown or missing files are 404", "[http][web][security]") {
  TempDir dir;
  const std::string web = dir / "web";
  Write(web + "/index.html", "ok");
  Write(web + "/.env", "SECRET=1");
  Write(web + "/notes.lua", "return {}");
  Write(dir / "secret.txt", "outside");
  std::filesystem::create_symlink(dir / "secret.txt", web + "/link.txt");
  std::filesystem::create_directories(web + "/sub");
  WebAssets assets(web);

  for (const char* path : {"/ui/../secret.txt", "/ui/sub/../../secret.txt", "/ui/..", "/ui/%2e%2e/secret.txt", "/ui/..%2fsecret.txt",
                           "/ui/.env", "/ui/sub/", "/ui/sub", "/ui//index.html", "/ui/", "/ui/notes.lua", "/ui/link.txt",
                           "/ui/..\\secret.txt", "/ui/index.html\\", "/ui/nope.js", "/ui/index.html%00.js",
                           "/ui/./index.html", "/ui/" /* directory listing */}) {
    CAPTURE(path);
    HttpResponse r = assets.Serve(Get(path));
    CHECK(r.status == 404);
    CHECK(r.body.find("outside") == std::string::npos);
    CHECK(r.body.find("SECRET") == std::string::npos);
  }
  std::string nul_path = "/ui/index.html";
  nul_path += '\0';
  nul_path += ".js";
  CHECK(assets.Serve(Get(nul_path)).status == 404);
  CHECK(WebAssets::Claims("/ui/x.js"));
  CHECK(WebAssets::Claims("/"));
  CHECK_FALSE(WebAssets::Claims("/api/me"));
  CHECK_FALSE(WebAssets::Claims("/hooks/generic"));
}

TEST_CASE("web assets: without a web folder the dashboard answers 404 with a hint", "[http][web]") {
  WebAssets none("");
  HttpResponse r = none.Serve(Get("/"));
  CHECK(r.status == 404);
  CHECK(r.body.find("--web") != std::string::npos);
  WebAssets missing("/nonexistent/siaga-web");
  CHECK(missing.Serve(Get("/ui/app.js")).status == 404);
}
