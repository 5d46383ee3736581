// Default x ranges, derived from the function itself rather than a hand-kept list:
// what a reader wants to see is every kink, jump and bend, with a margin.
#include <algorithm>
#include <cmath>

#include "plot.hpp"
#include "plot_samples.hpp"

namespace activ::cli::plot {
namespace {

constexpr Range kProbe{-50, 50};
constexpr std::size_t kProbePoints = 20001;  // a step of 0.005
// A bend counts when its curvature is at least this fraction of the sharpest one.
constexpr double kBendFraction = 0.02;
constexpr double kMinWidth = 6;
constexpr double kMinSide = 2;  // shown on each side of 0

// The x positions worth showing: jumps of f, kinks (jumps of f'), the edges of f's
// domain, and where the curvature |f''| / (1 + f'^2)^1.5 is a noticeable fraction of
// its peak. Curvature rather than |f''| so that exponential tails (f'' grows without
// bound) do not claim the whole probe: the bend of e^x is near 0 whatever its scale.
std::vector<double> features(const Activation& f, const std::vector<double>& x) {
  const std::vector<double> y = evaluate(f, x, false), d = evaluate(f, x, true);
  const std::vector<bool> jump = find_jumps(f, false, x, y), kink = find_jumps(f, true, x, d);
  std::vector<double> points, curvature(x.size(), 0.0);
  double peak = 0;
  for (std::size_t i = 0; i + 1 < x.size(); ++i) {
    const double mid = (x[i] + x[i + 1]) / 2;
    if (jump[i] || kink[i] || std::isnan(y[i]) != std::isnan(y[i + 1])) {
      points.push_back(mid);
      continue;
    }
    const double slope = (d[i] + d[i + 1]) / 2;
    const double k = std::fabs(d[i + 1] - d[i]) / (x[i + 1] - x[i]) / std::pow(1 + slope * slope, 1.5);
    if (std::isfinite(k)) {
      curvature[i] = k;
      peak = std::max(peak, k);
    }
  }
  if (peak > 1e-9)
    for (std::size_t i = 0; i + 1 < x.size(); ++i)
      if (curvature[i] >= kBendFraction * peak) points.push_back((x[i] + x[i + 1]) / 2);
  return points;
}

}  // namespace

Range default_range(const Activation& f) {
  const std::vector<double> x = linspace(kProbe, kProbePoints);
  const std::vector<double> points = features(f, x);
  // 0 always shows, so the axes cross in the picture.
  double lo = 0, hi = 0;
  for (const double p : points) {
    lo = std::min(lo, p);
    hi = std::max(hi, p);
  }
  const double pad = std::max(0.5, 0.1 * (hi - lo));
  // Both sides of 0 get some room: selu's bend is all below 0, but its line above 0 is
  // half of what it is.
  lo = std::min(lo - pad, -kMinSide);
  hi = std::max(hi + pad, kMinSide);
  if (hi - lo < kMinWidth) {
    // The centre to a half, so that features a sample step off centre do not cost a unit.
    const double centre = std::round(lo + hi) / 2;
    lo = centre - kMinWidth / 2;
    hi = centre + kMinWidth / 2;
  }
  Range r{std::max(kProbe.lo, std::floor(lo)), std::min(kProbe.hi, std::ceil(hi))};
  // Where f is undefined (NaN) at the ends, start where it is defined.
  const std::vector<double> y = evaluate(f, x, false);
  std::size_t first = 0, last = x.size() - 1;
  while (first < last && std::isnan(y[first])) ++first;
  while (last > first && std::isnan(y[last])) --last;
  r.lo = std::max(r.lo, x[first]);
  r.hi = std::min(r.hi, x[last]);
  if (!(r.lo < r.hi)) r = {-kMinWidth / 2, kMinWidth / 2};
  return r;
}

Range figure_range(const Figure& figure) {
  if (figure.range) return *figure.range;
  Range r{0, 0};
  bool first = true;
  for (const Curve& c : figure.curves) {
    const Range cr = default_range(c.f);
    r = first ? cr : Range{std::min(r.lo, cr.lo), std::max(r.hi, cr.hi)};
    first = false;
  }
  return first ? Range{-kMinWidth / 2, kMinWidth / 2} : r;
}

}  // namespace activ::cli::plot
