// What the SOP document and its flowchart share: the render options, the words printed in
// Indonesian or English, and the text helpers (wrapping by estimated width, escaping).
#pragma once

#include <set>
#include <string>
#include <vector>

namespace siaga::render {

// Everything beyond the procedure that changes the picture.
struct RenderOptions {
  std::string language = "id";             // "id" (the official text) or "en" (glosses where the file has them)
  std::string current_step;                // drawn highlighted (class "current"); empty for none
  std::set<std::string> breached_steps;    // drawn red (class "breached")
};

// The fixed words of the document, in the chosen language.
struct Words {
  const char* no;
  const char* kegiatan;
  const char* pelaksana;
  const char* mutu_baku;
  const char* kelengkapan;
  const char* waktu;
  const char* output;
  const char* keterangan;
  const char* start;            // terminator text
  const char* finish;
  const char* inferred;         // the visible mark on inferred steps, roles and arrows
  const char* no_performer;     // the lane of steps no Pelaksana owns
  const char* wait_note;        // notes on engine-only kinds, drawn in their process box
  const char* external_note;
  const char* automatic_note;
  const char* call_note;
  const char* timeout_label;    // the arrow a wait or timer takes when its time runs out
  const char* assisted_by;      // Keterangan of a joint task ("dibantu = { ... }")
  const char* assists;          // the mark in an assisting Pelaksana's lane
  const char* legend;
};

const Words& WordsFor(const std::string& language);

// True for the languages the renderer knows ("id", "en").
bool IsKnownLanguage(const std::string& language);

// Splits `text` into lines no wider than `width_px` at `font_px`, breaking at spaces (a word
// longer than a line is cut). The width of a character is estimated, since the renderer has no
// font metrics: 0.6 em covers Latin text in the usual sans-serif faces (DejaVu Sans, the widest of them, included).
std::vector<std::string> WrapText(const std::string& text, double width_px, double font_px);

// Estimated width of `text` in pixels at `font_px` (the same estimate WrapText uses).
double TextWidth(const std::string& text, double font_px);

// The text as one line: newlines and runs of spaces become single spaces.
std::string CollapseSpaces(const std::string& text);

}  // namespace siaga::render
