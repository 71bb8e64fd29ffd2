#include "notify/notification_book.h"

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <set>
#include <sstream>

#include "common/html_escape.h"
#include "common/sha256.h"
#include "common/tlp.h"
#include "lua/json_bridge.h"

namespace siaga {

namespace {

constexpr const char* kMarker = "__siaga_notifikasi";
constexpr std::size_t kMaxSubject = 300, kMaxText = 64u << 10, kMaxHtml = 256u << 10;

int MarkNotifikasi(lua_State* L) {
  luaL_checktype(L, 1, LUA_TTABLE);
  lua_pushboolean(L, 1);
  lua_setfield(L, 1, kMarker);
  lua_settop(L, 1);
  return 1;
}

// h(s): text made safe inside HTML, for templates that build their html part by hand.
int LuaHtmlEscape(lua_State* L) {
  std::size_t len = 0;
  const char* s = luaL_tolstring(L, 1, &len);
  const std::string out = HtmlEscape(std::string_view(s, len));
  lua_pushlstring(L, out.data(), out.size());
  return 1;
}

// Plain text as a minimal HTML part: paragraphs, escaped.
std::string HtmlFromText(const std::string& text) {
  std::string out = "<!DOCTYPE html><html><body style=\"font-family:sans-serif\"><p>";
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\n' && i + 1 < text.size() && text[i + 1] == '\n') {
      out += "</p><p>";
      ++i;
    } else if (text[i] == '\n') {
      out += "<br>";
    } else {
      out += HtmlEscape(std::string_view(&text[i], 1));
    }
  }
  return out + "</p></body></html>";
}

std::string Str(const nlohmann::json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

std::string OneLine(std::string s) {
  for (char& c : s)
    if (c == '\r' || c == '\n' || c == '\t') c = ' ';
  return s;
}

// The last resort when no template renders: every fact an operator needs, in plain words.
RenderedMessage BuiltIn(const nlohmann::json& facts) {
  const nlohmann::json& c = facts.value("case", nlohmann::json::object());
  const nlohmann::json& n = facts.value("notice", nlohmann::json::object());
  RenderedMessage m;
  m.template_used = "built-in";
  m.subject = OneLine("[Siaga] " + Str(c, "number") + ": " + Str(c, "title"));
  std::ostringstream t;
  t << "Kasus: " << Str(c, "number") << " - " << Str(c, "title") << "\n"
    << "Prosedur: " << Str(c, "procedure_title") << " (" << Str(c, "procedure") << ")\n";
  if (facts.contains("step") && facts["step"].is_object())
    t << "Langkah: " << Str(facts["step"], "no") << " " << Str(facts["step"], "kegiatan") << "\n";
  t << "Pemberitahuan: " << Str(n, "template") << " untuk " << Str(n, "to_label") << "\n"
    << "TLP: " << Str(n, "tlp") << "\n";
  if (!Str(c, "link").empty()) t << Str(c, "link") << "\n";
  m.text = t.str();
  m.html = HtmlFromText(m.text);
  return m;
}

}  // namespace

struct NotificationBook::TemplateFile {
  std::unique_ptr<LuaSandbox> sandbox;  // declared first: destroyed after the references into it
  std::vector<LuaRef> functions;
};

bool IsNotificationFile(const std::string& path) {
  return path.find("/notifikasi/") != std::string::npos || path.rfind("notifikasi/", 0) == 0;
}

Result<std::string> ChannelSecret(const Channel& channel) {
  const std::string var = "SIAGA_SECRET_" + channel.secret;
  const char* value = std::getenv(var.c_str());
  if (value == nullptr || *value == '\0')
    return Unavailable("channel '" + channel.name + "': secret " + channel.secret + " is not set (environment variable " + var + ")");
  return std::string(value);
}

NotificationBook::NotificationBook() = default;
NotificationBook::~NotificationBook() = default;
NotificationBook::NotificationBook(NotificationBook&&) noexcept = default;
NotificationBook& NotificationBook::operator=(NotificationBook&&) noexcept = default;

std::vector<Diagnostic> NotificationBook::LoadFiles(const std::vector<std::string>& files) {
  std::vector<Diagnostic> out;
  std::string hashes;
  for (const std::string& file : files) {
    std::ifstream in(file, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    if (!in) {
      out.push_back({Diagnostic::Severity::kError, file, 0, "", "", "cannot read the file"});
      continue;
    }
    hashes += Sha256Hex(text.str());
    auto d = LoadSource(text.str(), file);
    out.insert(out.end(), d.begin(), d.end());
  }
  hash_ = Sha256Hex(hashes);
  // Targets must name a channel of the whole set (Plan records a missing channel as a dead
  // delivery too, so a typo never loses a notice silently).
  auto check = [&](const RecipientMap& m, const std::string& where) {
    for (const auto& [role, list] : m)
      for (const RecipientTarget& t : list)
        if (!channels_.contains(t.channel))
          out.push_back({Diagnostic::Severity::kError, files.empty() ? "" : files.front(), 0, "", where + "." + role + ".channel",
                         "no channel '" + t.channel + "' is defined"});
  };
  check(recipients_, "recipients");
  for (const auto& [id, m] : by_procedure_) check(m, "by_procedure." + id);
  for (const auto& [id, m] : by_agency_) check(m, "by_agency." + id);
  return out;
}

namespace {

class BookReader {
 public:
  BookReader(std::string file, std::vector<Diagnostic>& out) : file_(std::move(file)), out_(out) {}
  void Error(const std::string& field, const std::string& message) {
    out_.push_back({Diagnostic::Severity::kError, file_, 0, "", field, message});
    ok_ = false;
  }
  void Warn(const std::string& field, const std::string& message) {
    out_.push_back({Diagnostic::Severity::kWarning, file_, 0, "", field, message});
  }
  bool ok() const { return ok_; }

  std::string Text(const nlohmann::json& j, const std::string& where, const char* key, bool required, std::size_t max = 500) {
    auto it = j.find(key);
    if (it == j.end()) {
      if (required) Error(where + "." + key, "required");
      return "";
    }
    if (!it->is_string() || it->get<std::string>().size() > max || it->get<std::string>().find_first_of("\r\n") != std::string::npos) {
      Error(where + "." + key, "must be one line of text of at most " + std::to_string(max) + " bytes");
      return "";
    }
    return it->get<std::string>();
  }

  int Int(const nlohmann::json& j, const std::string& where, const char* key, int fallback, int lo, int hi) {
    auto it = j.find(key);
    if (it == j.end()) return fallback;
    if (!it->is_number_integer() || it->get<long long>() < lo || it->get<long long>() > hi) {
      Error(where + "." + key, "must be a whole number from " + std::to_string(lo) + " to " + std::to_string(hi));
      return fallback;
    }
    return static_cast<int>(it->get<long long>());
  }

  std::string Tlp(const nlohmann::json& j, const std::string& where, bool required) {
    const std::string t = Text(j, where, "tlp_max", required, 16);
    if (!t.empty() && !TlpRank(t)) Error(where + ".tlp_max", std::string("must be one of ") + kTlpChoices);
    return t;
  }

  std::string Language(const nlohmann::json& j, const std::string& where) {
    const std::string l = Text(j, where, "language", false, 8);
    if (!l.empty() && l != "id" && l != "en") Error(where + ".language", "must be \"id\" or \"en\"");
    return l;
  }

  void Keys(const nlohmann::json& j, const std::string& where, const std::set<std::string>& allowed) {
    for (const auto& [k, v] : j.items())
      if (!allowed.contains(k)) Error(where + "." + k, "unknown key (known: " + Join(allowed) + ")");
  }

  static std::string Join(const std::set<std::string>& names) {
    std::string s;
    for (const auto& n : names) s += (s.empty() ? "" : ", ") + n;
    return s;
  }

  std::optional<Channel> ReadChannel(const std::string& name, const nlohmann::json& j) {
    const std::string where = "channels." + name;
    if (!j.is_object()) {
      Error(where, "must be a table { kind = \"http\" | \"smtp\" | \"file\", ... }");
      return std::nullopt;
    }
    Channel c;
    c.name = name;
    const std::string kind = Text(j, where, "kind", true, 8);
    if (kind == "http") c.kind = ChannelKind::kHttp;
    else if (kind == "smtp") c.kind = ChannelKind::kSmtp;
    else if (kind == "file") c.kind = ChannelKind::kFile;
    else if (!kind.empty()) Error(where + ".kind", "must be \"http\", \"smtp\" or \"file\"");
    Keys(j, where, {"kind", "url", "path", "tls", "user", "from", "secret", "tlp_max", "language", "attempts", "retry_first",
                    "retry_max", "timeout"});
    c.tlp_max = Tlp(j, where, true);
    c.language = Language(j, where);
    c.attempts = Int(j, where, "attempts", 8, 1, 100);
    c.retry_first_seconds = Int(j, where, "retry_first", 30, 1, 86400);
    c.retry_max_seconds = Int(j, where, "retry_max", std::max(3600, c.retry_first_seconds), c.retry_first_seconds, 7 * 86400);
    c.timeout_seconds = Int(j, where, "timeout", 20, 1, 300);
    c.secret = Text(j, where, "secret", c.kind == ChannelKind::kHttp, 64);
    if (!c.secret.empty() && c.secret.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_") != std::string::npos)
      Error(where + ".secret", "the name of a secret: capital letters, digits and _ (its value comes from SIAGA_SECRET_<name>)");
    if (c.kind == ChannelKind::kHttp) {
      c.url = Text(j, where, "url", true, 2000);
      if (!c.url.empty() && c.url.rfind("http://", 0) != 0 && c.url.rfind("https://", 0) != 0)
        Error(where + ".url", "must start with http:// or https://");
    } else if (c.kind == ChannelKind::kSmtp) {
      c.url = Text(j, where, "url", true, 2000);
      if (!c.url.empty() && c.url.rfind("smtp://", 0) != 0 && c.url.rfind("smtps://", 0) != 0)
        Error(where + ".url", "must start with smtp:// (STARTTLS per tls) or smtps:// (TLS from the start)");
      c.from = Text(j, where, "from", true, 300);
      c.user = Text(j, where, "user", false, 300);
      if (!c.user.empty() && c.secret.empty()) Error(where + ".secret", "a channel with a user needs the name of its password secret");
      const std::string tls = Text(j, where, "tls", false, 16);
      if (!tls.empty()) c.tls = tls;
      if (c.tls != "required" && c.tls != "if_offered" && c.tls != "never")
        Error(where + ".tls", "must be \"required\", \"if_offered\" or \"never\"");
    } else {
      c.path = Text(j, where, "path", c.kind == ChannelKind::kFile, 1000);
    }
    if (!c.secret.empty()) {
      const std::string var = "SIAGA_SECRET_" + c.secret;
      const char* v = std::getenv(var.c_str());
      if (v == nullptr || *v == '\0') Warn(where + ".secret", "environment variable " + var + " is not set here: sending will fail until the server has it");
    }
    return ok() ? std::optional<Channel>(c) : std::nullopt;
  }

  RecipientMap ReadRecipients(const nlohmann::json& j, const std::string& where) {
    RecipientMap out;
    if (!j.is_object()) {
      Error(where, "must be a table { role = { { channel = \"name\", ... }, ... } }");
      return out;
    }
    for (const auto& [role, list] : j.items()) {
      const std::string at = where + "." + role;
      if (!list.is_array() || list.empty()) {
        Error(at, "must be a list of { channel = \"name\", address = ..., field = ... }");
        continue;
      }
      for (std::size_t i = 0; i < list.size(); ++i) {
        const nlohmann::json& t = list[i];
        const std::string ti = at + "[" + std::to_string(i + 1) + "]";
        if (!t.is_object()) {
          Error(ti, "must be a table { channel = \"name\", ... }");
          continue;
        }
        Keys(t, ti, {"channel", "address", "field", "language", "tlp_max"});
        RecipientTarget r;
        r.channel = Text(t, ti, "channel", true, 100);
        r.field = Text(t, ti, "field", false, 100);
        r.language = Language(t, ti);
        r.tlp_max = Tlp(t, ti, false);
        if (auto a = t.find("address"); a != t.end()) {
          const nlohmann::json list_of = a->is_array() ? *a : nlohmann::json::array({*a});
          for (const auto& one : list_of) {
            if (!one.is_string() || !ValidAddress(one.get<std::string>())) {
              Error(ti + ".address", "must be an e-mail address (or a list of them)");
              continue;
            }
            r.addresses.push_back(one.get<std::string>());
          }
        }
        out[role].push_back(std::move(r));
      }
    }
    return out;
  }

  static bool ValidAddress(const std::string& a) {
    const auto at = a.find('@');
    return a.size() <= 254 && at != std::string::npos && at > 0 && at + 1 < a.size() && a.find('@', at + 1) == std::string::npos &&
           a.find_first_of(" \t\r\n<>,;\"()[]\\") == std::string::npos;
  }

 private:
  std::string file_;
  std::vector<Diagnostic>& out_;
  bool ok_ = true;
};

}  // namespace

std::vector<Diagnostic> NotificationBook::LoadSource(const std::string& source, const std::string& file) {
  std::vector<Diagnostic> out;
  BookReader r(file, out);
  LuaLimits limits;
  limits.memory_bytes = 32u << 20;
  limits.instructions = 5'000'000;
  limits.wall_time = std::chrono::milliseconds(500);
  auto sandbox = LuaSandbox::Create(limits);
  if (!sandbox.ok()) {
    r.Error("", sandbox.status().message());
    return out;
  }
  lua_State* L = (*sandbox)->state();
  (*sandbox)->RegisterGlobal("notifikasi", MarkNotifikasi);
  (*sandbox)->RegisterGlobal("h", LuaHtmlEscape);
  Status st = (*sandbox)->Load(source, file);
  if (st.ok()) st = (*sandbox)->ProtectedCall(0, 1);
  if (!st.ok()) {
    r.Error("", st.message().substr(0, st.message().find('\n')));
    return out;
  }
  // What the file returned is read with raw access only: this runs outside any protected call,
  // so a metamethod (or indexing a non-table) would raise an unprotected error and abort.
  const int top = lua_gettop(L);
  auto raw_field = [&](const char* key) {
    lua_pushstring(L, key);
    lua_rawget(L, top);
  };
  bool marked = false;
  if (lua_istable(L, top)) {
    raw_field(kMarker);
    marked = lua_toboolean(L, -1);
    lua_pop(L, 1);
  }
  if (!marked) {
    r.Error("", "the file must return notifikasi { ... }");
    lua_settop(L, 0);
    return out;
  }
  auto data_of = [&](const char* key) -> std::optional<nlohmann::json> {
    raw_field(key);
    if (lua_isnil(L, -1)) {
      lua_pop(L, 1);
      return std::nullopt;
    }
    auto j = LuaToJson(L, -1);
    lua_pop(L, 1);
    if (!j.ok()) {
      r.Error(key, j.status().message());
      return std::nullopt;
    }
    return *j;
  };

  // Every key but templates is plain data.
  lua_pushnil(L);
  while (lua_next(L, top) != 0) {
    const std::string key = lua_type(L, -2) == LUA_TSTRING ? lua_tostring(L, -2) : "?";
    static const std::set<std::string> known = {"language", "link", "channels", "recipients", "by_procedure", "by_agency", "templates", kMarker};
    if (!known.contains(key)) r.Error(key, "unknown key (known: language, link, channels, recipients, by_procedure, by_agency, templates)");
    lua_pop(L, 1);
  }
  std::map<std::string, Channel> channels;
  if (auto j = data_of("channels")) {
    if (!j->is_object()) r.Error("channels", "must be a table { name = { kind = ..., ... } }");
    else
      for (const auto& [name, c] : j->items())
        if (auto ch = r.ReadChannel(name, c)) channels[name] = *ch;
  }
  RecipientMap recipients;
  if (auto j = data_of("recipients")) recipients = r.ReadRecipients(*j, "recipients");
  std::map<std::string, RecipientMap> by_procedure, by_agency;
  for (auto [key, target] : {std::pair{"by_procedure", &by_procedure}, std::pair{"by_agency", &by_agency}}) {
    if (auto j = data_of(key)) {
      if (!j->is_object()) r.Error(key, "must be a table { [\"id\"] = { role = { ... } } }");
      else
        for (const auto& [id, m] : j->items()) (*target)[id] = r.ReadRecipients(m, std::string(key) + "." + id);
    }
  }
  std::string language, link;
  if (auto j = data_of("language")) {
    if (!j->is_string() || (*j != "id" && *j != "en")) r.Error("language", "must be \"id\" or \"en\"");
    else language = *j;
  }
  if (auto j = data_of("link")) {
    if (!j->is_string() || j->get<std::string>().size() > 500) r.Error("link", "must be a URL with {case} where the case id goes");
    else link = *j;
  }

  auto tf = std::make_unique<TemplateFile>();
  std::map<std::string, int> templates;
  raw_field("templates");
  if (lua_istable(L, -1)) {
    const int tt = lua_gettop(L);
    lua_pushnil(L);
    while (lua_next(L, tt) != 0) {
      const std::string lang = lua_type(L, -2) == LUA_TSTRING ? lua_tostring(L, -2) : "?";
      if ((lang != "id" && lang != "en") || !lua_istable(L, -1)) {
        r.Error("templates." + lang, "templates are grouped by language: templates = { id = { name = function(m) ... end }, en = { ... } }");
        lua_pop(L, 1);
        continue;
      }
      const int lt = lua_gettop(L);
      lua_pushnil(L);
      while (lua_next(L, lt) != 0) {
        const std::string name = lua_type(L, -2) == LUA_TSTRING ? lua_tostring(L, -2) : "?";
        if (!lua_isfunction(L, -1)) {
          r.Error("templates." + lang + "." + name, "must be a function(m) returning { subject = ..., text = ..., html = ... }");
          lua_pop(L, 1);
          continue;
        }
        templates[lang + "/" + name] = static_cast<int>(tf->functions.size());
        tf->functions.push_back(LuaRef::PopFrom(L));
      }
      lua_pop(L, 1);
    }
  } else if (!lua_isnil(L, -1)) {
    r.Error("templates", "must be a table { id = { name = function(m) ... end } }");
  }
  lua_settop(L, 0);

  // Merge with the files loaded before: a name defined twice is an error in the later file.
  for (const auto& [name, c] : channels)
    if (channels_.contains(name)) r.Error("channels." + name, "already defined in another notification file");
  for (const auto& [name, i] : templates)
    if (templates_.contains(name)) r.Error("templates." + name, "already defined in another notification file");
  if (!r.ok()) return out;
  channels_.insert(channels.begin(), channels.end());
  auto merge = [](RecipientMap& into, const RecipientMap& from) {
    for (const auto& [role, list] : from) into[role].insert(into[role].end(), list.begin(), list.end());
  };
  merge(recipients_, recipients);
  for (const auto& [id, m] : by_procedure) merge(by_procedure_[id], m);
  for (const auto& [id, m] : by_agency) merge(by_agency_[id], m);
  if (!language.empty()) language_ = language;
  if (!link.empty()) link_ = link;
  tf->sandbox = std::move(*sandbox);
  for (const auto& [name, i] : templates) templates_[name] = {tf.get(), i};
  files_.push_back(std::move(tf));
  return out;
}

std::vector<RecipientTarget> NotificationBook::TargetsFor(const NoticeFacts& notice) const {
  std::vector<RecipientTarget> out;
  auto from = [&](const RecipientMap* m, const std::string& role) -> const std::vector<RecipientTarget>* {
    if (m == nullptr) return nullptr;
    auto it = m->find(role);
    return it == m->end() ? nullptr : &it->second;
  };
  auto scope = [](const std::map<std::string, RecipientMap>& all, const std::string& id) -> const RecipientMap* {
    auto it = all.find(id);
    return it == all.end() ? nullptr : &it->second;
  };
  const RecipientMap* scopes[] = {scope(by_procedure_, notice.procedure_id), scope(by_agency_, notice.agency), &recipients_};
  for (const RecipientMap* m : scopes) {
    if (auto list = from(m, notice.role)) {
      out = *list;
      break;
    }
  }
  for (const RecipientMap* m : scopes)
    if (auto list = from(m, "*")) out.insert(out.end(), list->begin(), list->end());
  return out;
}

RenderedMessage NotificationBook::Render(const std::string& template_name, const std::string& language, const nlohmann::json& facts) {
  RenderedMessage result;
  std::vector<std::string> order;
  for (const std::string& name : {template_name, std::string("default")})
    for (const std::string& lang : {language, language_, std::string("id")}) {
      const std::string key = lang + "/" + name;
      if (templates_.contains(key) && std::find(order.begin(), order.end(), key) == order.end()) order.push_back(key);
    }
  for (const std::string& key : order) {
    auto [file, index] = templates_.at(key);
    lua_State* L = file->sandbox->state();
    file->functions[static_cast<std::size_t>(index)].Push();
    PushJson(L, facts);
    Status st = file->sandbox->ProtectedCall(1, 1);
    std::string why;
    if (!st.ok()) {
      why = st.message().substr(0, st.message().find('\n'));
    } else {
      auto j = LuaToJson(L, -1);
      lua_pop(L, 1);
      if (!j.ok() || !j->is_object()) {
        why = "must return { subject = \"...\", text = \"...\", html = \"...\" }";
      } else {
        const std::string subject = Str(*j, "subject"), text = Str(*j, "text"), html = Str(*j, "html");
        if (subject.empty() || text.empty()) why = "subject and text are required strings";
        else if (subject.size() > kMaxSubject) why = "subject is longer than 300 bytes";
        else if (text.size() > kMaxText || html.size() > kMaxHtml) why = "text (64 KiB) or html (256 KiB) too long";
        else {
          result.subject = OneLine(subject);
          result.text = text;
          result.html = html.empty() ? HtmlFromText(text) : html;
          result.template_used = key;
          return result;
        }
      }
    }
    result.errors.push_back("template " + key + ": " + why);
  }
  RenderedMessage fallback = BuiltIn(facts);
  fallback.errors = std::move(result.errors);
  if (order.empty()) fallback.errors.push_back("no template '" + template_name + "' nor 'default' for language " + language);
  return fallback;
}

std::vector<PlannedDelivery> NotificationBook::Plan(const NoticeFacts& notice) {
  std::vector<PlannedDelivery> out;
  std::map<std::string, RenderedMessage> rendered;  // per language
  std::set<std::pair<std::string, std::string>> seen;
  for (const RecipientTarget& t : TargetsFor(notice)) {
    auto channel = channels_.find(t.channel);
    std::string language = !t.language.empty() ? t.language
                           : channel != channels_.end() && !channel->second.language.empty() ? channel->second.language
                                                                                             : language_;
    std::vector<std::string> addresses = t.addresses;
    std::string missing;
    if (!t.field.empty()) {
      auto f = notice.case_fields.find(t.field);
      if (f != notice.case_fields.end() && f->is_string() && BookReader::ValidAddress(f->get<std::string>())) addresses.push_back(*f);
      else if (f != notice.case_fields.end() && f->is_array()) {
        for (const auto& a : *f)
          if (a.is_string() && BookReader::ValidAddress(a.get<std::string>())) addresses.push_back(a);
      }
      if (addresses.empty()) missing = "the case field '" + t.field + "' holds no e-mail address";
    }
    const bool needs_address = channel != channels_.end() && channel->second.kind == ChannelKind::kSmtp;
    if (!needs_address) addresses = {""};
    if (needs_address && addresses.empty() && missing.empty()) missing = "no address for an e-mail channel";
    if (addresses.empty()) addresses = {""};
    for (const std::string& address : addresses) {
      if (!seen.insert({t.channel, address}).second) continue;
      PlannedDelivery d;
      d.channel = t.channel;
      d.recipient = address;
      d.language = language;
      d.tlp = notice.tlp;
      if (channel == channels_.end()) {
        d.state = "dead";
        d.error = "no channel '" + t.channel + "' is configured";
      } else {
        d.max_attempts = channel->second.attempts;
        std::string cleared = channel->second.tlp_max;
        if (!t.tlp_max.empty() && TlpRank(t.tlp_max) < TlpRank(cleared)) cleared = t.tlp_max;
        if (!TlpAllows(cleared, notice.tlp)) {
          d.state = "refused";
          d.error = "TLP:" + notice.tlp + " is above the clearance of channel '" + t.channel + "'" +
                    (address.empty() ? "" : " for " + address) + " (TLP:" + cleared + ")";
        } else if (needs_address && address.empty()) {
          d.state = "dead";
          d.error = missing;
        }
      }
      // A refused message is recorded without its content: it must not sit in the store as if sent.
      if (d.state != "refused") {
        auto it = rendered.find(language);
        if (it == rendered.end()) it = rendered.emplace(language, Render(notice.template_name, language, notice.facts)).first;
        d.message = it->second;
      }
      out.push_back(std::move(d));
    }
  }
  return out;
}

}  // namespace siaga
