// siaga agency list|create: the agencies of a deployment (sop/instansi/*.lua) with their
// procedures, time zones, calendars and whom they oversee. The facts live in the Lua files:
// `list` reads them, `create` writes a new one (checked before it appears, so a running server
// never loads a half-written or broken agency file).
#include <filesystem>
#include <fstream>
#include <iostream>

#include <nlohmann/json.hpp>

#include "auth/tokens.h"
#include "cli/cli.h"
#include "procedure/agency_directory.h"

namespace siaga::cli {

namespace {

int List(const GlobalOptions& global) {
  ProcedureRegistry registry;
  std::vector<Diagnostic> diagnostics = registry.LoadDirectory(global.sop_dir);
  for (const Diagnostic& d : diagnostics)
    if (d.severity == Diagnostic::Severity::kError) std::cerr << "siaga: warning: " << d.ToString() << "\n";
  const nlohmann::json described = DescribeAgencies(registry);
  const nlohmann::json& out = described["agencies"];
  const nlohmann::json& unfiled = described["procedures_without_agency_file"];
  if (global.json) {
    std::cout << described.dump(2) << "\n";
    return kExitOk;
  }
  for (const auto& a : out) {
    std::cout << a["id"].get<std::string>() << "  " << a["nama"].get<std::string>() << "\n"
              << "  zone " << (a["zona_waktu"].get<std::string>().empty() ? "(per procedure)" : a["zona_waktu"].get<std::string>())
              << ", calendar " << a["kalender"].get<std::string>() << ", file " << a["file"].get<std::string>() << "\n";
    if (!a["mengawasi"].empty()) std::cout << "  oversees: " << a["mengawasi"].dump() << "\n";
    if (!a["diawasi_oleh"].empty()) std::cout << "  overseen by: " << a["diawasi_oleh"].dump() << "\n";
    for (const auto& p : a["procedures"]) std::cout << "  procedure " << p.get<std::string>() << "\n";
  }
  for (const auto& [agency, ids] : unfiled.items())
    for (const auto& p : ids)
      std::cout << (agency == "(bersama)" ? std::string("shared base (no instansi)") : agency + " (no sop/instansi file)")
                << ": procedure " << p.get<std::string>() << "\n";
  return kExitOk;
}

struct AgencyOptions {
  std::string id, nama, zona_waktu, kalender = "nasional";
  std::vector<std::string> mengawasi;
};

// A Lua string literal; the name is one line of text.
Result<std::string> LuaString(const std::string& field, const std::string& text) {
  std::string out = "\"";
  for (char c : text) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) return InvalidField(field, "one line of text, no control characters");
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

Result<std::string> AgencyFileText(const AgencyOptions& o) {
  auto id = LuaString("id", o.id);
  auto nama = LuaString("nama", o.nama);
  auto zone = LuaString("zona_waktu", o.zona_waktu);
  auto kalender = LuaString("kalender", o.kalender);
  for (auto* r : {&id, &nama, &zone, &kalender})
    if (!r->ok()) return r->status();
  std::string overseen;
  for (const auto& other : o.mengawasi) overseen += (overseen.empty() ? " " : ", ") + *LuaString("mengawasi", other);
  std::string text = "-- " + o.nama + "\n-- Written by `siaga agency create`; edit freely (docs/multi-agency.md, docs/time.md for\n"
                     "-- jam_kerja, libur_lokal and layanan_24_jam).\nreturn instansi {\n"
                     "  id         = " + *id + ",\n  nama       = " + *nama + ",\n";
  if (!o.zona_waktu.empty()) text += "  zona_waktu = " + *zone + ",\n";
  text += "  kalender   = " + *kalender + ",\n";
  text += "  mengawasi  = {" + overseen + (overseen.empty() ? "" : " ") + "},\n}\n";
  return text;
}

int Create(const GlobalOptions& global, const AgencyOptions& o) {
  namespace fs = std::filesystem;
  if (!IsAgencyId(o.id)) return Fail(InvalidField("id", "'" + o.id + "' is not an agency id ([a-z0-9_.-], 1-64), e.g. kab-kutai-kartanegara"));
  if (o.nama.empty() || o.nama.size() > 300) return Fail(InvalidField("nama", "the agency's name, 1 to 300 bytes"));
  for (const auto& other : o.mengawasi)
    if (!IsAgencyId(other)) return Fail(InvalidField("mengawasi", "'" + other + "' is not an agency id"));
  CalendarBook book;
  for (const Diagnostic& d : book.LoadDirectory(global.sop_dir))
    if (d.severity == Diagnostic::Severity::kError) std::cerr << "siaga: warning: " << d.ToString() << "\n";
  const fs::path path = fs::path(global.sop_dir) / "instansi" / (o.id + ".lua");
  std::error_code ec;
  if (fs::exists(path, ec)) return Fail(Conflict("id: " + path.string() + " already exists: edit it (siaga lint checks it)").WithField("id"));
  if (const AgencySettings* known = book.Agency(o.id))
    return Fail(Conflict("id: agency '" + o.id + "' is already set in " + known->file).WithField("id"));
  auto text = AgencyFileText(o);
  if (!text.ok()) return Fail(text.status());
  // Written beside its final name (".tmp" is not a .lua file: the watcher ignores it), checked
  // with the deployment's other agency files, then renamed into place in one step.
  fs::create_directories(path.parent_path(), ec);
  const fs::path draft = path.string() + ".tmp";
  {
    std::ofstream out(draft, std::ios::binary | std::ios::trunc);
    out << *text;
    out.close();
    if (!out) return Fail(StorageError("cannot write " + draft.string()));
  }
  for (const Diagnostic& d : book.LoadFile(draft.string())) {
    if (d.severity != Diagnostic::Severity::kError) continue;
    fs::remove(draft, ec);
    return Fail(InvalidField(d.field.empty() ? "agency" : d.field, d.message));
  }
  fs::rename(draft, path, ec);
  if (ec) {
    fs::remove(draft, ec);
    return Fail(StorageError("cannot create " + path.string() + ": " + ec.message()));
  }
  std::vector<std::string> unknown;
  for (const auto& other : o.mengawasi)
    if (book.Agency(other) == nullptr) unknown.push_back(other);
  if (global.json) {
    std::cout << nlohmann::json{{"id", o.id}, {"file", path.string()}, {"mengawasi_without_file", unknown}}.dump() << "\n";
    return kExitOk;
  }
  std::cout << "agency " << o.id << " written to " << path.string() << "\n";
  for (const auto& other : unknown)
    std::cout << "note: '" << other << "' has no sop/instansi file yet: it can hand cases over once it has one\n";
  std::cout << "next: its procedures under " << global.sop_dir << "/<folder>/ with instansi = \"" << o.id << "\"; its people:\n"
            << "  siaga token create --user NAME --role ROLE --agency " << o.id << "   (or POST /api/tokens)\n"
            << "a running server loads the file on its own (or: siaga reload)\n";
  return kExitOk;
}

}  // namespace

void AddAgencyCommands(CLI::App& app, GlobalOptions& global, int& exit_code) {
  CLI::App* group = app.add_subcommand("agency", "agencies (sop/instansi/*.lua): list them, or create one");
  group->require_subcommand(1);
  auto o = std::make_shared<AgencyOptions>();
  CLI::App* create = group->add_subcommand("create", "write sop/instansi/ID.lua for a new agency, checked before it appears");
  create->add_option("id", o->id, "the agency id, e.g. kab-kutai-kartanegara ([a-z0-9_.-])")->required();
  create->add_option("--nama", o->nama, "the agency's full name")->required();
  create->add_option("--zona", o->zona_waktu, "its time zone: WIB, WITA or WIT (default: each procedure's own)");
  create->add_option("--kalender", o->kalender, "the national calendar it follows (sop/kalender/)")->capture_default_str();
  create->add_option("--mengawasi", o->mengawasi, "an agency it oversees (receives hand-overs from); repeatable");
  create->callback([&global, &exit_code, o] { exit_code = Create(global, *o); });
  group->add_subcommand("list", "agencies with their procedures, time zone, calendar and whom they oversee (--json for data)")
      ->callback([&global, &exit_code] { exit_code = List(global); });
}

}  // namespace siaga::cli
