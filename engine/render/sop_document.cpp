#include "render/sop_document.h"

#include <set>
#include <sstream>

#include "render/flowchart_svg.h"
#include "reports/render.h"

namespace siaga::render {

namespace {

// The identity part's fields in the order of the SOP AP identity box, with their printed names.
struct IdentityField {
  const char* key;
  const char* label_id;
  const char* label_en;
};
constexpr IdentityField kIdentityFields[] = {
    {"instansi", "Unit / Instansi", "Unit / Agency"},
    {"nomor", "Nomor SOP", "SOP number"},
    {"tanggal_pembuatan", "Tanggal Pembuatan", "Date made"},
    {"tanggal_revisi", "Tanggal Revisi", "Date revised"},
    {"tanggal_efektif", "Tanggal Efektif", "Effective date"},
    {"disahkan_oleh", "Disahkan oleh", "Approved by"},
    {"nama", "Judul SOP", "Title"},
    {"dasar_hukum", "Dasar Hukum", "Legal basis"},
    {"keterkaitan", "Keterkaitan", "Related SOPs"},
    {"peringatan", "Peringatan", "Warning"},
    {"kualifikasi", "Kualifikasi Pelaksana", "Performer qualifications"},
    {"peralatan", "Peralatan / Perlengkapan", "Equipment"},
    {"pencatatan", "Pencatatan dan Pendataan", "Records"},
};

const char* kPageStyle = R"css(
@page { size: A4 landscape; margin: 10mm; }
body { font-family: Arial, "Liberation Sans", Helvetica, "DejaVu Sans", sans-serif; font-size: 10.5pt; color: #111; margin: 16px; }
h1 { font-size: 14pt; margin: 0 0 8px; }
.meta { color: #555; font-size: 9pt; margin-bottom: 10px; }
table.identity { border-collapse: collapse; width: 100%; margin-bottom: 14px; }
table.identity th, table.identity td { border: 1px solid #333; padding: 4px 6px; vertical-align: top; text-align: left; }
table.identity th { background: #e8edf3; width: 24%; font-weight: bold; }
table.identity ol, table.identity ul { margin: 0; padding-left: 18px; }
td.blank { height: 1.2em; }
h2 { font-size: 12pt; margin: 12px 0 6px; }
.flowchart svg { max-width: 100%; height: auto; display: block; }
.inferred-note { font-size: 9pt; color: #8a5a00; }
@media print { body { margin: 0; } .flowchart { page-break-before: always; } }
)css";

// A value of `identitas` as HTML: lists as numbered lists, objects ("disahkan_oleh") as
// "key: value" lines, text as text.
std::string ValueHtml(const nlohmann::json& value) {
  if (value.is_null()) return "";
  if (value.is_string()) return HtmlEscape(value.get<std::string>());
  if (value.is_array()) {
    if (value.empty()) return "";
    std::string out = "<ol>";
    for (const auto& item : value) out += "<li>" + ValueHtml(item) + "</li>";
    return out + "</ol>";
  }
  if (value.is_object()) {
    std::string out;
    for (const auto& [key, item] : value.items())
      out += (out.empty() ? "" : "<br>") + HtmlEscape(key) + ": " + ValueHtml(item);
    return out;
  }
  return HtmlEscape(value.dump());
}

void IdentityRow(std::ostream& out, const std::string& label, const std::string& value_html) {
  out << "<tr><th>" << HtmlEscape(label) << "</th><td" << (value_html.empty() ? " class=\"blank\"" : "") << ">" << value_html
      << "</td></tr>\n";
}

void WriteIdentity(std::ostream& out, const ProcedureDef& def, bool english) {
  const nlohmann::json& id = def.identitas;
  std::set<std::string> shown;
  out << "<table class=\"identity\">\n";
  for (const IdentityField& f : kIdentityFields) {
    shown.insert(f.key);
    std::string value = id.contains(f.key) ? ValueHtml(id[f.key]) : "";
    if (value.empty() && std::string(f.key) == "instansi") value = HtmlEscape(def.instansi);
    IdentityRow(out, english ? f.label_en : f.label_id, value);
  }
  // Fields beyond the standard box (e.g. seed 004's Standar Pelayanan components) follow,
  // under their own names, so nothing the agency wrote is dropped.
  for (const auto& [key, value] : id.items())
    if (!shown.contains(key)) IdentityRow(out, key, ValueHtml(value));
  if (def.sla_kasus)
    IdentityRow(out, english ? "Service standard" : "Standar waktu layanan",
                HtmlEscape(def.sla_kasus->raw + (def.sla_sumber.empty() ? "" : " (" + def.sla_sumber + ")")));
  out << "</table>\n";
}

}  // namespace

std::string RenderSopDocument(const ProcedureDef& def, const RenderOptions& options) {
  const bool english = options.language == "en";
  std::ostringstream out;
  out << "<!DOCTYPE html>\n<html lang=\"" << (english ? "en" : "id") << "\">\n<head>\n<meta charset=\"utf-8\">\n"
      << "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
      << "<title>" << HtmlEscape(def.Title()) << "</title>\n<style>" << kPageStyle << "</style>\n</head>\n<body>\n";
  out << "<h1>" << HtmlEscape(def.Title()) << "</h1>\n";
  out << "<div class=\"meta\">" << HtmlEscape(def.id) << " &middot; " << (english ? "revision " : "revisi ") << def.revision
      << " &middot; " << (english ? "version " : "versi ") << HtmlEscape(def.hash.substr(0, 12)) << " &middot; "
      << HtmlEscape(def.zona_waktu) << "</div>\n";
  out << "<section class=\"identity-part\">\n";
  WriteIdentity(out, def, english);
  out << "</section>\n<section class=\"flowchart\">\n<h2>" << (english ? "Flowchart" : "Diagram Alir") << "</h2>\n";
  out << RenderFlowchartSvg(def, options);
  out << "</section>\n</body>\n</html>\n";
  return out.str();
}

}  // namespace siaga::render
