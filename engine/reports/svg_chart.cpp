// Bar and line charts as inline SVG, drawn from the numbers alone. Fixed size (760 x 340), a
// y axis with round ticks, x labels thinned and slanted when crowded, a legend, and a <title>
// on each bar and point so the figure shows on hover without any script.
#include <algorithm>
#include <cmath>
#include <cstdio>

#include "reports/render.h"

namespace siaga {

namespace {

constexpr double kWidth = 760, kHeight = 340;
constexpr double kLeft = 64, kRight = 16, kTop = 40, kBottom = 96;
constexpr const char* kColors[] = {"#2e7d32", "#c62828", "#1565c0", "#f9a825", "#6a1b9a",
                                   "#00838f", "#ef6c00", "#5d4037", "#ad1457", "#455a64"};

std::string Num(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", v);
  return buf;
}

// A step of 1, 2 or 5 times a power of ten giving about five ticks over `span`.
double NiceStep(double span) {
  if (span <= 0) return 1;
  const double raw = span / 5;
  const double magnitude = std::pow(10.0, std::floor(std::log10(raw)));
  for (double m : {1.0, 2.0, 5.0, 10.0})
    if (raw <= m * magnitude) return m * magnitude;
  return 10 * magnitude;
}

std::string Color(std::size_t i) { return kColors[i % std::size(kColors)]; }

}  // namespace

std::string RenderSvgChart(const ReportChart& c) {
  const std::size_t n = c.x.size();
  const bool stacked = c.type == "bar" && c.stacked;
  double lo = 0, hi = 0;
  for (std::size_t i = 0; i < n; ++i) {
    double positive = 0, negative = 0;
    for (const ChartSeries& s : c.series) {
      const double v = s.values[i];
      if (stacked) (v >= 0 ? positive : negative) += v;
      else {
        hi = std::max(hi, v);
        lo = std::min(lo, v);
      }
    }
    if (stacked) {
      hi = std::max(hi, positive);
      lo = std::min(lo, negative);
    }
  }
  const double step = NiceStep(hi - lo);
  hi = hi <= 0 ? step : std::ceil(hi / step) * step;
  lo = lo >= 0 ? 0 : std::floor(lo / step) * step;
  const double plot_w = kWidth - kLeft - kRight, plot_h = kHeight - kTop - kBottom;
  auto y_of = [&](double v) { return kTop + plot_h * (hi - v) / (hi - lo); };
  const double slot = n > 0 ? plot_w / static_cast<double>(n) : plot_w;

  std::string out = "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" viewBox=\"0 0 " + Num(kWidth) + " " + Num(kHeight) +
                    "\" role=\"img\" aria-label=\"" + HtmlEscape(c.title) + "\">";
  out += "<title>" + HtmlEscape(c.title) + "</title>";
  out += "<text x=\"" + Num(kLeft) + "\" y=\"22\" class=\"chart-title\">" + HtmlEscape(c.title) + "</text>";
  // Grid and y ticks.
  for (double v = lo; v <= hi + step / 2; v += step) {
    const double y = y_of(v);
    out += "<line x1=\"" + Num(kLeft) + "\" x2=\"" + Num(kWidth - kRight) + "\" y1=\"" + Num(y) + "\" y2=\"" + Num(y) +
           "\" class=\"" + (std::abs(v) < step / 2 ? "axis" : "grid") + "\"/>";
    out += "<text x=\"" + Num(kLeft - 6) + "\" y=\"" + Num(y + 4) + "\" class=\"tick\" text-anchor=\"end\">" +
           HtmlEscape(CellText(nlohmann::json(std::round(v * 100) / 100))) + "</text>";
  }
  if (!c.y_label.empty())
    out += "<text transform=\"translate(14 " + Num(kTop + plot_h / 2) + ") rotate(-90)\" class=\"tick\" text-anchor=\"middle\">" +
           HtmlEscape(c.y_label) + "</text>";

  // Bars or lines.
  if (c.type == "bar") {
    const std::size_t ns = c.series.size();
    const double group_w = slot * 0.8;
    const double bar_w = stacked ? group_w : group_w / static_cast<double>(ns);
    for (std::size_t i = 0; i < n; ++i) {
      double up = 0, down = 0;
      for (std::size_t s = 0; s < ns; ++s) {
        const double v = c.series[s].values[i];
        double base = 0;
        if (stacked) {
          base = v >= 0 ? up : down;
          (v >= 0 ? up : down) += v;
        }
        const double x = kLeft + slot * static_cast<double>(i) + slot * 0.1 + (stacked ? 0 : bar_w * static_cast<double>(s));
        const double y1 = y_of(base + std::max(v, 0.0)), y2 = y_of(base + std::min(v, 0.0));
        out += "<rect x=\"" + Num(x) + "\" y=\"" + Num(y1) + "\" width=\"" + Num(std::max(bar_w - 1, 1.0)) + "\" height=\"" +
               Num(std::max(y2 - y1, 0.0)) + "\" fill=\"" + Color(s) + "\"><title>" + HtmlEscape(c.x[i]) + " · " +
               HtmlEscape(c.series[s].name) + ": " + HtmlEscape(CellText(nlohmann::json(v))) + "</title></rect>";
      }
    }
  } else {
    for (std::size_t s = 0; s < c.series.size(); ++s) {
      std::string points;
      for (std::size_t i = 0; i < n; ++i)
        points += (i ? " " : "") + Num(kLeft + slot * (static_cast<double>(i) + 0.5)) + "," + Num(y_of(c.series[s].values[i]));
      out += "<polyline points=\"" + points + "\" fill=\"none\" stroke=\"" + Color(s) + "\" stroke-width=\"2\"/>";
      for (std::size_t i = 0; i < n; ++i)
        out += "<circle cx=\"" + Num(kLeft + slot * (static_cast<double>(i) + 0.5)) + "\" cy=\"" + Num(y_of(c.series[s].values[i])) +
               "\" r=\"3\" fill=\"" + Color(s) + "\"><title>" + HtmlEscape(c.x[i]) + " · " + HtmlEscape(c.series[s].name) + ": " +
               HtmlEscape(CellText(nlohmann::json(c.series[s].values[i]))) + "</title></circle>";
    }
  }

  // X labels: every k-th when crowded, slanted past 8.
  const std::size_t every = n > 24 ? (n + 23) / 24 : 1;
  const bool slant = n > 8;
  for (std::size_t i = 0; i < n; i += every) {
    const double x = kLeft + slot * (static_cast<double>(i) + 0.5), y = kTop + plot_h + 14;
    std::string label = c.x[i];
    if (label.size() > 28) {
      std::size_t cut = 27;
      while (cut > 0 && (static_cast<unsigned char>(label[cut]) & 0xC0) == 0x80) --cut;  // not inside a UTF-8 sequence
      label = label.substr(0, cut) + "…";
    }
    out += "<text x=\"" + Num(x) + "\" y=\"" + Num(y) + "\" class=\"tick\" text-anchor=\"" + (slant ? "end" : "middle") + "\"" +
           (slant ? " transform=\"rotate(-35 " + Num(x) + " " + Num(y) + ")\"" : "") + ">" + HtmlEscape(label) + "</text>";
  }
  // Legend.
  double lx = kLeft;
  const double ly = kHeight - 14;
  for (std::size_t s = 0; s < c.series.size(); ++s) {
    out += "<rect x=\"" + Num(lx) + "\" y=\"" + Num(ly - 10) + "\" width=\"12\" height=\"12\" fill=\"" + Color(s) + "\"/>";
    out += "<text x=\"" + Num(lx + 16) + "\" y=\"" + Num(ly) + "\" class=\"legend\">" + HtmlEscape(c.series[s].name) + "</text>";
    lx += 28 + 7 * static_cast<double>(std::min<std::size_t>(c.series[s].name.size(), 40));
  }
  out += "</svg>";
  return out;
}

}  // namespace siaga
