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

namespace {

// An axis function maps a row to a row; its curve is output 0 as the row's input moves
// (probe_row). The samples become n rows of a rank-3 tensor whose other two dimensions
// are 1 and n, so every axis convention resolves (softmax2d's channel axis needs rank 3).
struct AxisSamples {
  Shape in_shape;
  std::size_t axis, length, sample_dim;
};

std::size_t probe_length(const Activation& f) {
  switch (f.info().axis_size) {
    case AxisSize::same: return 2;                                          // (x, 0)
    case AxisSize::halved: return 2;                                        // (x, x)
    case AxisSize::divided_by_k: return static_cast<std::size_t>(f.param("k"));  // (x, 0, ..., 0)
  }
  return 2;
}

AxisSamples axis_samples(const Activation& f, std::size_t n) {
  AxisSamples s;
  s.axis = f.resolved_axis(3);
  s.length = probe_length(f);
  s.sample_dim = s.axis == 0 ? 1 : 0;
  s.in_shape = {1, 1, 1};
  s.in_shape[s.axis] = s.length;
  s.in_shape[s.sample_dim] = n;
  return s;
}

// Element (sample i, position j along the axis) of a C-order tensor of `shape`.
std::size_t at(const Shape& shape, std::size_t sample_dim, std::size_t axis, std::size_t i, std::size_t j) {
  const Strides st = contiguous_strides(shape);
  return static_cast<std::size_t>(st[sample_dim]) * i + static_cast<std::size_t>(st[axis]) * j;
}

std::vector<double> evaluate_axis(const Activation& f, const std::vector<double>& x, bool derivative) {
  const std::size_t n = x.size();
  const AxisSamples s = axis_samples(f, n);
  const bool gate_follows = f.info().axis_size == AxisSize::halved;
  std::vector<double> in(shape_size(s.in_shape), 0.0);
  for (std::size_t i = 0; i < n; ++i) {
    in[at(s.in_shape, s.sample_dim, s.axis, i, 0)] = x[i];
    if (gate_follows) in[at(s.in_shape, s.sample_dim, s.axis, i, 1)] = x[i];
  }
  const Shape out_shape = f.output_shape(s.in_shape);
  std::vector<double> result(n);
  if (!derivative) {
    std::vector<double> out(shape_size(out_shape));
    f.forward(ConstTensorView<double>(in.data(), s.in_shape), TensorView<double>(out.data(), out_shape));
    for (std::size_t i = 0; i < n; ++i) result[i] = out[at(out_shape, s.sample_dim, s.axis, i, 0)];
    return result;
  }
  // d out0 / dx: backward with dy = e0, summed over the inputs that follow x.
  std::vector<double> dy(shape_size(out_shape), 0.0), dx(in.size());
  for (std::size_t i = 0; i < n; ++i) dy[at(out_shape, s.sample_dim, s.axis, i, 0)] = 1.0;
  f.backward(ConstTensorView<double>(in.data(), s.in_shape), ConstTensorView<double>(dy.data(), out_shape),
             TensorView<double>(dx.data(), s.in_shape));
  for (std::size_t i = 0; i < n; ++i) {
    result[i] = dx[at(s.in_shape, s.sample_dim, s.axis, i, 0)];
    if (gate_follows) result[i] += dx[at(s.in_shape, s.sample_dim, s.axis, i, 1)];
  }
  return result;
}

}  // namespace

std::vector<double> evaluate(const Activation& f, const std::vector<double>& x, bool derivative) {
  if (f.info().kind == Kind::axis) return evaluate_axis(f, x, derivative);
  std::vector<double> y(x.size());
  if (derivative) {
    const std::vector<double> ones(x.size(), 1.0);
    f.backward(x, ones, y);
  } else {
    f.forward(x, y);
  }
  return y;
}

std::string probe_description(const Activation& f) {
  if (f.info().kind != Kind::axis) return "";
  switch (f.info().axis_size) {
    case AxisSize::same: return "output 0 of the row (x, 0)";
    case AxisSize::halved: return "the output of the row (x, x): value and gate both x";
    case AxisSize::divided_by_k: return "the output of one group (x, 0, ..., 0)";
  }
  return "";
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
