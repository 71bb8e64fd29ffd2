// Sending one delivery over its channel: an HTTP POST signed like Siaga's own webhooks, an
// e-mail over SMTP (STARTTLS and AUTH through libcurl), or a line appended to a local file.
// Every attempt carries the delivery's idempotency key, so a receiver can drop a repeat.
#pragma once

#include <cstdint>
#include <string>

#include "common/clock.h"
#include "notify/notification_book.h"

namespace siaga {

struct OutgoingMessage {
  std::int64_t id = 0;
  std::string channel, recipient, tlp, subject, text, html;
  std::string data = "{}";  // the facts, as stored (JSON)
  std::string idempotency_key;
  std::int64_t attempt = 1;
};

struct SendOutcome {
  enum class Kind { kSent, kFailed, kRefused };
  Kind kind = Kind::kFailed;
  std::string error;
};

SendOutcome SendMessage(const Channel& channel, const OutgoingMessage& message, UnixSeconds now);

// The RFC 5322 message (multipart/alternative, UTF-8, base64 parts) sent to an SMTP channel.
std::string BuildEmail(const Channel& channel, const OutgoingMessage& message, UnixSeconds now);
// The JSON body posted to an HTTP channel.
std::string BuildHttpBody(const OutgoingMessage& message);
// The address inside "Name <address>", or the text itself.
std::string BareAddress(const std::string& from);

// libcurl's global set-up, once per process, before any thread sends.
void InitSenders();

}  // namespace siaga
