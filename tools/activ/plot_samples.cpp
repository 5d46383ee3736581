#include "plot_samples.hpp"

#include <algorithm>
#include <cmath>

namespace activ::cli::plot {

std::vector<double> linspace(Range r, std::size_t n) {
  std::vector<double> x(n);
  const double step = (r.hi - r.lo) / static_cast<double>(n - 1);
  // lo + i * step rather than accumulating, so 0 and the endpoints are hit exactly
  // when they lie on the grid (relu's kink convention shows at x = 0).
  for (std::size_t i = 0; i < n; ++i) x[i] = r.lo + static_cast<double>(i) * step;
  x[n - 1] = r.hi;
  return x;
}

std::vector<double> evaluate(const Activation& f, const std::vector<double>& x, bool derivative) {
  std::vector<double> y(x.size());
  if (derivative) {
    const std::vector<double> ones(x.size(), 1.0);
    f.backward(x, ones, y);
  } else {
    f.forward(x, y);
  }
  return y;
}

namespace {

double value_at(const Activation& f, double x, bool derivative) {
  return evaluate(f, {x}, derivative)[0];
}

// Halves [a, b] towards the side where g changes most. After enough halvings a
// continuous g differs by next to nothing across the interval; a jump keeps its size.
bool confirmed_by_bisection(const Activation& f, bool derivative, double a, double b, double ga, double gb) {
  const double gap = std::fabs(gb - ga);
  for (int i = 0; i < 60; ++i) {
    const double m = a + (b - a) / 2;
    if (m <= a || m >= b) break;
    const double gm = value_at(f, m, derivative);
    if (!std::isfinite(gm)) return false;
    if (std::fabs(gm - ga) > std::fabs(gb - gm)) {
      b = m;
      gb = gm;
    } else {
      a = m;
      ga = gm;
    }
  }
  return std::fabs(gb - ga) > gap / 2;
}

}  // namespace

std::vector<bool> find_jumps(const Activation& f, bool derivative, const std::vector<double>& x,
                             const std::vector<double>& y) {
  const std::size_t n = x.size();
  std::vector<bool> jump(n, false);
  auto step = [&](std::size_t i) { return i + 1 < n ? std::fabs(y[i + 1] - y[i]) : 0.0; };  // 0 past the end
  for (std::size_t i = 0; i + 1 < n; ++i) {
    if (!std::isfinite(y[i]) || !std::isfinite(y[i + 1])) continue;
    const double d = step(i);
    // Smooth curves change by similar amounts from one interval to the next. Looking two
    // intervals away also catches a jump split by a sample on it (f'(0) = 0.5, say).
    const double neighbours = std::max(i > 1 ? step(i - 2) : 0.0, step(i + 2));
    // Steps below a millionth are invisible in a plot (softplus's switch to x at
    // beta*x > threshold moves f' by 2e-9) and must not stretch the default range.
    if (!(d > 4 * neighbours) || d <= 1e-6 * (1 + std::fabs(y[i]))) continue;
    jump[i] = confirmed_by_bisection(f, derivative, x[i], x[i + 1], y[i], y[i + 1]);
  }
  return jump;
}

}  // namespace activ::cli::plot
