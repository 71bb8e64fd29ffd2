// The notification set-up of a deployment, from the Lua files under sop/notifikasi/: channels
// (HTTP webhook, SMTP e-mail, a local file), who receives a notice sent to a role, and the
// message templates. Policy lives there; the engine only resolves, renders and records.
//
//   return notifikasi {
//     language = "id",
//     link = "https://siaga.example.go.id/#/cases/{case}",
//     channels = { email = { kind = "smtp", url = "smtp://mail.example.go.id:587", tls = "required",
//                            user = "siaga", secret = "SMTP_DISKOMINFO", from = "Siaga <siaga@example.go.id>",
//                            tlp_max = "AMBER" } },
//     recipients = { pelapor = { { channel = "email", field = "email_pelapor" } } },
//     by_procedure = { ["kota/prosedur"] = { role = { ... } } },   -- most specific wins
//     by_agency = { ["kab-x"] = { role = { ... } } },
//     templates = { id = { default = function(m) return { subject = ..., text = ..., html = ... } end } },
//   }
//
// Secrets are never in these files: `secret = "NAME"` is read from the environment variable
// SIAGA_SECRET_NAME when a message is sent (docs/notifications.md).
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "lua/sandbox.h"
#include "procedure/diagnostic.h"

namespace siaga {

enum class ChannelKind { kHttp, kSmtp, kFile };

struct Channel {
  std::string name;
  ChannelKind kind = ChannelKind::kFile;
  std::string url;          // http(s):// for kHttp, smtp(s):// for kSmtp
  std::string path;         // kFile: JSON lines appended here
  std::string tls = "if_offered";  // kSmtp: "required", "if_offered" (STARTTLS when the server offers it), "never"
  std::string user, from;   // kSmtp
  std::string secret;       // the name of the secret; its value is SIAGA_SECRET_<secret>
  std::string tlp_max;      // the most restricted TLP label this channel is cleared for
  std::string language;     // messages in this language unless the recipient says otherwise
  int attempts = 8;         // sending attempts before the delivery becomes a dead letter
  int retry_first_seconds = 30;
  int retry_max_seconds = 3600;
  int timeout_seconds = 20;
};

// One way of reaching a role: a channel and, for e-mail, addresses written out or taken from a
// case field.
struct RecipientTarget {
  std::string channel;
  std::vector<std::string> addresses;
  std::string field;     // case field holding an address (or a list of them)
  std::string language;  // overrides the channel's
  std::string tlp_max;   // the recipient's own clearance, when stricter than the channel's
};

using RecipientMap = std::map<std::string, std::vector<RecipientTarget>>;  // role (or "*") -> targets

struct RenderedMessage {
  std::string subject, text, html;
  std::string template_used;  // "lang/name", or "built-in" when no template could render
  std::vector<std::string> errors;  // templates that failed before this one rendered
};

// A planned delivery: what the engine writes to the deliveries table for one notice.
struct PlannedDelivery {
  std::string channel, recipient, language, tlp;
  RenderedMessage message;
  std::string state = "pending";  // or "refused" (TLP), "dead" (no address)
  std::string error;
  int max_attempts = 1;
};

struct NoticeFacts {
  std::string procedure_id, agency, role, template_name, tlp;
  nlohmann::json case_fields = nlohmann::json::object();
  nlohmann::json facts;  // what templates see as their argument
};

class NotificationBook {
 public:
  NotificationBook();
  ~NotificationBook();
  NotificationBook(NotificationBook&&) noexcept;
  NotificationBook& operator=(NotificationBook&&) noexcept;

  // Loads every file of a folder (in path order); files with errors are left out.
  std::vector<Diagnostic> LoadFiles(const std::vector<std::string>& files);
  std::vector<Diagnostic> LoadSource(const std::string& source, const std::string& file);

  bool configured() const { return !channels_.empty(); }
  const std::map<std::string, Channel>& channels() const { return channels_; }
  const std::string& link() const { return link_; }
  // Content hash of the files loaded, to tell whether a reload changed anything.
  const std::string& hash() const { return hash_; }

  // The deliveries one notice becomes: recipients resolved (most specific scope first, plus the
  // "*" copies of every scope), messages rendered per language, TLP checked per channel and
  // recipient. Rendering runs Lua under the sandbox's budgets; a template that fails falls back
  // to the default template and then to a built-in text, and the failure is recorded.
  std::vector<PlannedDelivery> Plan(const NoticeFacts& notice);

  // Renders one template; exposed for tests and `siaga notices preview`.
  RenderedMessage Render(const std::string& template_name, const std::string& language, const nlohmann::json& facts);

 private:
  struct TemplateFile;
  std::vector<RecipientTarget> TargetsFor(const NoticeFacts& notice) const;
  std::vector<std::unique_ptr<TemplateFile>> files_;
  std::map<std::string, Channel> channels_;
  RecipientMap recipients_;
  std::map<std::string, RecipientMap> by_procedure_, by_agency_;
  std::map<std::string, std::pair<TemplateFile*, int>> templates_;  // "lang/name" -> file, ref
  std::string language_ = "id", link_, hash_;
};

// True for files that belong to the notification set-up (sop/notifikasi/...).
bool IsNotificationFile(const std::string& path);

// The secret's value from SIAGA_SECRET_<NAME>; an error naming the variable when it is unset.
Result<std::string> ChannelSecret(const Channel& channel);

}  // namespace siaga
