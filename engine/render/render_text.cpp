#include "render/render_text.h"

#include <sstream>

namespace siaga::render {

namespace {

constexpr double kEmPerChar = 0.6;

const Words kIndonesian = {
    "No", "Kegiatan", "Pelaksana", "Mutu Baku", "Kelengkapan", "Waktu", "Output", "Keterangan",
    "Mulai", "Selesai", "disimpulkan", "(tanpa pelaksana)", "tunggu", "pihak luar", "otomatis", "sub-prosedur",
    "batas waktu", "Dibantu", "membantu",
    "Simbol: kapsul = mulai/selesai, kotak = kegiatan, belah ketupat = keputusan, panah = alur. "
    "Garis putus-putus dan tanda \u201cdisimpulkan\u201d: dibaca oleh Siaga, tidak tertulis di sumber."};

const Words kEnglish = {
    "No", "Activity", "Performer", "Quality standard", "Inputs", "Time", "Output", "Notes",
    "Start", "End", "inferred", "(no performer)", "wait", "external party", "automatic", "sub-procedure",
    "time-out", "Assisted by", "assists",
    "Symbols: capsule = start/end, box = activity, diamond = decision, arrow = flow. "
    "Dashed lines and the \u201cinferred\u201d mark: Siaga's reading, not written in the source."};

// UTF-8 continuation bytes do not start a character.
std::size_t CharacterCount(const std::string& text) {
  std::size_t n = 0;
  for (unsigned char c : text)
    if ((c & 0xC0) != 0x80) ++n;
  return n;
}

// The byte length of the first `chars` characters of `text`.
std::size_t BytesForCharacters(const std::string& text, std::size_t chars) {
  std::size_t i = 0, seen = 0;
  while (i < text.size()) {
    if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) {
      if (seen == chars) break;
      ++seen;
    }
    ++i;
  }
  return i;
}

}  // namespace

const Words& WordsFor(const std::string& language) { return language == "en" ? kEnglish : kIndonesian; }

bool IsKnownLanguage(const std::string& language) { return language == "id" || language == "en"; }

double TextWidth(const std::string& text, double font_px) {
  return static_cast<double>(CharacterCount(text)) * font_px * kEmPerChar;
}

std::string CollapseSpaces(const std::string& text) {
  std::string out;
  for (char c : text) {
    const bool space = c == ' ' || c == '\n' || c == '\t' || c == '\r';
    if (space) {
      if (!out.empty() && out.back() != ' ') out += ' ';
    } else {
      out += c;
    }
  }
  if (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

std::vector<std::string> WrapText(const std::string& text, double width_px, double font_px) {
  const std::size_t per_line =
      std::max<std::size_t>(1, static_cast<std::size_t>(width_px / (font_px * kEmPerChar)));
  std::vector<std::string> lines;
  std::string line;
  std::istringstream words(CollapseSpaces(text));
  std::string word;
  while (words >> word) {
    while (CharacterCount(word) > per_line) {  // a word wider than the cell is cut
      if (!line.empty()) lines.push_back(std::move(line)), line.clear();
      const std::size_t cut = BytesForCharacters(word, per_line);
      lines.push_back(word.substr(0, cut));
      word.erase(0, cut);
    }
    if (word.empty()) continue;
    if (line.empty()) line = word;
    else if (CharacterCount(line) + 1 + CharacterCount(word) <= per_line) line += " " + word;
    else lines.push_back(std::move(line)), line = word;
  }
  if (!line.empty()) lines.push_back(std::move(line));
  return lines;
}

}  // namespace siaga::render
