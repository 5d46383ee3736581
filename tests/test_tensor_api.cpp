// The tensor API of the axis functions (docs/tensor.md): spec strings with axis /
// dim, output_shape, spans as 1-D tensors, masks and the defined edge cases, strided
// and in-place views, bad input (std::invalid_argument, nothing written), and
// backward against central differences.
#include <gtest/gtest.h>

#include <activ/activ.hpp>
#include <cmath>
#include <limits>
#include <numeric>
#include <random>
#include <string>
#include <vector>

namespace {

using activ::Activation;
using activ::ConstTensorView;
using activ::Shape;
using activ::TensorView;

constexpr float kInf = std::numeric_limits<float>::infinity();

std::vector<float> fwd(const std::string& spec, const std::vector<float>& x) {
  const Activation a = activ::parse(spec);
  std::vector<float> y(activ::shape_size(a.output_shape({x.size()})), -777.f);
  a.forward(x, y);
  return y;
}

TEST(TensorApi, CatalogueDescribesAxisEntries) {
  for (const char* name : {"softmax", "log_softmax", "softmin", "softmax2d", "sparsemax", "glu", "swiglu", "geglu", "reglu",
                           "maxout", "torch:softmax", "torch:log_softmax", "torch:softmin", "torch:softmax2d", "torch:glu",
                           "keras:softmax", "keras:log_softmax", "keras:sparsemax", "keras:glu", "jax:softmax",
                           "jax:log_softmax", "jax:glu", "tf:softmax", "tf:log_softmax"}) {
    const activ::FunctionInfo* f = activ::find_function(name);
    ASSERT_NE(f, nullptr) << name;
    EXPECT_EQ(f->kind, activ::Kind::axis) << name;
  }
  EXPECT_EQ(activ::find_function("glu")->axis_size, activ::AxisSize::halved);
  EXPECT_EQ(activ::find_function("maxout")->axis_size, activ::AxisSize::divided_by_k);
  EXPECT_TRUE(activ::find_function("softmax")->backward_from_output);
  EXPECT_FALSE(activ::find_function("glu")->backward_from_output);
  EXPECT_EQ(activ::find_function("gelu")->kind, activ::Kind::elementwise);
}

TEST(TensorApi, SpecStringsAndAxes) {
  EXPECT_EQ(activ::parse("softmax(axis=1)").to_string(), "softmax(axis=1)");
  EXPECT_EQ(activ::parse("softmax").to_string(), "softmax");
  EXPECT_EQ(activ::parse("softmax(temperature=0.5)").param("temperature"), 0.5);
  EXPECT_EQ(activ::parse("torch:softmax(dim=None)").to_string(), "torch:softmax");
  EXPECT_EQ(activ::parse("torch:softmax(dim=-1)").to_string(), "torch:softmax(dim=-1)");
  EXPECT_THROW(activ::parse("torch:softmax(axis=1)"), std::invalid_argument);  // torch spells it dim
  EXPECT_THROW(activ::parse("softmax(temperature=0)"), std::invalid_argument);
  EXPECT_THROW(activ::parse("maxout(k=0)"), std::invalid_argument);
  // PyTorch's implicit dim: 0 for 0-, 1- and 3-D input, else 1.
  const Activation t = activ::parse("torch:softmax");
  EXPECT_EQ(t.resolved_axis(0), 0u);
  EXPECT_EQ(t.resolved_axis(1), 0u);
  EXPECT_EQ(t.resolved_axis(2), 1u);
  EXPECT_EQ(t.resolved_axis(3), 0u);
  EXPECT_EQ(t.resolved_axis(4), 1u);
  EXPECT_EQ(activ::parse("keras:softmax").resolved_axis(4), 3u);
  EXPECT_EQ(activ::parse("softmax(axis=-4)").resolved_axis(4), 0u);
  EXPECT_EQ(activ::parse("softmax2d").resolved_axis(3), 0u);
  EXPECT_EQ(activ::parse("softmax2d").resolved_axis(4), 1u);
}

TEST(TensorApi, OutputShape) {
  EXPECT_EQ(activ::parse("glu").output_shape({3, 8}), (Shape{3, 4}));
  EXPECT_EQ(activ::parse("glu(axis=0)").output_shape({6, 5}), (Shape{3, 5}));
  EXPECT_EQ(activ::parse("maxout(k=3)").output_shape({2, 9}), (Shape{2, 3}));
  EXPECT_EQ(activ::parse("softmax(axis=1)").output_shape({2, 9, 4}), (Shape{2, 9, 4}));
  EXPECT_EQ(activ::parse("gelu").output_shape({2, 9, 4}), (Shape{2, 9, 4}));
  EXPECT_EQ(activ::parse("softmax").output_shape({}), Shape{});
  EXPECT_THROW(activ::parse("glu").output_shape({3, 7}), std::invalid_argument);
  EXPECT_THROW(activ::parse("maxout(k=4)").output_shape({3, 6}), std::invalid_argument);
  EXPECT_THROW(activ::parse("softmax(axis=2)").output_shape({3, 6}), std::invalid_argument);
  EXPECT_THROW(activ::parse("softmax(axis=-3)").output_shape({3, 6}), std::invalid_argument);
  EXPECT_THROW(activ::parse("softmax2d").output_shape({3, 6}), std::invalid_argument);
  try {
    activ::parse("glu").output_shape({3, 7});
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("odd"), std::string::npos) << e.what();
  }
}

TEST(TensorApi, DefinedEdgeCases) {
  // No overflow for large logits; rows sum to 1.
  const auto y = fwd("softmax", {88.8f, 0.f, -88.8f, 1e30f, -1e30f});
  EXPECT_EQ(y[3], 1.f);
  EXPECT_EQ(y[0], 0.f);
  for (float v : y) EXPECT_FALSE(std::isnan(v));
  // +inf entries share the probability; -inf entries get 0.
  EXPECT_EQ(fwd("softmax", {kInf, 1.f, kInf, -kInf}), (std::vector<float>{0.5f, 0.f, 0.5f, 0.f}));
  const auto ls = fwd("log_softmax", {kInf, 1.f, kInf, -kInf});
  EXPECT_FLOAT_EQ(ls[0], -std::log(2.f));
  EXPECT_EQ(ls[1], -kInf);
  // All -inf: zeros (PyTorch: NaN); log_softmax -inf.
  EXPECT_EQ(fwd("softmax", {-kInf, -kInf}), (std::vector<float>{0.f, 0.f}));
  EXPECT_EQ(fwd("log_softmax", {-kInf, -kInf}), (std::vector<float>{-kInf, -kInf}));
  // NaN spreads over the row.
  for (float v : fwd("softmax", {std::nanf(""), 1.f, 2.f})) EXPECT_TRUE(std::isnan(v));
  // log_softmax of a dominant entry keeps its tiny value (no log(1 + t) rounding to 0).
  EXPECT_LT(fwd("log_softmax", {0.f, -50.f})[0], 0.f);
  EXPECT_FLOAT_EQ(fwd("log_softmax", {0.f, -50.f})[0], -std::exp(-50.f));
  // Temperature divides the logits; softmin is softmax of -x.
  EXPECT_EQ(fwd("softmax(temperature=0.5)", {1.f, 2.f}), fwd("softmax", {2.f, 4.f}));
  EXPECT_EQ(fwd("softmin", {1.f, 2.f, 5.f}), fwd("softmax", {-1.f, -2.f, -5.f}));
  // One element: probability 1.
  EXPECT_EQ(fwd("softmax", {-3.f}), std::vector<float>{1.f});
  // sparsemax: exact zeros and a sum of 1.
  const auto sp = fwd("sparsemax", {1.f, 0.5f, -2.f});
  EXPECT_FLOAT_EQ(sp[0], 0.75f);
  EXPECT_FLOAT_EQ(sp[1], 0.25f);
  EXPECT_EQ(sp[2], 0.f);
  // glu halves; maxout takes group maxima.
  EXPECT_EQ(fwd("glu", {2.f, 4.f, 0.f, 0.f}), (std::vector<float>{1.f, 2.f}));
  EXPECT_EQ(fwd("reglu", {2.f, 4.f, 3.f, -1.f}), (std::vector<float>{6.f, 0.f}));
  EXPECT_EQ(fwd("maxout(k=3)", {1.f, 5.f, 2.f, -1.f, -3.f, -2.f}), (std::vector<float>{5.f, -1.f}));
}

TEST(TensorApi, MasksAndFullyMaskedRows) {
  const Activation a = activ::parse("softmax");
  std::vector<float> x = {1.f, 2.f, 3.f, 4.f, 5.f, 6.f}, y(6);
  const bool mask[] = {true, false, true, false, false, false};
  a.forward(ConstTensorView<float>(x.data(), {2, 3}), TensorView<float>(y.data(), {2, 3}), activ::MaskView(mask, {2, 3}));
  const auto two = fwd("softmax", {1.f, 3.f});
  EXPECT_EQ(y[0], two[0]);
  EXPECT_EQ(y[1], 0.f);
  EXPECT_EQ(y[2], two[1]);
  EXPECT_EQ(y[3], 0.f);  // fully masked row
  EXPECT_EQ(y[5], 0.f);
  std::vector<float> ly(6);
  activ::parse("log_softmax").forward(ConstTensorView<float>(x.data(), {2, 3}), TensorView<float>(ly.data(), {2, 3}),
                                      activ::MaskView(mask, {2, 3}));
  EXPECT_EQ(ly[1], -kInf);
  EXPECT_EQ(ly[4], -kInf);
  // A (3,) mask broadcasts over the rows.
  const bool row_mask[] = {true, true, false};
  a.forward(ConstTensorView<float>(x.data(), {2, 3}), TensorView<float>(y.data(), {2, 3}), activ::MaskView(row_mask, {3}));
  EXPECT_EQ(y[2], 0.f);
  EXPECT_EQ(y[5], 0.f);
  EXPECT_FLOAT_EQ(y[3] + y[4], 1.f);
  // Masked backward: 0 at masked entries.
  std::vector<float> dy(6, 1.f), dx(6, -1.f);
  a.backward(ConstTensorView<float>(x.data(), {2, 3}), ConstTensorView<float>(dy.data(), {2, 3}),
             TensorView<float>(dx.data(), {2, 3}), activ::MaskView(row_mask, {3}));
  EXPECT_EQ(dx[2], 0.f);
  EXPECT_NEAR(dx[0], 0.f, 1e-7);  // dy constant: the gradient vanishes
}

TEST(TensorApi, SpansAreOneDimensionalTensors) {
  const Activation a = activ::parse("softmax");
  std::vector<float> x = {1.f, 2.f, 3.f, 4.f}, y1(4), y2(4);
  a.forward(x, y1);
  a.forward(ConstTensorView<float>(x.data(), {4}), TensorView<float>(y2.data(), {4}));
  EXPECT_EQ(y1, y2);
  std::vector<float> g(2);
  activ::parse("glu").forward(x, g);  // y has half of x's elements
  EXPECT_THROW(activ::parse("glu").forward(x, y1), std::invalid_argument);
}

TEST(TensorApi, EveryAxisMatchesTheTransposedLastAxis) {
  // softmax over axis 0 of a (5, 3) tensor equals last-axis softmax of its transpose.
  std::vector<double> x(15), y(15), yt(15);
  std::iota(x.begin(), x.end(), -7.0);
  activ::parse("softmax(axis=0)").forward(ConstTensorView<double>(x.data(), {5, 3}), TensorView<double>(y.data(), {5, 3}));
  activ::parse("softmax").forward(ConstTensorView<double>(x.data(), {3, 5}, {1, 3}), TensorView<double>(yt.data(), {3, 5}));
  for (std::size_t i = 0; i < 5; ++i)
    for (std::size_t j = 0; j < 3; ++j) EXPECT_EQ(y[i * 3 + j], yt[j * 5 + i]);
  // softmax2d is softmax over axis -3.
  std::vector<double> z(2 * 3 * 2 * 2), a(z.size()), b(z.size());
  for (std::size_t i = 0; i < z.size(); ++i) z[i] = std::sin(double(i));
  activ::parse("torch:softmax2d").forward(ConstTensorView<double>(z.data(), {2, 3, 2, 2}), TensorView<double>(a.data(), {2, 3, 2, 2}));
  activ::parse("softmax(axis=-3)").forward(ConstTensorView<double>(z.data(), {2, 3, 2, 2}), TensorView<double>(b.data(), {2, 3, 2, 2}));
  EXPECT_EQ(a, b);
}

TEST(TensorApi, StridedElementwiseAndNegativeStrides) {
  std::vector<float> x = {-2.f, -1.f, 0.f, 1.f, 2.f, 3.f}, y(6), ref(6);
  const Activation g = activ::parse("gelu");
  g.forward(x, ref);
  // reversed view
  g.forward(ConstTensorView<float>(x.data() + 5, {6}, {-1}), TensorView<float>(y.data(), {6}));
  for (std::size_t i = 0; i < 6; ++i) EXPECT_EQ(y[i], ref[5 - i]);
  // softmax through a reversed view equals the reversed softmax
  std::vector<float> s(6), sr(6);
  activ::parse("softmax").forward(x, s);
  activ::parse("softmax").forward(ConstTensorView<float>(x.data() + 5, {6}, {-1}), TensorView<float>(sr.data(), {6}));
  for (std::size_t i = 0; i < 6; ++i) EXPECT_EQ(sr[i], s[5 - i]);
}

TEST(TensorApi, InPlace) {
  std::vector<float> x = {1.f, -2.f, 3.f, 0.5f, 7.f, -1.f}, ref(6);
  for (const char* spec : {"softmax", "log_softmax(axis=0)", "sparsemax", "softmin(temperature=3)"}) {
    const Activation a = activ::parse(spec);
    std::vector<float> y = x;
    a.forward(ConstTensorView<float>(x.data(), {2, 3}), TensorView<float>(ref.data(), {2, 3}));
    a.forward(ConstTensorView<float>(y.data(), {2, 3}), TensorView<float>(y.data(), {2, 3}));
    EXPECT_EQ(y, ref) << spec;
  }
}

// Bad input: std::invalid_argument naming the problem, and y untouched.
TEST(TensorApi, BadInputWritesNothing) {
  std::vector<float> x(12, 1.f), y(12, -777.f);
  const std::vector<float> untouched = y;
  auto expect_error = [&](auto&& call, const std::string& needle) {
    try {
      call();
      ADD_FAILURE() << "no exception; expected one mentioning '" << needle << "'";
    } catch (const std::invalid_argument& e) {
      EXPECT_NE(std::string(e.what()).find(needle), std::string::npos) << e.what();
    }
    EXPECT_EQ(y, untouched) << needle;
  };
  const ConstTensorView<float> xv(x.data(), {3, 4});
  expect_error([&] { activ::parse("softmax(axis=2)").forward(xv, TensorView<float>(y.data(), {3, 4})); }, "out of range");
  expect_error([&] { activ::parse("softmax").forward(xv, TensorView<float>(y.data(), {4, 3})); }, "shape");
  expect_error([&] { activ::parse("glu(axis=0)").forward(xv, TensorView<float>(y.data(), {1, 4})); }, "odd");
  expect_error([&] { activ::parse("maxout(k=3)").forward(xv, TensorView<float>(y.data(), {3, 1})); }, "multiple of k");
  const bool m[] = {true, false, true};
  expect_error([&] { activ::parse("softmax").forward(xv, TensorView<float>(y.data(), {3, 4}), activ::MaskView(m, {3})); },
               "broadcast");
  expect_error([&] { activ::parse("glu").forward(xv, TensorView<float>(y.data(), {3, 2}), activ::MaskView(m, {3, 1})); },
               "mask");
  expect_error([&] { activ::parse("softmax").forward(ConstTensorView<float>(y.data(), {3, 4}), TensorView<float>(y.data() + 1, {3, 4}, {4, 1})); },
               "overlaps");
  expect_error([&] { activ::parse("softmax").forward(xv, TensorView<float>(y.data(), {3, 4}, {0, 1})); }, "stride 0");
  expect_error([&] {
    std::vector<float> dy(6, 1.f);
    activ::parse("glu").backward_from_output(ConstTensorView<float>(x.data(), {3, 2}), ConstTensorView<float>(dy.data(), {3, 2}),
                                             TensorView<float>(y.data(), {3, 2}));
  }, "backward_from_output");
  expect_error([&] { activ::parse("softmax2d").forward(xv, TensorView<float>(y.data(), {3, 4})); }, "softmax2d");
}

// backward (from x) against central differences of forward, in float64, every family,
// along an inner axis of a 3-D tensor.
TEST(TensorApi, BackwardMatchesCentralDifferences) {
  std::mt19937_64 rng(3);
  std::normal_distribution<double> normal;
  const Shape shape = {2, 6, 3};
  for (const char* spec : {"softmax(axis=1)", "log_softmax(axis=1)", "softmin(axis=1, temperature=0.7)", "sparsemax(axis=1)",
                           "glu(axis=1)", "swiglu(axis=1)", "geglu(axis=1)", "geglu(axis=1, approximate=tanh)",
                           "reglu(axis=1)", "maxout(k=3, axis=1)", "torch:softmax2d"}) {
    SCOPED_TRACE(spec);
    const Activation a = activ::parse(spec);
    const Shape os = a.output_shape(shape);
    std::vector<double> x(36), dy(activ::shape_size(os)), dx(36);
    for (double& v : x) v = normal(rng);
    for (double& v : dy) v = normal(rng);
    a.backward(ConstTensorView<double>(x.data(), shape), ConstTensorView<double>(dy.data(), os), TensorView<double>(dx.data(), shape));
    auto f = [&](const std::vector<double>& xx) {
      std::vector<double> y(dy.size());
      a.forward(ConstTensorView<double>(xx.data(), shape), TensorView<double>(y.data(), os));
      double s = 0;
      for (std::size_t i = 0; i < y.size(); ++i) s += y[i] * dy[i];
      return s;
    };
    for (std::size_t i = 0; i < x.size(); ++i) {
      const double h = 1e-6;
      std::vector<double> xp = x, xm = x;
      xp[i] += h;
      xm[i] -= h;
      EXPECT_NEAR(dx[i], (f(xp) - f(xm)) / (2 * h), 1e-6) << "element " << i;
    }
    if (a.info().backward_from_output) {
      std::vector<double> y(36), dx2(36);
      a.forward(ConstTensorView<double>(x.data(), shape), TensorView<double>(y.data(), shape));
      a.backward_from_output(ConstTensorView<double>(y.data(), shape), ConstTensorView<double>(dy.data(), shape),
                             TensorView<double>(dx2.data(), shape));
      for (std::size_t i = 0; i < 36; ++i) EXPECT_NEAR(dx2[i], dx[i], 1e-12 + 1e-12 * std::fabs(dx[i])) << i;
    }
  }
}

}  // namespace
