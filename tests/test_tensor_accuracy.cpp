// ULP distance of the axis functions from the MPFR row reference
// (src/reference/reference_tensor.hpp): random rows (seeded) of lengths 1 to 2^16 at
// several logit scales, extreme rows (88.8, 1e30, +-inf, NaN, subnormals, ties), masks,
// and every axis of 3-D and 4-D tensors, contiguous and strided. Each test prints the
// worst case it saw; the bars are those of docs/tensor.md.
#include <gtest/gtest.h>

#include <activ/activ.hpp>
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "reference/reference_tensor.hpp"

namespace {

using activ::reference::RowWhat;

// Bars (docs/tensor.md): forward within 1 ULP; backward within 1 ULP for float32 (it
// accumulates in double) and 32 ULP for float64 (x87 long double: 11 extra bits, and
// dy - sum(...) cancels when dy is close to its weighted mean) of the exact value of
// the formula from the given inputs.
constexpr double kForwardBar = 1.0;
template <class T>
constexpr double kBackwardBar = std::is_same_v<T, float> ? 1.0 : 32.0;

const char* const kSpecs[] = {"softmax",  "log_softmax", "softmin",          "softmax(temperature=0.5)",
                              "log_softmax(temperature=3)", "softmin(temperature=0.25)", "sparsemax",
                              "glu",      "swiglu",      "geglu",            "geglu(approximate=tanh)",
                              "reglu",    "maxout(k=4)", "torch:softmax(dim=0)"};

template <class T>
double ulp(long double exact, T got) {
  if constexpr (std::is_same_v<T, float>) return activ::reference::ulp_distance_f32(exact, got);
  else return activ::reference::ulp_distance_f64(exact, got);
}

struct Worst {
  double ulp = 0;
  std::string where;
  std::size_t rows = 0;
  void add(double u, const std::string& w) {
    if (u > ulp || (std::isnan(u))) ulp = u, where = w;
  }
};

std::string row_text(const std::vector<double>& x, std::size_t i) {
  char buf[160];
  std::snprintf(buf, sizeof buf, "n=%zu, element %zu, x[i]=%.9g", x.size(), i, i < x.size() ? x[i] : 0.0);
  return buf;
}

// Measures forward, backward and (where offered) backward_from_output of one row.
template <class T>
void measure_row(const activ::Activation& a, const std::vector<T>& xs, const std::vector<T>& dys,
                 const std::vector<bool>& keep_in, Worst& fwd, Worst& bwd, Worst& bwo) {
  const std::size_t n = xs.size();
  const activ::Shape out_shape = a.output_shape({n});
  const std::size_t m = activ::shape_size(out_shape);
  std::vector<double> x(xs.begin(), xs.end()), dy(dys.begin(), dys.begin() + static_cast<std::ptrdiff_t>(m));
  std::unique_ptr<bool[]> keep_buf(new bool[n]);
  for (std::size_t i = 0; i < n; ++i) keep_buf[i] = keep_in.empty() || keep_in[i];
  const std::span<const bool> keep = keep_in.empty() ? std::span<const bool>() : std::span<const bool>(keep_buf.get(), n);
  const activ::MaskView mask(keep_buf.get(), {n});

  std::vector<T> y(m), dx(n);
  const activ::ConstTensorView<T> xv(xs.data(), {n});
  if (keep.empty()) a.forward(xv, activ::TensorView<T>(y.data(), out_shape));
  else a.forward(xv, activ::TensorView<T>(y.data(), out_shape), mask);
  const auto ey = activ::reference::exact_row(a, RowWhat::forward, x, {}, keep);
  for (std::size_t i = 0; i < m; ++i) fwd.add(ulp(ey[i], y[i]), row_text(x, i));

  std::vector<T> dyt(dys.begin(), dys.begin() + static_cast<std::ptrdiff_t>(m));
  const activ::ConstTensorView<T> dyv(dyt.data(), out_shape);
  if (keep.empty()) a.backward(xv, dyv, activ::TensorView<T>(dx.data(), {n}));
  else a.backward(xv, dyv, activ::TensorView<T>(dx.data(), {n}), mask);
  const auto edx = activ::reference::exact_row(a, RowWhat::backward, x, dy, keep);
  for (std::size_t i = 0; i < n; ++i) bwd.add(ulp(edx[i], dx[i]), row_text(x, i));

  if (a.info().backward_from_output) {
    const activ::ConstTensorView<T> yv(y.data(), {n});
    if (keep.empty()) a.backward_from_output(yv, dyv, activ::TensorView<T>(dx.data(), {n}));
    else a.backward_from_output(yv, dyv, activ::TensorView<T>(dx.data(), {n}), mask);
    const std::vector<double> yd(y.begin(), y.end());
    const auto edo = activ::reference::exact_row(a, RowWhat::backward_from_output, yd, dy, keep);
    for (std::size_t i = 0; i < n; ++i) bwo.add(ulp(edo[i], dx[i]), row_text(yd, i));
  }
  ++fwd.rows;
}

template <class T>
std::vector<std::vector<T>> extreme_rows() {
  constexpr T inf = std::numeric_limits<T>::infinity(), nan = std::numeric_limits<T>::quiet_NaN();
  const T big = std::numeric_limits<T>::max(), tiny = std::numeric_limits<T>::denorm_min();
  return {
      {T(88.8), T(0), T(-88.8), T(88.7), T(-100)},
      {T(1e30), T(-1e30), T(0), T(1e30), T(1)},
      {big, -big, big, T(0), T(1)},
      {inf, T(1), inf, T(-1), T(2)},
      {-inf, T(0), T(1), -inf, T(0.5)},
      {-inf, -inf, -inf, -inf},
      {nan, T(1), T(2), T(3)},
      {T(5), T(5), T(5), T(5), T(5), T(5)},
      {tiny, -tiny, T(0), T(-0.0), T(1e-30)},
      {T(1000), T(1000) - T(1e-3), T(999), T(990), T(0)},
      {T(0), T(-20), T(-40), T(-60), T(-80), T(-100), T(-103), T(-745), T(-750)},
      {T(0.5), T(0.25), T(0.125), T(0.0625), T(-0.5), T(-0.25), T(-0.125), T(-0.0625)},
  };
}

template <class T>
void run_spec(const std::string& spec, bool long_rows) {
  const activ::Activation a = activ::parse(spec);
  std::mt19937_64 rng(12345);
  std::normal_distribution<double> normal;
  std::uniform_real_distribution<double> unit(-1, 1);
  Worst fwd, bwd, bwo;
  auto dy_for = [&](std::size_t n) {
    std::vector<T> dy(n);
    for (T& v : dy) v = static_cast<T>(unit(rng));
    return dy;
  };
  std::vector<std::size_t> lengths = {2, 4, 8, 12, 1000};
  if (a.info().axis_size != activ::AxisSize::halved && spec.find("maxout") == std::string::npos) lengths.push_back(3);
  if (a.info().axis_size == activ::AxisSize::same) lengths.push_back(1);
  if (long_rows) lengths.push_back(1u << 16);
  for (const std::size_t n : lengths) {
    if (a.info().axis_size == activ::AxisSize::divided_by_k && n % static_cast<std::size_t>(a.param("k")) != 0) continue;
    for (const double scale : {1.0, 10.0, 100.0}) {
      if (n == (1u << 16) && scale != 10.0) continue;
      const int reps = n >= 1000 ? 1 : 6;
      for (int r = 0; r < reps; ++r) {
        std::vector<T> x(n);
        for (T& v : x) v = static_cast<T>(scale * normal(rng));
        measure_row<T>(a, x, dy_for(n), {}, fwd, bwd, bwo);
        // the same row with a random mask
        std::vector<bool> keep(n);
        for (std::size_t i = 0; i < n; ++i) keep[i] = unit(rng) > -0.4;
        if (a.info().backward_from_output) measure_row<T>(a, x, dy_for(n), keep, fwd, bwd, bwo);
      }
    }
  }
  for (std::vector<T> x : extreme_rows<T>()) {
    if (a.info().axis_size != activ::AxisSize::same) {
      if (x.size() % 4 != 0) x.push_back(T(0.75));
      while (x.size() % 4 != 0) x.push_back(T(-2));
      // gates of +-inf or NaN times 0 are NaN by IEEE rules: measured where finite
      for (T& v : x)
        if (!std::isfinite(v)) v = T(3);
    }
    measure_row<T>(a, x, dy_for(x.size()), {}, fwd, bwd, bwo);
    if (a.info().backward_from_output) {
      std::vector<bool> keep(x.size(), true);
      keep[0] = false;
      measure_row<T>(a, x, dy_for(x.size()), keep, fwd, bwd, bwo);
      measure_row<T>(a, x, dy_for(x.size()), std::vector<bool>(x.size(), false), fwd, bwd, bwo);
    }
  }
  const char* type = std::is_same_v<T, float> ? "f32" : "f64";
  std::printf("[tensor-ulp] %-28s %s forward %.3f, backward %.3f, backward_from_output %.3f (%zu rows)\n", spec.c_str(),
              type, fwd.ulp, bwd.ulp, bwo.ulp, fwd.rows);
  EXPECT_LE(fwd.ulp, kForwardBar) << spec << " " << type << " forward worst at " << fwd.where;
  EXPECT_LE(bwd.ulp, kBackwardBar<T>) << spec << " " << type << " backward worst at " << bwd.where;
  EXPECT_LE(bwo.ulp, kBackwardBar<T>) << spec << " " << type << " backward_from_output worst at " << bwo.where;
}

class TensorAccuracy : public ::testing::TestWithParam<std::string> {};

TEST_P(TensorAccuracy, Float32) { run_spec<float>(GetParam(), GetParam() == "softmax" || GetParam() == "log_softmax" || GetParam() == "sparsemax"); }
TEST_P(TensorAccuracy, Float64) { run_spec<double>(GetParam(), false); }

std::string test_name(const ::testing::TestParamInfo<std::string>& info) {
  std::string s = info.param;
  for (char& c : s)
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  return s;
}

INSTANTIATE_TEST_SUITE_P(Axis, TensorAccuracy, ::testing::ValuesIn(std::vector<std::string>(std::begin(kSpecs), std::end(kSpecs))),
                         test_name);

// softmax rows sum to 1 within a few ULP of 1, at every length.
TEST(TensorAccuracy, SoftmaxRowsSumToOne) {
  std::mt19937_64 rng(7);
  std::normal_distribution<double> normal;
  const activ::Activation a = activ::parse("softmax");
  double worst = 0;
  for (const std::size_t n : {1u, 2u, 3u, 8u, 1000u, 1u << 16}) {
    for (const double scale : {0.1, 1.0, 30.0}) {
      std::vector<float> x(n), y(n);
      for (float& v : x) v = static_cast<float>(scale * normal(rng));
      a.forward(x, y);
      double sum = 0;
      for (float v : y) sum += v;
      worst = std::max(worst, std::fabs(sum - 1) / std::ldexp(1.0, -24));
    }
  }
  std::printf("[tensor-sum] softmax f32 rows: |sum - 1| <= %.3f x 2^-24\n", worst);
  EXPECT_LE(worst, 4.0);
}

// Every axis of 3-D and 4-D tensors, contiguous and transposed (strided), against the
// row reference of each extracted row.
template <class T>
void every_axis(const std::string& spec, const activ::Shape& shape, bool transpose) {
  const activ::Activation a = activ::parse(spec);
  std::mt19937_64 rng(99);
  std::normal_distribution<double> normal;
  const std::size_t rank = shape.size(), total = activ::shape_size(shape);
  std::vector<T> buf(total);
  for (T& v : buf) v = static_cast<T>(3 * normal(rng));
  // The view: C order, or the buffer read through reversed axes (strides of the
  // reversed shape, reversed), so that no axis is contiguous in the usual sense.
  activ::Strides strides = activ::contiguous_strides(shape);
  if (transpose) {
    activ::Shape rev(shape.rbegin(), shape.rend());
    const activ::Strides rs = activ::contiguous_strides(rev);
    strides.assign(rs.rbegin(), rs.rend());
  }
  const activ::ConstTensorView<T> x(buf.data(), shape, strides);
  double worst = 0;
  for (int ax = -static_cast<int>(rank); ax < static_cast<int>(rank); ++ax) {
    std::string s = spec;
    const std::string key = spec.rfind("torch:", 0) == 0 ? "dim" : "axis";
    s += (s.find('(') == std::string::npos ? "(" : ", ") + key + "=" + std::to_string(ax) + ")";
    if (spec.find('(') != std::string::npos) s = spec.substr(0, spec.size() - 1) + ", " + key + "=" + std::to_string(ax) + ")";
    const activ::Activation b = activ::parse(s);
    const std::size_t axis = b.resolved_axis(rank);
    const activ::Shape os = b.output_shape(shape);
    std::vector<T> y(activ::shape_size(os));
    b.forward(x, activ::TensorView<T>(y.data(), os));
    const activ::Strides ys = activ::contiguous_strides(os);
    // walk every row: all index combinations with index[axis] = 0
    std::vector<std::size_t> idx(rank, 0);
    for (std::size_t flat = 0; flat < total; ++flat) {
      std::size_t rem = flat;
      for (std::size_t d = rank; d-- > 0;) {
        idx[d] = rem % shape[d];
        rem /= shape[d];
      }
      if (idx[axis] != 0) continue;
      std::vector<double> row(shape[axis]);
      std::ptrdiff_t off = 0, yoff = 0;
      for (std::size_t d = 0; d < rank; ++d) off += strides[d] * static_cast<std::ptrdiff_t>(idx[d]);
      for (std::size_t d = 0; d < rank; ++d) yoff += ys[d] * static_cast<std::ptrdiff_t>(idx[d]);
      for (std::size_t j = 0; j < row.size(); ++j) row[j] = x.data()[off + strides[axis] * static_cast<std::ptrdiff_t>(j)];
      const auto ey = activ::reference::exact_row(b, RowWhat::forward, row);
      for (std::size_t j = 0; j < os[axis]; ++j) {
        const double u = ulp(ey[j], y[static_cast<std::size_t>(yoff + ys[axis] * static_cast<std::ptrdiff_t>(j))]);
        worst = std::max(worst, u);
        ASSERT_LE(u, kForwardBar) << s << " row at flat index " << flat << " element " << j;
      }
    }
  }
  (void)a;
  std::printf("[tensor-axes] %-24s rank %zu%s: worst %.3f ULP over every axis\n", spec.c_str(), rank,
              transpose ? " (strided)" : "", worst);
}

TEST(TensorAccuracy, EveryAxisOf3dAnd4dTensors) {
  for (const char* spec : {"softmax", "log_softmax", "softmin(temperature=2)", "sparsemax", "glu", "geglu", "maxout(k=2)"}) {
    for (bool t : {false, true}) {
      every_axis<float>(spec, {4, 6, 8}, t);
      every_axis<double>(spec, {2, 4, 6, 2}, t);
    }
  }
}

}  // namespace
