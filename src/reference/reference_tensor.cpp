// The MPFR row reference of the axis functions (reference_tensor.hpp). Written from
// the definitions: softmax y_i = exp(z_i - m) / sum_j exp(z_j - m) with z = sign*x/T,
// log_softmax (z_i - m) - log(sum), sparsemax by the sort-and-threshold rule in exact
// arithmetic, the gates from their closed forms. All at 256 bits or more.
#include "reference/reference_tensor.hpp"

#include <mpfr.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <stdexcept>

#include "catalog/entry.hpp"
#include "reference/mpfr_real.hpp"

namespace activ::reference {
namespace {

using detail::AxisFamily;

using mpfr::N;
using mpfr::Real;
using mpfr::logistic;

constexpr long double kNaN = std::numeric_limits<long double>::quiet_NaN();
constexpr long double kInf = std::numeric_limits<long double>::infinity();

long double get(mpfr_srcptr r) { return mpfr_get_ld(r, N); }

// ---- the softmax family ------------------------------------------------------------

std::vector<long double> softmax_ref(int sign, bool log, long double temperature, RowWhat what,
                                     std::span<const double> x, std::span<const double> dy, std::span<const bool> keep) {
  const std::size_t n = x.size();
  auto kept = [&](std::size_t j) { return keep.empty() || keep[j]; };
  std::vector<long double> out(n, 0);
  const long double masked = log ? -kInf : 0;
  Real temp;
  mpfr_set_ld(temp, temperature, N);

  // y exactly (as MPFR values), or from the given output.
  std::vector<Real> y;
  y.reserve(n);
  for (std::size_t j = 0; j < n; ++j) y.emplace_back();
  if (what == RowWhat::backward_from_output) {
    for (std::size_t j = 0; j < n; ++j) mpfr_set_d(y[j], x[j], N);
  } else {
    bool nan = false;
    std::size_t posinf = 0, live = 0;
    double m = -std::numeric_limits<double>::infinity();
    for (std::size_t j = 0; j < n; ++j) {
      if (!kept(j)) continue;
      const double v = sign * x[j];
      if (std::isnan(v)) nan = true;
      else {
        m = std::max(m, v);
        posinf += v == std::numeric_limits<double>::infinity();
        live += v != -std::numeric_limits<double>::infinity();
      }
    }
    Real sum, d;
    mpfr_set_zero(sum, 1);
    std::vector<Real> z;
    z.reserve(n);
    for (std::size_t j = 0; j < n; ++j) z.emplace_back();
    // sum = 1 + tail, tail = the terms other than the first maximum's exp(0) = 1, so
    // that log(sum) = log1p(tail) keeps a tail far below 2^-256.
    bool skipped = false;
    if (!nan && live > 0 && posinf == 0) {
      for (std::size_t j = 0; j < n; ++j) {
        if (!kept(j)) continue;
        if (!skipped && sign * x[j] == m) {
          skipped = true;
          mpfr_set_zero(z[j], 1);
          continue;
        }
        // (sign*x - m) / T, exactly enough: the difference of two doubles at 256 bits.
        mpfr_set_d(z[j], sign * x[j], N);
        mpfr_sub_d(z[j], z[j], m, N);
        mpfr_div(z[j], z[j], temp, N);
        mpfr_exp(d, z[j], N);
        mpfr_add(sum, sum, d, N);
      }
    }
    Real logsum;
    mpfr_log1p(logsum, sum, N);
    mpfr_add_ui(sum, sum, 1, N);
    for (std::size_t j = 0; j < n; ++j) {
      if (!kept(j)) {
        log ? mpfr_set_inf(y[j], -1) : mpfr_set_zero(y[j], 1);
        continue;
      }
      const double v = sign * x[j];
      if (nan) mpfr_set_nan(y[j]);
      else if (live == 0) log ? mpfr_set_inf(y[j], -1) : mpfr_set_zero(y[j], 1);
      else if (posinf > 0) {
        if (v == std::numeric_limits<double>::infinity()) {
          mpfr_set_ui(y[j], 1, N);
          mpfr_div_ui(y[j], y[j], static_cast<unsigned long>(posinf), N);
          if (log) mpfr_log(y[j], y[j], N);
        } else {
          log ? mpfr_set_inf(y[j], -1) : mpfr_set_zero(y[j], 1);
        }
      } else if (v == -std::numeric_limits<double>::infinity()) {
        log ? mpfr_set_inf(y[j], -1) : mpfr_set_zero(y[j], 1);
      } else if (log) {
        mpfr_sub(y[j], z[j], logsum, N);
      } else {
        mpfr_exp(y[j], z[j], N);
        mpfr_div(y[j], y[j], sum, N);
      }
    }
  }
  if (what == RowWhat::forward) {
    for (std::size_t j = 0; j < n; ++j) out[j] = kept(j) ? get(y[j]) : masked;
    return out;
  }
  // softmax: dx = sign*y*((dy - c) - sum(y*(dy - c)))/T, c = dy at the largest y (the
  // frameworks' y*(dy - sum(dy*y)) when sum(y) = 1, as it is for y from x);
  // log_softmax: dx = (dy - exp(y)*sum(dy))/T.
  Real s, t, e, c;
  mpfr_set_zero(s, 1);
  mpfr_set_zero(c, 1);
  if (!log) {
    std::size_t arg = n;
    for (std::size_t j = 0; j < n; ++j)
      if (kept(j) && !mpfr_nan_p(y[j]) && (arg == n || mpfr_cmp(y[j], y[arg]) > 0)) arg = j;
    if (arg < n) mpfr_set_d(c, dy[arg], N);
  }
  for (std::size_t j = 0; j < n; ++j) {
    if (!kept(j)) continue;
    mpfr_set_d(t, dy[j], N);
    if (!log) {
      mpfr_sub(t, t, c, N);
      mpfr_mul(t, t, y[j], N);
    }
    mpfr_add(s, s, t, N);
  }
  for (std::size_t j = 0; j < n; ++j) {
    if (!kept(j)) continue;
    mpfr_set_d(t, dy[j], N);
    if (log) {
      mpfr_exp(e, y[j], N);
      mpfr_mul(e, e, s, N);
      mpfr_sub(t, t, e, N);
    } else {
      mpfr_sub(t, t, c, N);
      mpfr_sub(t, t, s, N);
      mpfr_mul(t, t, y[j], N);
      if (sign < 0) mpfr_neg(t, t, N);
    }
    mpfr_div(t, t, temp, N);
    out[j] = get(t);
  }
  return out;
}

// ---- sparsemax (exact sums: doubles span about 2100 bits) ---------------------------------

std::vector<long double> sparsemax_ref(RowWhat what, std::span<const double> x, std::span<const double> dy,
                                       std::span<const bool> keep) {
  constexpr mpfr_prec_t kExact = 2300;
  const std::size_t n = x.size();
  auto kept = [&](std::size_t j) { return keep.empty() || keep[j]; };
  std::vector<long double> y(n, 0);
  if (what == RowWhat::backward_from_output) {
    for (std::size_t j = 0; j < n; ++j) y[j] = x[j];
  } else {
    std::vector<double> z;
    bool nan = false;
    std::size_t posinf = 0;
    for (std::size_t j = 0; j < n; ++j) {
      if (!kept(j)) continue;
      if (std::isnan(x[j])) nan = true;
      else if (x[j] != -std::numeric_limits<double>::infinity()) z.push_back(x[j]);
      posinf += x[j] == std::numeric_limits<double>::infinity();
    }
    if (nan) {
      for (std::size_t j = 0; j < n; ++j) y[j] = kept(j) ? kNaN : 0;
    } else if (posinf > 0) {
      for (std::size_t j = 0; j < n; ++j)
        y[j] = kept(j) && x[j] == std::numeric_limits<double>::infinity() ? 1.0L / posinf : 0;
    } else if (!z.empty()) {
      std::sort(z.begin(), z.end(), std::greater<double>());
      // k = max{i : 1 + i z_(i) > sum_{l <= i} z_(l)}, exactly.
      Real cum(kExact), lhs(kExact), best(kExact);
      mpfr_set_zero(cum, 1);
      std::size_t k = 0;
      for (std::size_t i = 0; i < z.size(); ++i) {
        mpfr_add_d(cum, cum, z[i], N);
        mpfr_set_d(lhs, z[i], N);
        mpfr_mul_ui(lhs, lhs, static_cast<unsigned long>(i + 1), N);
        mpfr_add_ui(lhs, lhs, 1, N);
        if (mpfr_cmp(lhs, cum) > 0) {
          k = i + 1;
          mpfr_set(best, cum, N);
        }
      }
      Real tau(kExact), v(kExact);
      mpfr_sub_ui(tau, best, 1, N);
      mpfr_div_ui(tau, tau, static_cast<unsigned long>(k), N);  // rounded at 2300 bits
      for (std::size_t j = 0; j < n; ++j) {
        if (!kept(j) || x[j] == -std::numeric_limits<double>::infinity()) continue;
        mpfr_set_d(v, x[j], N);
        mpfr_sub(v, v, tau, N);
        y[j] = mpfr_sgn(static_cast<mpfr_srcptr>(v)) > 0 ? get(v) : 0;
      }
    }
  }
  if (what == RowWhat::forward) return y;
  // dx = dy - mean(dy over the support) on the support, 0 elsewhere.
  Real sum(kExact), t(kExact);
  mpfr_set_zero(sum, 1);
  std::size_t support = 0;
  bool nan = false;
  for (std::size_t j = 0; j < n; ++j) {
    if (!kept(j)) continue;
    nan |= std::isnan(y[j]);
    if (y[j] > 0) {
      mpfr_add_d(sum, sum, dy[j], N);
      ++support;
    }
  }
  if (support) mpfr_div_ui(sum, sum, static_cast<unsigned long>(support), N);
  std::vector<long double> dx(n, 0);
  for (std::size_t j = 0; j < n; ++j) {
    if (!kept(j)) continue;
    if (nan) {
      dx[j] = kNaN;
    } else if (y[j] > 0) {
      mpfr_set_d(t, dy[j], N);
      mpfr_sub(t, t, sum, N);
      dx[j] = get(t);
    }
  }
  return dx;
}

// ---- gates ---------------------------------------------------------------------------------

// g(b) (derivative = false) or g'(b) into r: the gate is an elementwise family,
// evaluated by the elementwise oracle.
void gate(AxisFamily f, long double variant, bool derivative, mpfr_srcptr b, mpfr_ptr r) {
  using detail::Family;
  detail::Slots slots;
  Family family;
  switch (f) {
    case AxisFamily::glu: family = Family::sigmoid; break;
    case AxisFamily::swiglu: family = Family::swish, slots.v[0] = 1; break;           // silu
    case AxisFamily::geglu: family = Family::gelu, slots.v[0] = variant; break;       // 0 erf, 1 tanh
    case AxisFamily::reglu: family = Family::relu, slots.v = {0, kInf, 0, 0, 0}; break;  // relu'(0) = 0
    default: return mpfr_set_nan(r);
  }
  if (mpfr_nan_p(b)) return mpfr_set_nan(r);
  mpfr::elementwise(family, slots, derivative ? What::derivative : What::forward, b, r);
}

std::vector<long double> gated_ref(AxisFamily f, long double variant, RowWhat what, std::span<const double> x,
                                   std::span<const double> dy) {
  const std::size_t h = x.size() / 2;
  std::vector<long double> out(what == RowWhat::forward ? h : x.size());
  Real a, b, g, t;
  for (std::size_t j = 0; j < h; ++j) {
    mpfr_set_d(a, x[j], N);
    mpfr_set_d(b, x[j + h], N);
    gate(f, variant, false, b, g);
    if (what == RowWhat::forward) {
      mpfr_mul(t, a, g, N);
      out[j] = get(t);
      continue;
    }
    mpfr_mul_d(t, g, dy[j], N);
    out[j] = get(t);
    gate(f, variant, true, b, g);
    mpfr_mul(t, g, a, N);
    mpfr_mul_d(t, t, dy[j], N);
    out[j + h] = get(t);
  }
  return out;
}

std::vector<long double> maxout_ref(std::size_t k, RowWhat what, std::span<const double> x, std::span<const double> dy) {
  const std::size_t groups = x.size() / k;
  std::vector<long double> out(what == RowWhat::forward ? groups : x.size(), 0);
  for (std::size_t g = 0; g < groups; ++g) {
    bool nan = false;
    std::size_t arg = g * k;
    for (std::size_t i = g * k; i < g * k + k; ++i) {
      if (std::isnan(x[i])) nan = true;
      else if (std::isnan(x[arg]) || x[i] > x[arg]) arg = i;
    }
    if (what == RowWhat::forward) {
      out[g] = nan ? kNaN : x[arg];
    } else {
      for (std::size_t i = g * k; i < g * k + k; ++i) out[i] = nan ? kNaN : (i == arg ? dy[g] : 0.0L);
    }
  }
  return out;
}

double ulp_distance(long double exact, long double got, int p, int emin, long double max_finite) {
  if (std::isnan(exact) || std::isnan(got)) return std::isnan(exact) && std::isnan(got) ? 0 : INFINITY;
  // Beyond the largest finite value plus half an ULP the correct rounding is infinite.
  const long double overflow = max_finite + std::ldexp(1.0L, std::ilogb(max_finite) - p);
  if (std::isinf(got) && std::fabs(exact) >= overflow && (got > 0) == (exact > 0)) return 0;
  if (std::isinf(exact) || std::isinf(got)) return exact == got ? 0 : INFINITY;
  int e = exact == 0 ? emin : std::max(std::ilogb(exact), emin);
  return static_cast<double>(std::fabs(got - exact) / std::ldexp(1.0L, e - p + 1));
}

}  // namespace

std::vector<long double> exact_row(const Activation& a, RowWhat what, std::span<const double> x,
                                   std::span<const double> dy, std::span<const bool> keep) {
  const auto& e = detail::ActivationAccess::entry(a);
  const detail::Slots s = detail::ActivationAccess::slots(a);
  switch (e.axis_family) {
    case AxisFamily::softmax:
    case AxisFamily::softmax2d: return softmax_ref(1, false, s[1], what, x, dy, keep);
    case AxisFamily::softmin: return softmax_ref(-1, false, s[1], what, x, dy, keep);
    case AxisFamily::log_softmax: return softmax_ref(1, true, s[1], what, x, dy, keep);
    case AxisFamily::sparsemax: return sparsemax_ref(what, x, dy, keep);
    case AxisFamily::glu:
    case AxisFamily::swiglu:
    case AxisFamily::geglu:
    case AxisFamily::reglu: return gated_ref(e.axis_family, s[3], what, x, dy);
    case AxisFamily::maxout: return maxout_ref(static_cast<std::size_t>(s[2]), what, x, dy);
    case AxisFamily::none: break;
  }
  throw std::invalid_argument("exact_row: " + std::string(a.name()) + " is elementwise");
}

double ulp_distance_f32(long double exact, float got) {
  return ulp_distance(exact, got, 24, -126, std::numeric_limits<float>::max());
}
double ulp_distance_f64(long double exact, double got) {
  return ulp_distance(exact, got, 53, -1022, std::numeric_limits<double>::max());
}

}  // namespace activ::reference
