// Real receivers on loopback for notification tests: an HTTP server (CivetWeb) that records
// what it is posted and answers as told, and a minimal SMTP server (EHLO, AUTH PLAIN, MAIL,
// RCPT, DATA, QUIT) that records the messages it accepts.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <civetweb.h>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

namespace siaga::test {

struct ReceivedPost {
  std::string key, timestamp, signature, tlp, body;
};

class HttpReceiver {
 public:
  // port 0: any free port; give the same port again to come back where the sender expects.
  explicit HttpReceiver(int port = 0) { Start(port); }
  ~HttpReceiver() { Stop(); }

  void Start(int port) {
    const std::string listen = "127.0.0.1:" + std::to_string(port);
    const char* options[] = {"listening_ports", listen.c_str(), "num_threads", "8", nullptr};
    mg_callbacks callbacks{};
    ctx_ = mg_start(&callbacks, this, options);
    if (ctx_ == nullptr) return;
    mg_set_request_handler(ctx_, "/", &HttpReceiver::Handle, this);
    mg_server_port ports[1];
    if (mg_get_server_ports(ctx_, 1, ports) > 0) port_ = ports[0].port;
  }
  void Stop() {
    if (ctx_ != nullptr) mg_stop(ctx_);
    ctx_ = nullptr;
  }
  int port() const { return port_; }
  std::string Url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/hook"; }

  std::atomic<int> status{200};       // what to answer
  std::atomic<int> delay_ms{0};       // how long to take before answering

  std::vector<ReceivedPost> posts() {
    std::lock_guard lock(mu_);
    return posts_;
  }
  std::size_t count() {
    std::lock_guard lock(mu_);
    return posts_.size();
  }

 private:
  static int Handle(mg_connection* conn, void* self_ptr) {
    auto* self = static_cast<HttpReceiver*>(self_ptr);
    const mg_request_info* info = mg_get_request_info(conn);
    std::string body;
    char buf[4096];
    for (int n; (n = mg_read(conn, buf, sizeof buf)) > 0;) body.append(buf, static_cast<std::size_t>(n));
    auto header = [&](const char* name) {
      const char* v = mg_get_header(conn, name);
      return std::string(v == nullptr ? "" : v);
    };
    ReceivedPost p{header("X-Siaga-Idempotency-Key"), header("X-Siaga-Timestamp"), header("X-Siaga-Signature"), header("X-Siaga-TLP"), body};
    (void)info;
    if (self->delay_ms > 0) std::this_thread::sleep_for(std::chrono::milliseconds(self->delay_ms.load()));
    const int code = self->status.load();
    if (code >= 200 && code < 300) {
      std::lock_guard lock(self->mu_);
      self->posts_.push_back(std::move(p));
    }
    mg_printf(conn, "HTTP/1.1 %d X\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok", code);
    return code;
  }

  mg_context* ctx_ = nullptr;
  int port_ = 0;
  std::mutex mu_;
  std::vector<ReceivedPost> posts_;
};

struct ReceivedMail {
  std::string from, auth, data;
  std::vector<std::string> to;
};

class SmtpReceiver {
 public:
  SmtpReceiver() {
    fd_ = socket(AF_INET, SOCK_STREAM, 0);
    int one = 1;
    setsockopt(fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = 0;
    bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a);
    listen(fd_, 16);
    socklen_t len = sizeof a;
    getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len);
    port_ = ntohs(a.sin_port);
    thread_ = std::thread([this] { Accept(); });
  }
  ~SmtpReceiver() {
    stopping_ = true;
    shutdown(fd_, SHUT_RDWR);
    close(fd_);
    if (thread_.joinable()) thread_.join();
  }
  int port() const { return port_; }
  std::string Url() const { return "smtp://127.0.0.1:" + std::to_string(port_); }
  std::vector<ReceivedMail> mails() {
    std::lock_guard lock(mu_);
    return mails_;
  }
  std::size_t count() {
    std::lock_guard lock(mu_);
    return mails_.size();
  }

 private:
  void Accept() {
    while (!stopping_) {
      const int c = accept(fd_, nullptr, nullptr);
      if (c < 0) return;
      Serve(c);  // one session at a time is enough for the tests
      close(c);
    }
  }
  static void Send(int c, const std::string& s) { (void)!write(c, s.data(), s.size()); }
  static bool ReadLine(int c, std::string& pending, std::string& line) {
    while (true) {
      const auto eol = pending.find("\r\n");
      if (eol != std::string::npos) {
        line = pending.substr(0, eol);
        pending.erase(0, eol + 2);
        return true;
      }
      char buf[4096];
      const ssize_t n = read(c, buf, sizeof buf);
      if (n <= 0) return false;
      pending.append(buf, static_cast<std::size_t>(n));
    }
  }
  void Serve(int c) {
    Send(c, "220 localhost ESMTP siaga-test\r\n");
    std::string pending, line;
    ReceivedMail mail;
    while (ReadLine(c, pending, line)) {
      std::string verb = line.substr(0, line.find(' '));
      for (char& ch : verb) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
      if (verb == "EHLO") {
        Send(c, "250-localhost\r\n250-AUTH PLAIN\r\n250 8BITMIME\r\n");
      } else if (verb == "HELO" || verb == "NOOP" || verb == "RSET") {
        Send(c, "250 ok\r\n");
      } else if (verb == "AUTH") {
        mail.auth = line.substr(5);  // "PLAIN <base64>", or "PLAIN" and the credentials next
        if (mail.auth.find(' ') == std::string::npos) {
          Send(c, "334 \r\n");
          if (!ReadLine(c, pending, line)) return;
          mail.auth += " " + line;
        }
        Send(c, "235 2.7.0 ok\r\n");
      } else if (verb == "MAIL") {
        mail.from = line.substr(line.find(':') + 1);
        Send(c, "250 ok\r\n");
      } else if (verb == "RCPT") {
        mail.to.push_back(line.substr(line.find(':') + 1));
        Send(c, "250 ok\r\n");
      } else if (verb == "DATA") {
        Send(c, "354 go ahead\r\n");
        std::string data;
        while (ReadLine(c, pending, line) && line != ".") data += line + "\r\n";
        mail.data = data;
        {
          std::lock_guard lock(mu_);
          mails_.push_back(mail);
        }
        mail = ReceivedMail{mail.from, mail.auth, "", {}};
        Send(c, "250 queued\r\n");
      } else if (verb == "QUIT") {
        Send(c, "221 bye\r\n");
        return;
      } else {
        Send(c, "502 unknown\r\n");
      }
    }
  }

  int fd_ = -1, port_ = 0;
  std::atomic<bool> stopping_{false};
  std::thread thread_;
  std::mutex mu_;
  std::vector<ReceivedMail> mails_;
};

}  // namespace siaga::test
