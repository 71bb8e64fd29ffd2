#include "http/web_assets.h"

#include <filesystem>
#include <fstream>
#include <sstream>

#include "common/sha256.h"

namespace siaga {

namespace fs = std::filesystem;

namespace {

constexpr std::size_t kMaxAssetBytes = 4u << 20;

// One path segment we are willing to look up: a plain name, no dot files, no "..".
bool PlainName(const std::string& segment) {
  if (segment.empty() || segment.size() > 100 || segment[0] == '.') return false;
  for (char c : segment) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}

HttpResponse AssetNotFound(const std::string& message) {
  HttpResponse r = ErrorResponse(404, "not_found", message);
  r.headers.emplace_back("Content-Security-Policy", WebAssets::kContentSecurityPolicy);
  return r;
}

}  // namespace

// Scripts and styles only from this server; the SOP document and report pages are shown in
// sandboxed blob: frames that inherit this policy, so their own <style> needs 'unsafe-inline'
// for styles (never for scripts). connect-src 'self': the API only.
const char* WebAssets::kContentSecurityPolicy =
    "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; "
    "connect-src 'self'; frame-src blob:; font-src 'self'; manifest-src 'self'; base-uri 'none'; form-action 'none'; "
    "frame-ancestors 'none'; object-src 'none'";

std::string WebContentType(const std::string& file_name) {
  const auto dot = file_name.rfind('.');
  if (dot == std::string::npos) return "";
  const std::string ext = file_name.substr(dot + 1);
  if (ext == "html") return "text/html; charset=utf-8";
  if (ext == "css") return "text/css; charset=utf-8";
  if (ext == "js" || ext == "mjs") return "text/javascript; charset=utf-8";
  if (ext == "json") return "application/json; charset=utf-8";
  if (ext == "svg") return "image/svg+xml";
  if (ext == "png") return "image/png";
  if (ext == "ico") return "image/x-icon";
  if (ext == "woff2") return "font/woff2";
  if (ext == "txt") return "text/plain; charset=utf-8";
  return "";
}

WebAssets::WebAssets(std::string root) {
  std::error_code ec;
  if (root.empty() || !fs::is_directory(root, ec)) return;
  root_ = fs::canonical(root, ec).string();
  if (ec) root_.clear();
}

bool WebAssets::Claims(const std::string& path) {
  return path == "/" || path == "/index.html" || path.rfind("/ui/", 0) == 0;
}

std::optional<std::string> WebAssets::Resolve(const std::string& relative) const {
  if (root_.empty() || relative.empty() || relative.size() > 300) return std::nullopt;
  std::size_t start = 0;
  while (true) {
    const std::size_t slash = relative.find('/', start);
    if (!PlainName(relative.substr(start, slash == std::string::npos ? std::string::npos : slash - start))) return std::nullopt;
    if (slash == std::string::npos) break;
    start = slash + 1;
  }
  if (WebContentType(relative).empty()) return std::nullopt;
  // Symlinks inside web/ may not lead out of it.
  std::error_code ec;
  const fs::path file = fs::canonical(fs::path(root_) / relative, ec);
  if (ec || !fs::is_regular_file(file, ec)) return std::nullopt;
  const std::string resolved = file.string();
  if (resolved.compare(0, root_.size() + 1, root_ + "/") != 0) return std::nullopt;
  return resolved;
}

HttpResponse WebAssets::Serve(const HttpRequest& request) const {
  if (root_.empty()) return AssetNotFound("the dashboard is not installed (serve --web DIR: the folder with index.html)");
  const std::string& path = request.path;
  std::string relative;
  if (path == "/" || path == "/index.html") relative = "index.html";
  else if (path.rfind("/ui/", 0) == 0) relative = path.substr(4);
  const auto file = Resolve(relative);
  if (!file) return AssetNotFound("no dashboard file at " + path.substr(0, 200));
  std::ifstream in(*file, std::ios::binary);
  std::ostringstream bytes;
  bytes << in.rdbuf();
  if (!in.good() && !in.eof()) return AssetNotFound("no dashboard file at " + path.substr(0, 200));
  HttpResponse r;
  r.body = bytes.str();
  if (r.body.size() > kMaxAssetBytes) return AssetNotFound("dashboard file too large: " + path.substr(0, 200));
  r.content_type = WebContentType(*file);
  // Revalidated on every use (the files change with a git pull, and there is no build step to
  // fingerprint names): a matching ETag costs a 304 without the body.
  const std::string etag = "\"" + Sha256Hex(r.body).substr(0, 32) + "\"";
  r.headers.emplace_back("Cache-Control", "no-cache");
  r.headers.emplace_back("ETag", etag);
  r.headers.emplace_back("Content-Security-Policy", kContentSecurityPolicy);
  r.headers.emplace_back("X-Frame-Options", "DENY");
  r.headers.emplace_back("Referrer-Policy", "no-referrer");
  if (request.Header("if-none-match") == etag) {
    r.status = 304;
    r.body.clear();
  }
  return r;
}

}  // namespace siaga
