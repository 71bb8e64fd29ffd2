// The operators' dashboard: static files from the repository's web/ folder, served at "/"
// (index.html) and "/ui/<file>". Only files whose path is made of plain names ([A-Za-z0-9._-],
// no leading dot) and whose extension has a known content type are served; the resolved file
// must lie inside the root after symlinks are followed. No directory listing, no server-side
// code. Every answer carries the dashboard's Content-Security-Policy (no inline script).
#pragma once

#include <optional>
#include <string>

#include "http/http_types.h"

namespace siaga {

class WebAssets {
 public:
  // `root`: the web/ folder; empty or missing serves nothing (404 with a hint).
  explicit WebAssets(std::string root);

  // True for the paths this serves: "/", "/index.html" and "/ui/...".
  static bool Claims(const std::string& path);
  // The answer for a GET or HEAD of a claimed path (404 for anything not safely servable).
  HttpResponse Serve(const HttpRequest& request) const;

  const std::string& root() const { return root_; }

  // Content-Security-Policy of the dashboard's pages (docs/decisions/dashboard.md).
  static const char* kContentSecurityPolicy;

 private:
  // The file under root_ for `relative` ("app.js", "i18n/en.json"), or nullopt when refused.
  std::optional<std::string> Resolve(const std::string& relative) const;

  std::string root_;  // canonical, without a trailing slash; empty when there is no dashboard
};

// "text/css; charset=utf-8" for "x.css"...; empty for an extension that is not served.
std::string WebContentType(const std::string& file_name);

}  // namespace siaga
