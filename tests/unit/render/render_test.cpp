// siaga render: the SOP AP document and its flowchart, checked against every procedure in sop/.
// What is expected is computed here from the definitions directly (not through the renderer's
// own Transitions()), and what was drawn is read back from the SVG's data attributes, the way
// the dashboard reads it.
#include <catch2/catch.hpp>

#include <regex>
#include <set>
#include <tuple>

#include "procedure/registry.h"
#include "render/flowchart_layout.h"
#include "render/flowchart_svg.h"
#include "render/sop_document.h"
#include "test_support.h"

using namespace siaga;
using namespace siaga::render;

namespace {

using Edge = std::tuple<std::string, std::string, std::string>;  // from, to, label

std::string Unescape(std::string s) {
  const std::pair<const char*, const char*> entities[] = {{"&lt;", "<"}, {"&gt;", ">"}, {"&quot;", "\""}, {"&#39;", "'"}, {"&amp;", "&"}};
  for (const auto& [from, to] : entities)
    for (std::size_t at = s.find(from); at != std::string::npos; at = s.find(from, at + 1)) s.replace(at, std::strlen(from), to);
  return s;
}

// The words a reader sees: tags removed, entities decoded, white space collapsed (wrapped lines
// of one cell come back as one line).
std::string VisibleText(const std::string& markup) {
  static const std::regex tags("<[^>]*>");
  return CollapseSpaces(Unescape(std::regex_replace(markup, tags, " ")));
}

std::string Attr(const std::string& tag, const std::string& name) {
  const std::regex re(" " + name + "=\"([^\"]*)\"");
  std::smatch m;
  return std::regex_search(tag, m, re) ? Unescape(m[1].str()) : std::string("<absent>");
}

// Every `<g class="arrow ...">...</g>` of the SVG: its opening tag and its body.
std::vector<std::pair<std::string, std::string>> ArrowGroups(const std::string& svg) {
  static const std::regex arrow("(<g class=\"arrow[^\"]*\"[^>]*>)(.*?)</g>");
  std::vector<std::pair<std::string, std::string>> out;
  for (auto it = std::sregex_iterator(svg.begin(), svg.end(), arrow); it != std::sregex_iterator(); ++it)
    out.emplace_back((*it)[1].str(), (*it)[2].str());
  return out;
}

std::multiset<Edge> DrawnEdges(const std::string& svg) {
  std::multiset<Edge> out;
  for (const auto& [tag, body] : ArrowGroups(svg)) out.emplace(Attr(tag, "data-from"), Attr(tag, "data-to"), Attr(tag, "data-label"));
  return out;
}

// The transitions as the procedure file states them.
std::multiset<Edge> ExpectedEdges(const ProcedureDef& def) {
  std::multiset<Edge> out;
  for (const StepDef& s : def.steps) {
    if (s.next) out.emplace(s.id, s.next->step, "");
    for (const Branch& b : s.branches) out.emplace(s.id, b.next.step, b.label);
    if (s.timeout) out.emplace(s.id, s.timeout->step, "timeout");
    for (const auto& [signal, target] : s.on) out.emplace(s.id, target, signal);
  }
  return out;
}

struct Seeds {
  ProcedureRegistry registry;
  Seeds() {
    const auto diags = registry.LoadDirectory(test::kSeedDir);
    REQUIRE_FALSE(HasErrors(diags));
    REQUIRE(registry.LatestAll().size() >= 8);
  }
};

bool Overlap(const Box& a, const Box& b) {
  return a.x < b.right() && b.x < a.right() && a.y < b.bottom() && b.y < a.bottom();
}

bool Touches(const Point& p, const Box& b) {
  constexpr double kSlack = 1.0;
  return p.x >= b.x - kSlack && p.x <= b.right() + kSlack && p.y >= b.y - kSlack && p.y <= b.bottom() + kSlack;
}

std::shared_ptr<CompiledProcedure> Load(const std::string& source) {
  LoadResult r = LoadProcedureSource(source, "uji/jahat.lua");
  std::string errors;
  for (const auto& d : r.diagnostics) errors += d.ToString() + "\n";
  INFO(errors);
  REQUIRE(r.procedure);
  return r.procedure;
}

const std::string kHostile = R"lua(
return sop {
  id = "uji/jahat", revision = 1, instansi = "uji", zona_waktu = "WIB",
  identitas = { nama = "<script>alert('x')</script> & \"SOP\"", nomor = "</td><img src=x onerror=alert(1)>",
                dasar_hukum = { "<b>UU</b>" } },
  pelaksana = { staf = { label = "Staf <i>\"TI\"</i>", kolom = 1 } },
  langkah = {
    task "a" { no = 1, kegiatan = "Cek <svg onload=alert(1)> & lapor", pelaksana = "staf", waktu = "1 jam",
               keterangan = "]]></text><script>x</script>", next = "b" },
    decision "b" { no = 2, kegiatan = "Putuskan", pelaksana = "staf",
                   branches = { { "ya\" onclick=\"x", next = "c" }, { "<tidak>", next = "a" } } },
    finish "c" {},
  },
}
)lua";

}  // namespace

TEST_CASE("every seed's flowchart shows every step, role and time, and one arrow per transition", "[render]") {
  Seeds seeds;
  for (const auto& procedure : seeds.registry.LatestAll()) {
    const ProcedureDef& def = procedure->def();
    INFO("procedure " << def.id);
    const std::string svg = RenderFlowchartSvg(def, RenderOptions{});
    const std::string text = VisibleText(svg);

    for (const StepDef& step : def.steps) {
      INFO("step " << step.id);
      CHECK(svg.find("data-step=\"" + step.id + "\" data-role=\"" + step.role + "\"") != std::string::npos);
      if (!step.kegiatan.empty()) CHECK(text.find(CollapseSpaces(step.kegiatan)) != std::string::npos);
      if (step.waktu) CHECK(text.find(step.waktu->raw) != std::string::npos);
    }
    for (const std::string& role : def.role_order) {
      INFO("role " << role);
      CHECK(svg.find("<g class=\"lane-header\" data-role=\"" + role + "\">") != std::string::npos);
      CHECK(text.find(CollapseSpaces(RoleLabel(def, role))) != std::string::npos);
    }
    CHECK(DrawnEdges(svg) == ExpectedEdges(def));
  }
}

TEST_CASE("decision arrows carry their branch labels on the page", "[render]") {
  Seeds seeds;
  int decisions = 0;
  for (const auto& procedure : seeds.registry.LatestAll()) {
    const ProcedureDef& def = procedure->def();
    const auto arrows = ArrowGroups(RenderFlowchartSvg(def, RenderOptions{}));
    for (const StepDef& step : def.steps) {
      for (const Branch& branch : step.branches) {
        INFO(def.id << " " << step.id << " -> " << branch.label);
        bool shown = false;
        for (const auto& [tag, body] : arrows)
          if (Attr(tag, "data-from") == step.id && Attr(tag, "data-label") == branch.label && Attr(tag, "data-kind") == "branch")
            shown = VisibleText(body).find(branch.label) != std::string::npos;
        CHECK(shown);
      }
      if (step.kind == StepKind::kDecision) ++decisions;
    }
  }
  CHECK(decisions >= 8);  // kamisandi 2, kaltim 2, surakarta 3, ...
}

TEST_CASE("the layout keeps symbols apart and every arrow joins its two symbols", "[render]") {
  Seeds seeds;
  for (const auto& procedure : seeds.registry.LatestAll()) {
    const ProcedureDef& def = procedure->def();
    INFO("procedure " << def.id);
    const FlowchartLayout layout = LayOutFlowchart(def, RenderOptions{});
    for (std::size_t i = 0; i < layout.steps.size(); ++i)
      for (std::size_t j = i + 1; j < layout.steps.size(); ++j) CHECK_FALSE(Overlap(layout.steps[i].box, layout.steps[j].box));
    for (const PlacedStep& s : layout.steps) {
      const Row& row = layout.rows[s.row];
      CHECK(s.box.y >= row.y);
      CHECK(s.box.bottom() <= row.y + row.h);
      const Lane& lane = layout.lanes[s.lane];
      CHECK(s.box.x >= lane.x);
      CHECK(s.box.right() <= lane.x + lane.w);
    }
    auto box_of = [&](const std::string& id) {
      for (const PlacedStep& s : layout.steps)
        if (s.step == id) return s.box;
      FAIL("no symbol for " << id);
      return Box{};
    };
    for (const Arrow& a : layout.arrows) {
      if (a.entry) continue;
      INFO(a.transition.from << " -> " << a.transition.to);
      REQUIRE(a.points.size() >= 2);
      CHECK(Touches(a.points.front(), box_of(a.transition.from)));
      CHECK(Touches(a.points.back(), box_of(a.transition.to)));
      // Loops are drawn back upward, forward arrows downward.
      const Box from = box_of(a.transition.from), to = box_of(a.transition.to);
      if (to.y < from.y) CHECK(a.points.back().y < a.points.front().y);
      if (to.y > from.y) CHECK(a.points.back().y > a.points.front().y);
    }
  }
}

TEST_CASE("the document has the identity part, the flowchart and A4 landscape printing", "[render]") {
  Seeds seeds;
  const auto kaltim = seeds.registry.Latest("kaltim/gangguan-keamanan-jaringan");
  REQUIRE(kaltim);
  const std::string html = RenderSopDocument(kaltim->def(), RenderOptions{});
  CHECK(html.rfind("<!DOCTYPE html>", 0) == 0);
  CHECK(html.find("@page { size: A4 landscape") != std::string::npos);
  CHECK(html.find("<script") == std::string::npos);  // self-contained and inert
  const std::string text = VisibleText(html);
  for (const char* label : {"Nomor SOP", "Tanggal Pembuatan", "Tanggal Revisi", "Tanggal Efektif", "Disahkan oleh", "Dasar Hukum",
                            "Keterkaitan", "Peringatan", "Kualifikasi Pelaksana", "Peralatan / Perlengkapan",
                            "Pencatatan dan Pendataan", "Kelengkapan", "Waktu", "Output", "Keterangan", "Mutu Baku"})
    CHECK(text.find(label) != std::string::npos);
  CHECK(text.find("Undang-undang Nomor 25 Tahun 2009 tentang pelayanan Publik") != std::string::npos);
  CHECK(text.find("2-5 hari kerja") != std::string::npos);  // the service standard
  // Step 4's easy branch and the end are Siaga's reading: marked on the page.
  CHECK(html.find("class=\"step inferred process\" data-step=\"lapor_ke_pemeriksa\"") != std::string::npos);
  CHECK(html.find("class=\"arrow inferred\" data-from=\"lapor_ke_pemeriksa\"") != std::string::npos);
  CHECK(text.find("disimpulkan") != std::string::npos);

  SECTION("in English the words change, the data attributes do not") {
    RenderOptions en;
    en.language = "en";
    const std::string english = RenderSopDocument(kaltim->def(), en);
    CHECK(english.find("<html lang=\"en\">") != std::string::npos);
    CHECK(VisibleText(english).find("inferred") != std::string::npos);
    CHECK(DrawnEdges(english) == ExpectedEdges(kaltim->def()));
  }
}

TEST_CASE("the current and breached steps are marked for the dashboard", "[render]") {
  Seeds seeds;
  const auto kamisandi = seeds.registry.Latest("kamisandi/manajemen-keamanan-informasi");
  REQUIRE(kamisandi);
  RenderOptions options;
  options.current_step = "konfirmasi";
  options.breached_steps = {"perbaikan", "periksa_draft"};
  const std::string svg = RenderFlowchartSvg(kamisandi->def(), options);
  CHECK(svg.find("class=\"step current inferred decision\" data-step=\"konfirmasi\"") != std::string::npos);
  CHECK(svg.find("class=\"step breached inferred process\" data-step=\"perbaikan\"") != std::string::npos);
  CHECK(svg.find("class=\"row breached\" data-step=\"periksa_draft\"") != std::string::npos);
  CHECK(svg.find("class=\"row current\" data-step=\"konfirmasi\"") != std::string::npos);
  const std::string plain = RenderFlowchartSvg(kamisandi->def(), RenderOptions{});
  static const std::regex marked("class=\"(step|row)[^\"]*\\b(current|breached)\\b");
  CHECK_FALSE(std::regex_search(plain, marked));
  CHECK(std::regex_search(svg, marked));
  // The same input gives the same drawing, byte for byte.
  CHECK(RenderFlowchartSvg(kamisandi->def(), options) == svg);
}

TEST_CASE("hostile text in a procedure is escaped everywhere it is printed", "[render]") {
  const auto procedure = Load(kHostile);
  const std::string html = RenderSopDocument(procedure->def(), RenderOptions{});
  CHECK(html.find("<script>alert") == std::string::npos);
  CHECK(html.find("<script>x") == std::string::npos);
  CHECK(html.find("<img") == std::string::npos);
  CHECK(html.find("<svg onload") == std::string::npos);
  CHECK(html.find("<b>UU") == std::string::npos);
  CHECK(html.find("<i>") == std::string::npos);
  CHECK(html.find("onclick=\"x") == std::string::npos);
  CHECK(html.find("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;SOP&quot;") != std::string::npos);
  CHECK(html.find("data-label=\"ya&quot; onclick=&quot;x\"") != std::string::npos);
  // Escaped, the text still reads as written.
  const std::string text = VisibleText(html);
  CHECK(text.find("Cek <svg onload=alert(1)> & lapor") != std::string::npos);
  CHECK(text.find("Staf <i>\"TI\"</i>") != std::string::npos);
  CHECK(DrawnEdges(html) == ExpectedEdges(procedure->def()));
}

TEST_CASE("long words wrap inside their cell", "[render]") {
  const auto lines = WrapText("Menerima dan mencatat laporan gangguan sistem Keamanan", 100, 11);
  REQUIRE(lines.size() > 1);
  for (const auto& line : lines) CHECK(TextWidth(line, 11) <= 100);
  const auto cut = WrapText(std::string(60, 'x'), 50, 10);
  CHECK(cut.size() > 1);
  CHECK(WrapText("", 50, 10).empty());
}
