#include "notify/senders.h"

#include <curl/curl.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <mutex>

#include <nlohmann/json.hpp>

#include "common/tlp.h"
#include "http/signature.h"

namespace siaga {

namespace {

std::string Base64(const std::string& data) {
  std::string out(4 * ((data.size() + 2) / 3) + 1, '\0');
  const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), reinterpret_cast<const unsigned char*>(data.data()),
                                static_cast<int>(data.size()));
  out.resize(static_cast<std::size_t>(n));
  return out;
}

std::string Base64Lines(const std::string& data) {
  const std::string b = Base64(data);
  std::string out;
  for (std::size_t i = 0; i < b.size(); i += 76) out += b.substr(i, 76) + "\r\n";
  return out;
}

bool IsAscii(const std::string& s) {
  for (unsigned char c : s)
    if (c >= 0x80 || c < 0x20) return false;
  return true;
}

// RFC 2047 encoded words for headers that are not plain ASCII: at most 45 bytes of UTF-8 each
// (60 base64 characters, within the 75 allowed), never splitting a character, folded lines.
std::string HeaderText(const std::string& s) {
  if (IsAscii(s)) return s;
  std::string out;
  std::size_t at = 0;
  while (at < s.size()) {
    std::size_t end = std::min(s.size(), at + 45);
    while (end < s.size() && end > at + 1 && (static_cast<unsigned char>(s[end]) & 0xC0) == 0x80) --end;
    out += (out.empty() ? "" : "\r\n ") + std::string("=?UTF-8?B?") + Base64(s.substr(at, end - at)) + "?=";
    at = end;
  }
  return out;
}

std::string RfcDate(UnixSeconds now) {
  std::time_t t = static_cast<std::time_t>(now);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[64];
  std::strftime(buf, sizeof buf, "%a, %d %b %Y %H:%M:%S +0000", &tm);
  return buf;
}

struct Upload {
  const std::string* data;
  std::size_t at = 0;
};

std::size_t ReadUpload(char* buffer, std::size_t size, std::size_t count, void* user) {
  auto* u = static_cast<Upload*>(user);
  const std::size_t n = std::min(size * count, u->data->size() - u->at);
  std::memcpy(buffer, u->data->data() + u->at, n);
  u->at += n;
  return n;
}

std::size_t KeepSome(char* data, std::size_t size, std::size_t count, void* user) {
  auto* out = static_cast<std::string*>(user);
  if (out->size() < 300) out->append(data, std::min(size * count, 300 - out->size()));
  return size * count;
}

class Curl {
 public:
  Curl() : h_(curl_easy_init()) {}
  ~Curl() {
    if (headers_ != nullptr) curl_slist_free_all(headers_);
    if (rcpt_ != nullptr) curl_slist_free_all(rcpt_);
    if (h_ != nullptr) curl_easy_cleanup(h_);
  }
  CURL* get() { return h_; }
  void Header(const std::string& h) { headers_ = curl_slist_append(headers_, h.c_str()); }
  void Recipient(const std::string& r) { rcpt_ = curl_slist_append(rcpt_, r.c_str()); }
  curl_slist* headers() { return headers_; }
  curl_slist* recipients() { return rcpt_; }

 private:
  CURL* h_;
  curl_slist* headers_ = nullptr;
  curl_slist* rcpt_ = nullptr;
};

SendOutcome Failed(std::string why) { return {SendOutcome::Kind::kFailed, std::move(why)}; }

SendOutcome SendHttp(const Channel& channel, const OutgoingMessage& m, UnixSeconds now) {
  auto secret = ChannelSecret(channel);
  if (!secret.ok()) return Failed(secret.status().message());
  const std::string body = BuildHttpBody(m);
  const std::string ts = std::to_string(now);
  Curl c;
  if (c.get() == nullptr) return Failed("libcurl could not start");
  c.Header("Content-Type: application/json");
  c.Header("X-Siaga-Idempotency-Key: " + m.idempotency_key);
  c.Header("X-Siaga-TLP: " + m.tlp);
  c.Header("X-Siaga-Timestamp: " + ts);
  c.Header("X-Siaga-Signature: sha256=" + HmacSha256Hex(*secret, ts + "." + body));
  std::string reply;
  curl_easy_setopt(c.get(), CURLOPT_URL, channel.url.c_str());
  curl_easy_setopt(c.get(), CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(c.get(), CURLOPT_HTTPHEADER, c.headers());
  curl_easy_setopt(c.get(), CURLOPT_POSTFIELDS, body.data());
  curl_easy_setopt(c.get(), CURLOPT_POSTFIELDSIZE, static_cast<long>(body.size()));
  curl_easy_setopt(c.get(), CURLOPT_TIMEOUT, static_cast<long>(channel.timeout_seconds));
  curl_easy_setopt(c.get(), CURLOPT_CONNECTTIMEOUT, static_cast<long>(std::min(channel.timeout_seconds, 10)));
  curl_easy_setopt(c.get(), CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c.get(), CURLOPT_WRITEFUNCTION, KeepSome);
  curl_easy_setopt(c.get(), CURLOPT_WRITEDATA, &reply);
  const CURLcode rc = curl_easy_perform(c.get());
  if (rc != CURLE_OK) return Failed(std::string("HTTP: ") + curl_easy_strerror(rc));
  long status = 0;
  curl_easy_getinfo(c.get(), CURLINFO_RESPONSE_CODE, &status);
  if (status >= 200 && status < 300) return {SendOutcome::Kind::kSent, ""};
  return Failed("HTTP " + std::to_string(status) + (reply.empty() ? "" : ": " + reply));
}

SendOutcome SendSmtp(const Channel& channel, const OutgoingMessage& m, UnixSeconds now) {
  std::string password;
  if (!channel.user.empty()) {
    auto secret = ChannelSecret(channel);
    if (!secret.ok()) return Failed(secret.status().message());
    password = *secret;
  }
  const std::string mail = BuildEmail(channel, m, now);
  Upload upload{&mail};
  Curl c;
  if (c.get() == nullptr) return Failed("libcurl could not start");
  c.Recipient("<" + m.recipient + ">");
  const std::string from = "<" + BareAddress(channel.from) + ">";
  curl_easy_setopt(c.get(), CURLOPT_URL, channel.url.c_str());
  curl_easy_setopt(c.get(), CURLOPT_PROTOCOLS_STR, "smtp,smtps");
  curl_easy_setopt(c.get(), CURLOPT_MAIL_FROM, from.c_str());
  curl_easy_setopt(c.get(), CURLOPT_MAIL_RCPT, c.recipients());
  curl_easy_setopt(c.get(), CURLOPT_READFUNCTION, ReadUpload);
  curl_easy_setopt(c.get(), CURLOPT_READDATA, &upload);
  curl_easy_setopt(c.get(), CURLOPT_UPLOAD, 1L);
  curl_easy_setopt(c.get(), CURLOPT_USE_SSL, channel.tls == "required" ? static_cast<long>(CURLUSESSL_ALL)
                                             : channel.tls == "never"  ? static_cast<long>(CURLUSESSL_NONE)
                                                                       : static_cast<long>(CURLUSESSL_TRY));
  if (!channel.user.empty()) {
    curl_easy_setopt(c.get(), CURLOPT_USERNAME, channel.user.c_str());
    curl_easy_setopt(c.get(), CURLOPT_PASSWORD, password.c_str());
  }
  curl_easy_setopt(c.get(), CURLOPT_TIMEOUT, static_cast<long>(channel.timeout_seconds));
  curl_easy_setopt(c.get(), CURLOPT_CONNECTTIMEOUT, static_cast<long>(std::min(channel.timeout_seconds, 10)));
  curl_easy_setopt(c.get(), CURLOPT_NOSIGNAL, 1L);
  const CURLcode rc = curl_easy_perform(c.get());
  if (rc == CURLE_OK) return {SendOutcome::Kind::kSent, ""};
  long code = 0;
  curl_easy_getinfo(c.get(), CURLINFO_RESPONSE_CODE, &code);
  return Failed(std::string("SMTP: ") + curl_easy_strerror(rc) + (code != 0 ? " (server said " + std::to_string(code) + ")" : ""));
}

SendOutcome AppendToFile(const Channel& channel, const OutgoingMessage& m, UnixSeconds now) {
  nlohmann::json line = nlohmann::json::parse(BuildHttpBody(m));
  line["at"] = FormatUtc(now);
  line["recipient"] = m.recipient;
  const std::string text = line.dump() + "\n";
  std::error_code ec;
  const auto parent = std::filesystem::path(channel.path).parent_path();
  if (!parent.empty()) std::filesystem::create_directories(parent, ec);
  const int fd = ::open(channel.path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) return Failed("file " + channel.path + ": " + std::strerror(errno));
  const ssize_t n = ::write(fd, text.data(), text.size());
  const int write_errno = errno;
  const bool synced = n == static_cast<ssize_t>(text.size()) && ::fsync(fd) == 0;
  ::close(fd);
  if (!synced) return Failed("file " + channel.path + ": " + std::strerror(n < 0 ? write_errno : errno));
  return {SendOutcome::Kind::kSent, ""};
}

}  // namespace

void InitSenders() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

std::string BareAddress(const std::string& from) {
  const auto open = from.rfind('<'), close = from.rfind('>');
  if (open != std::string::npos && close != std::string::npos && close > open) return from.substr(open + 1, close - open - 1);
  return from;
}

std::string BuildHttpBody(const OutgoingMessage& m) {
  nlohmann::json facts = nlohmann::json::parse(m.data, nullptr, false);
  if (facts.is_discarded()) facts = nlohmann::json::object();
  return nlohmann::json{{"idempotency_key", m.idempotency_key}, {"delivery", m.id},   {"attempt", m.attempt},
                        {"tlp", m.tlp},                         {"subject", m.subject}, {"text", m.text},
                        {"case", facts.value("case", nlohmann::json::object())},
                        {"step", facts.value("step", nlohmann::json())},
                        {"notice", facts.value("notice", nlohmann::json::object())}}
      .dump();
}

std::string BuildEmail(const Channel& channel, const OutgoingMessage& m, UnixSeconds now) {
  const std::string boundary = "=_" + m.idempotency_key;  // "=_" never occurs in base64
  std::string mail;
  mail += "From: " + channel.from + "\r\n";
  mail += "To: <" + m.recipient + ">\r\n";
  mail += "Subject: " + HeaderText("[TLP:" + m.tlp + "] " + m.subject) + "\r\n";
  mail += "Date: " + RfcDate(now) + "\r\n";
  mail += "Message-ID: <" + m.idempotency_key + "@siaga>\r\n";
  mail += "X-Siaga-Idempotency-Key: " + m.idempotency_key + "\r\n";
  mail += "X-Siaga-TLP: " + m.tlp + "\r\n";
  mail += "MIME-Version: 1.0\r\n";
  mail += "Content-Type: multipart/alternative; boundary=\"" + boundary + "\"\r\n\r\n";
  mail += "--" + boundary + "\r\nContent-Type: text/plain; charset=UTF-8\r\nContent-Transfer-Encoding: base64\r\n\r\n";
  mail += Base64Lines(m.text);
  mail += "--" + boundary + "\r\nContent-Type: text/html; charset=UTF-8\r\nContent-Transfer-Encoding: base64\r\n\r\n";
  mail += Base64Lines(m.html);
  mail += "--" + boundary + "--\r\n";
  return mail;
}

SendOutcome SendMessage(const Channel& channel, const OutgoingMessage& message, UnixSeconds now) {
  // Checked again at sending: the channel's clearance may have been lowered since it was queued.
  if (!TlpAllows(channel.tlp_max, message.tlp))
    return {SendOutcome::Kind::kRefused, "TLP:" + message.tlp + " is above the clearance of channel '" + channel.name + "' (TLP:" + channel.tlp_max + ")"};
  switch (channel.kind) {
    case ChannelKind::kHttp: return SendHttp(channel, message, now);
    case ChannelKind::kSmtp: return SendSmtp(channel, message, now);
    case ChannelKind::kFile: return AppendToFile(channel, message, now);
  }
  return Failed("unknown channel kind");
}

}  // namespace siaga
