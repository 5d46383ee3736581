// Row kernels of the axis functions (docs/tensor.md). Each works on a batch of `count`
// rows of length n: element j of row r of an operand is at p[r*rs + j*es]. A batch of
// one row with es = 1 is a contiguous row (the last-axis fast path); a batch of
// `inner` rows with rs = 1, es = inner is a block of an inner axis, walked in memory
// order. Arithmetic is in a wider type W (double for float, x87 long double for
// double) and each result is rounded once.
//
// Seam for SIMD: the contiguous unmasked float rows go through RowKernels (tensor.cpp),
// whose entries a vectorised body may replace; these templates are the reference.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <limits>
#include <vector>

#include "catalog/entry.hpp"
#include "kernels/scalar/gelu.hpp"
#include "kernels/scalar/logistic.hpp"

namespace activ::detail::tensor {

template <class T> struct Wide;
template <> struct Wide<float> { using type = double; };
template <> struct Wide<double> { using type = long double; };

template <class P>
struct Lane {
  P* p = nullptr;
  std::ptrdiff_t rs = 0, es = 0;
  P& operator()(std::size_t r, std::size_t j) const {
    return p[static_cast<std::ptrdiff_t>(r) * rs + static_cast<std::ptrdiff_t>(j) * es];
  }
  explicit operator bool() const { return p != nullptr; }
};

// true: the entry takes part (no mask, or the mask says true).
inline bool kept(const Lane<const bool>& m, std::size_t r, std::size_t j) { return !m || m(r, j); }

// ---- the softmax family -----------------------------------------------------------

// sign: +1 softmax, -1 softmin (z = sign*x/T). log: log_softmax.
struct SoftmaxParams {
  long double temperature = 1;
  int sign = 1;
  bool log = false;
};

// Per-row statistics of z = sign*x: the max m, t = sum over the kept entries except
// the first maximum of exp((z - m)/T) (so the full sum is 1 + t, and log of it is
// log1p(t) without cancellation), the number of +inf entries, and a NaN flag.
template <class W>
struct RowStats {
  W m = -std::numeric_limits<W>::infinity();
  W t = 0;
  std::size_t posinf = 0;
  bool nan = false;
};

template <class T, class W = typename Wide<T>::type>
void softmax_stats(const SoftmaxParams& p, std::size_t n, std::size_t count, Lane<const T> x, Lane<const bool> mask,
                   std::vector<RowStats<W>>& st) {
  st.assign(count, RowStats<W>{});
  const W inv_t = W(1) / W(p.temperature);
  const bool unit = p.temperature == 1;
  for (std::size_t j = 0; j < n; ++j) {
    for (std::size_t r = 0; r < count; ++r) {
      if (!kept(mask, r, j)) continue;
      const W v = W(p.sign) * W(x(r, j));
      RowStats<W>& s = st[r];
      if (std::isnan(v)) {
        s.nan = true;
      } else if (v > s.m) {
        // Online rescaling: the old maximum joins the tail sum. (m = -inf: nothing yet,
        // or only -inf entries, which contribute 0.)
        if (std::isinf(v)) ++s.posinf;
        const W d = unit ? (s.m - v) : (s.m - v) * inv_t;
        s.t = std::isinf(s.m) ? W(0) : (s.t + 1) * std::exp(d);
        s.m = v;
      } else if (v == s.m) {
        if (std::isinf(v) && v > 0) ++s.posinf;
        if (!std::isinf(v)) s.t += 1;  // a tie contributes exp(0)
      } else {
        const W d = unit ? (v - s.m) : (v - s.m) * inv_t;
        s.t += std::exp(d);
      }
    }
  }
}

// The exact-type value of one output element from its row statistics (W precision).
// Fully masked / all -inf rows: 0 (log: -inf). Rows with +inf entries: 1/k among
// them (log: -log k). NaN anywhere: NaN.
template <class W>
W softmax_value(const SoftmaxParams& p, const RowStats<W>& s, W v) {
  constexpr W inf = std::numeric_limits<W>::infinity();
  if (s.nan || std::isnan(v)) return std::numeric_limits<W>::quiet_NaN();
  if (s.m == -inf) return p.log ? -inf : W(0);
  if (s.posinf > 0) {
    const bool top = std::isinf(v) && v > 0;
    if (p.log) return top ? -std::log(W(s.posinf)) : -inf;
    return top ? W(1) / W(s.posinf) : W(0);
  }
  const W d = (v - s.m) / W(p.temperature);
  if (p.log) return d - std::log1p(s.t);
  return std::exp(d) / (W(1) + s.t);
}

template <class T, class W = typename Wide<T>::type>
void softmax_rows(const SoftmaxParams& p, std::size_t n, std::size_t count, Lane<const T> x, Lane<T> y,
                  Lane<const bool> mask, std::vector<RowStats<W>>& st) {
  softmax_stats<T, W>(p, n, count, x, mask, st);
  const W masked = p.log ? -std::numeric_limits<W>::infinity() : W(0);
  for (std::size_t j = 0; j < n; ++j)
    for (std::size_t r = 0; r < count; ++r)
      y(r, j) = static_cast<T>(kept(mask, r, j) ? softmax_value(p, st[r], W(p.sign) * W(x(r, j))) : masked);
}

// Backward from y (W values from `yw` when given, else the stored y): softmax
// dx = sign*y*((dy - c) - sum(y*(dy - c)))/T with c = dy at the row's largest y, which
// equals sign*y*(dy - sum(dy*y))/T when sum(y) = 1 but does not cancel at a dominant
// entry (y near 1: there dy - sum(dy*y) loses every digit of its small result);
// log_softmax dx = (dy - exp(y)*sum(dy))/T. Masked entries get 0 and take no part in
// the sums.
template <class T, class W = typename Wide<T>::type>
void softmax_backward_rows(const SoftmaxParams& p, std::size_t n, std::size_t count, Lane<const T> y,
                           const std::vector<W>* yw, Lane<const T> dy, Lane<T> dx, Lane<const bool> mask,
                           std::vector<W>& sums) {
  sums.assign(count, W(0));
  auto yv = [&](std::size_t r, std::size_t j) { return yw ? (*yw)[j * count + r] : W(y(r, j)); };
  thread_local std::vector<W> c, best;
  c.assign(count, W(0));
  if (!p.log) {
    best.assign(count, -std::numeric_limits<W>::infinity());
    for (std::size_t j = 0; j < n; ++j)
      for (std::size_t r = 0; r < count; ++r)
        if (kept(mask, r, j) && yv(r, j) > best[r]) best[r] = yv(r, j), c[r] = W(dy(r, j));
  }
  for (std::size_t j = 0; j < n; ++j)
    for (std::size_t r = 0; r < count; ++r)
      if (kept(mask, r, j)) sums[r] += p.log ? W(dy(r, j)) : (W(dy(r, j)) - c[r]) * yv(r, j);
  const W scale = W(p.sign) / W(p.temperature);
  for (std::size_t j = 0; j < n; ++j)
    for (std::size_t r = 0; r < count; ++r) {
      if (!kept(mask, r, j)) {
        dx(r, j) = T(0);
        continue;
      }
      const W g = W(dy(r, j)), v = yv(r, j);
      const W d = p.log ? (g - std::exp(v) * sums[r]) : v * ((g - c[r]) - sums[r]);
      dx(r, j) = static_cast<T>(p.log ? d / W(p.temperature) : d * scale);
    }
}

// y in W precision for a batch (index j*count + r), for backward from x.
template <class T, class W = typename Wide<T>::type>
void softmax_wide(const SoftmaxParams& p, std::size_t n, std::size_t count, Lane<const T> x, Lane<const bool> mask,
                  std::vector<RowStats<W>>& st, std::vector<W>& out) {
  softmax_stats<T, W>(p, n, count, x, mask, st);
  out.resize(n * count);
  const W masked = p.log ? -std::numeric_limits<W>::infinity() : W(0);
  for (std::size_t j = 0; j < n; ++j)
    for (std::size_t r = 0; r < count; ++r)
      out[j * count + r] = kept(mask, r, j) ? softmax_value(p, st[r], W(p.sign) * W(x(r, j))) : masked;
}

// ---- sparsemax ------------------------------------------------------------------------

// One row (already gathered, W precision; `keep` false = masked) into y (W). Kept
// entries: max(z - tau, 0) with sum 1; +inf entries share 1 equally; -inf get 0; NaN
// anywhere gives NaN; fully masked or all -inf rows give 0.
template <class W>
void sparsemax_row(std::vector<W>& z, const std::vector<char>& keep, std::vector<W>& y, std::vector<W>& sorted) {
  constexpr W inf = std::numeric_limits<W>::infinity();
  const std::size_t n = z.size();
  y.assign(n, W(0));
  W m = -inf;
  std::size_t posinf = 0;
  for (std::size_t j = 0; j < n; ++j) {
    if (!keep[j]) continue;
    if (std::isnan(z[j])) {
      for (std::size_t i = 0; i < n; ++i)
        if (keep[i]) y[i] = std::numeric_limits<W>::quiet_NaN();
      return;
    }
    m = std::max(m, z[j]);
    if (z[j] == inf) ++posinf;
  }
  if (m == -inf) return;
  if (posinf) {
    for (std::size_t j = 0; j < n; ++j)
      if (keep[j] && z[j] == inf) y[j] = W(1) / W(posinf);
    return;
  }
  // Shifted by the max: the support lies in (m - 1, m], so z - m is small there.
  sorted.clear();
  for (std::size_t j = 0; j < n; ++j)
    if (keep[j] && z[j] - m > W(-1)) sorted.push_back(z[j] - m);
  std::sort(sorted.begin(), sorted.end(), std::greater<W>());
  W cum = 0, tau_sum = 0;
  std::size_t k = 0;
  for (std::size_t i = 0; i < sorted.size(); ++i) {
    cum += sorted[i];
    if (W(1) + W(i + 1) * sorted[i] > cum) {
      k = i + 1;
      tau_sum = cum;
    }
  }
  const W tau = (tau_sum - 1) / W(k);
  for (std::size_t j = 0; j < n; ++j)
    if (keep[j]) y[j] = std::max((z[j] - m) - tau, W(0));
}

// ---- the gated linear units -----------------------------------------------------------

// g(b) and g'(b) of the gate; variant: geglu's approximate (0 erf, 1 tanh).
template <class W>
W gate(AxisFamily f, long double variant, W b) {
  switch (f) {
    case AxisFamily::glu: return scalar::logistic(b);
    case AxisFamily::swiglu: {
      Slots s;
      s.v[0] = 1;
      return scalar::Swish::forward<W>(s, b);
    }
    case AxisFamily::geglu: {
      Slots s;
      s.v[0] = variant;
      return scalar::Gelu::forward<W>(s, b);
    }
    case AxisFamily::reglu:
      if (std::isnan(b)) return b;
      return b > 0 ? b : W(0);
    default: return b;
  }
}
template <class W>
W gate_derivative(AxisFamily f, long double variant, W b) {
  if (std::isnan(b)) return b;
  switch (f) {
    case AxisFamily::glu: return scalar::logistic(b) * scalar::logistic(-b);
    case AxisFamily::swiglu: {
      Slots s;
      s.v[0] = 1;
      return scalar::Swish::derivative<W>(s, b);
    }
    case AxisFamily::geglu: {
      Slots s;
      s.v[0] = variant;
      return scalar::Gelu::derivative<W>(s, b);
    }
    case AxisFamily::reglu: return b > 0 ? W(1) : W(0);
    default: return W(1);
  }
}

}  // namespace activ::detail::tensor
