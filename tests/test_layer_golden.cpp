// torch goldens of the parametric layers: PReLU, RReLU, the learnable swish and
// Bilinear (the two-input class and the one-stream bilinear(OUT) layer), in float64.
//
// tests/golden/layers/ (scripts/gen_golden.py, docs/goldens.md) holds per case the
// inputs, parameters and dy, and torch's forward output and gradients w.r.t. the
// input(s) and every parameter. activ's layers run in double with the same values, and
// each result must lie within kUlps * eps * scale of torch's, where eps = 2^-52 and
// `scale` (written beside each golden) is the sum of the absolute values of the terms
// that make the element. Why that bar: the two libraries add the same terms in
// different orders (BLAS kernels, torch's bilinear, reductions over the batch), so they
// need not agree to the last bit, and the error of a float64 sum is a multiple of
// eps * sum|terms| (at most (n - 1) of them for n terms in the worst case, about
// sqrt(n) for the random terms here, n <= 20). The sigmoid of the swish adds about an
// eps of relative error per term. Measured with the committed goldens: at most 1.34
// (Bilinear's grad_x2), 0 (bit-identical) for PReLU and RReLU; kUlps = 8 leaves a
// margin for other BLAS kernels while any real difference (a wrong slope at the kink,
// a missing term) is off by many orders of magnitude. A zero scale (y = 0 at x = 0)
// demands an exact match.
//
// RReLU in training mode draws from each library's own generator, so there the test
// checks torch's semantics, on torch's own sample and on activ's output for the same
// input: y = x and dx = dy where x > 0; elsewhere y = r x and dx = r dy with r in
// [lower, upper], one r per element.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <limits>
#include <numeric>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "io/npy.hpp"
#include "nn/bilinear.hpp"
#include "nn/model_spec.hpp"
#include "nn/rrelu.hpp"

#ifndef ACTIV_GOLDEN_DIR
#error "ACTIV_GOLDEN_DIR must name tests/golden"
#endif

namespace {

using activ::nn::Matrix;
using activ::nn::Mode;

constexpr double kUlps = 8;  // see above: measured worst 1.34
constexpr double kEps = std::numeric_limits<double>::epsilon();

struct Case {
  std::string name, kind, spec;
  std::vector<std::string> keys;
};

std::vector<Case> read_manifest() {
  std::ifstream in(std::string(ACTIV_GOLDEN_DIR) + "/layers/manifest.tsv");
  std::vector<Case> cases;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    std::istringstream fields(line);
    Case c;
    std::string keys;
    std::getline(fields, c.name, '\t');
    std::getline(fields, c.kind, '\t');
    std::getline(fields, c.spec, '\t');
    std::getline(fields, keys, '\t');
    std::istringstream list(keys);
    for (std::string k; std::getline(list, k, ',');) c.keys.push_back(k);
    cases.push_back(c);
  }
  return cases;
}

bool has(const Case& c, const std::string& key) {
  return std::find(c.keys.begin(), c.keys.end(), key) != c.keys.end();
}

// The float64 array <case>.<key>.npy, flat.
std::vector<double> load(const Case& c, const std::string& key) {
  const activ::io::NpyArray a = activ::io::read_npy(std::string(ACTIV_GOLDEN_DIR) + "/layers/" + c.name + "." + key + ".npy");
  EXPECT_EQ(a.dtype, activ::io::DType::f64) << c.name << "." << key;
  return a.f64;
}

// A batch x features matrix from a 2-d golden.
Matrix<double> load_matrix(const Case& c, const std::string& key) {
  const activ::io::NpyArray a = activ::io::read_npy(std::string(ACTIV_GOLDEN_DIR) + "/layers/" + c.name + "." + key + ".npy");
  EXPECT_EQ(a.shape.size(), 2u) << c.name << "." << key;
  Matrix<double> m(a.shape.at(0), a.shape.at(1));
  m.data = a.f64;
  return m;
}

// activ's values against the golden `key` within kUlps * eps * scale; returns the worst
// |difference| / (eps * scale) for the report (0 where both are exact).
double expect_matches(const Case& c, const std::string& key, const std::vector<double>& actual) {
  const std::vector<double> golden = load(c, key), scale = load(c, key + ".scale");
  EXPECT_EQ(actual.size(), golden.size()) << c.name << " " << key;
  double worst = 0;
  for (std::size_t i = 0; i < std::min(actual.size(), golden.size()); ++i) {
    const double diff = std::abs(actual[i] - golden[i]);
    EXPECT_LE(diff, kUlps * kEps * scale[i]) << c.name << " " << key << "[" << i << "]: activ " << actual[i]
                                             << ", torch " << golden[i] << ", scale " << scale[i];
    if (diff > 0) worst = std::max(worst, diff / (kEps * scale[i]));
  }
  return worst;
}

TEST(LayerGolden, ManifestListsEveryKind) {
  const std::vector<Case> cases = read_manifest();
  ASSERT_EQ(cases.size(), 11u);
  std::set<std::string> kinds;
  for (const Case& c : cases) kinds.insert(c.kind);
  EXPECT_EQ(kinds, (std::set<std::string>{"layer", "bilinear_pair", "rrelu_train"}));
}

// The one-input layers, each as a one-element model so the spec parser makes it.
TEST(LayerGolden, LayersMatchTorch) {
  for (const Case& c : read_manifest()) {
    if (c.kind != "layer") continue;
    SCOPED_TRACE(c.name);
    const Matrix<double> x = load_matrix(c, "x"), dy = load_matrix(c, "dy");
    auto model = activ::nn::parse_model<double>(c.spec);
    model.build(x.cols, 1);
    for (activ::nn::Parameter<double>* p : model.parameters()) {
      const std::string name = p->name.substr(p->name.find('.') + 1);  // "0.weight" -> "weight"
      ASSERT_TRUE(has(c, name)) << p->name;
      const std::vector<double> value = load(c, name);
      ASSERT_EQ(value.size(), p->value.size()) << p->name;
      p->value.data = value;
    }
    const Matrix<double> y = model.forward(x, Mode::eval);
    Matrix<double> dx;
    model.backward(dy, &dx);
    std::string report = "[layer golden] " + c.name + " (" + c.spec + "): worst |activ - torch| / (eps scale):";
    report += " y " + std::to_string(expect_matches(c, "y", y.data));
    report += ", grad_x " + std::to_string(expect_matches(c, "grad_x", dx.data));
    for (activ::nn::Parameter<double>* p : model.parameters()) {
      const std::string name = p->name.substr(p->name.find('.') + 1);
      report += ", grad_" + name + " " + std::to_string(expect_matches(c, "grad_" + name, p->grad.data));
    }
    std::printf("%s\n", report.c_str());
  }
}

TEST(LayerGolden, TwoInputBilinearMatchesTorch) {
  int seen = 0;
  for (const Case& c : read_manifest()) {
    if (c.kind != "bilinear_pair") continue;
    ++seen;
    SCOPED_TRACE(c.name);
    const Matrix<double> x1 = load_matrix(c, "x"), x2 = load_matrix(c, "x2"), dy = load_matrix(c, "dy");
    const bool bias = has(c, "bias");
    activ::nn::Bilinear<double> layer(x1.cols, x2.cols, dy.cols, bias);
    activ::nn::Rng rng(1);
    layer.build(rng);
    const auto params = layer.parameters();
    ASSERT_EQ(params.size(), bias ? 2u : 1u);
    params[0]->value.data = load(c, "weight");
    if (bias) params[1]->value.data = load(c, "bias");
    ASSERT_EQ(params[0]->value.size(), x1.cols * x2.cols * dy.cols);
    Matrix<double> y, dx1, dx2;
    layer.forward(x1, x2, y);
    layer.backward(x1, x2, dy, &dx1, &dx2);
    std::string report = "[layer golden] " + c.name + ": worst |activ - torch| / (eps scale):";
    report += " y " + std::to_string(expect_matches(c, "y", y.data));
    report += ", grad_x1 " + std::to_string(expect_matches(c, "grad_x", dx1.data));
    report += ", grad_x2 " + std::to_string(expect_matches(c, "grad_x2", dx2.data));
    report += ", grad_weight " + std::to_string(expect_matches(c, "grad_weight", params[0]->grad.data));
    if (bias) report += ", grad_bias " + std::to_string(expect_matches(c, "grad_bias", params[1]->grad.data));
    std::printf("%s\n", report.c_str());
  }
  EXPECT_EQ(seen, 2);
}

// y and dx of an RReLU in training mode against torch's semantics; returns the slopes.
std::vector<double> check_training_semantics(const std::string& who, const Matrix<double>& x, const Matrix<double>& dy,
                                             const std::vector<double>& y, const std::vector<double>& dx,
                                             double lower, double upper) {
  std::vector<double> slopes;
  for (std::size_t i = 0; i < x.size(); ++i) {
    if (x.data[i] > 0) {
      EXPECT_EQ(y[i], x.data[i]) << who << " [" << i << "]";
      EXPECT_EQ(dx[i], dy.data[i]) << who << " [" << i << "]";
      continue;
    }
    const double r = dx[i] / dy.data[i];  // the element's slope, as the gradient shows it
    EXPECT_GE(r, lower * (1 - 4 * kEps)) << who << " [" << i << "]";
    EXPECT_LE(r, upper * (1 + 4 * kEps)) << who << " [" << i << "]";
    if (x.data[i] < 0) {  // and the forward used the same slope
      EXPECT_NEAR(y[i], r * x.data[i], 4 * kEps * std::abs(y[i])) << who << " [" << i << "]";
    } else {
      EXPECT_EQ(y[i], 0.0) << who << " [" << i << "]";
    }
    slopes.push_back(r);
  }
  // One slope per element: as many distinct values as elements drawn.
  EXPECT_EQ(std::set<double>(slopes.begin(), slopes.end()).size(), slopes.size()) << who;
  return slopes;
}

TEST(LayerGolden, RReLUTrainingHasTorchsSemantics) {
  int seen = 0;
  for (const Case& c : read_manifest()) {
    if (c.kind != "rrelu_train") continue;
    ++seen;
    const Matrix<double> x = load_matrix(c, "x"), dy = load_matrix(c, "dy");
    const double lower = 0.1, upper = 0.3;
    ASSERT_EQ(c.spec, "rrelu(lower=0.1, upper=0.3)");
    // torch's own sample first: the semantics hold for it.
    const std::vector<double> torch_slopes =
        check_training_semantics("torch", x, dy, load(c, "y"), load(c, "grad_x"), lower, upper);
    // activ's layer on the same input.
    activ::nn::RReLU<double> layer(lower, upper);
    activ::nn::Rng rng(3);
    layer.build(x.cols, rng);
    Matrix<double> y, dx;
    layer.forward(x, y, Mode::train);
    layer.backward(x, y, dy, &dx);
    const std::vector<double> slopes = check_training_semantics("activ", x, dy, y.data, dx.data, lower, upper);
    ASSERT_EQ(slopes.size(), torch_slopes.size());
    ASSERT_GT(slopes.size(), 40u);
    // Both are uniform on [lower, upper]: their means lie near (lower + upper) / 2
    // (the standard deviation of a mean of n such slopes is 0.0577 / sqrt(n) < 0.01).
    const auto mean = [](const std::vector<double>& v) { return std::accumulate(v.begin(), v.end(), 0.0) / v.size(); };
    EXPECT_NEAR(mean(torch_slopes), (lower + upper) / 2, 0.03);
    EXPECT_NEAR(mean(slopes), (lower + upper) / 2, 0.03);
  }
  EXPECT_EQ(seen, 1);
}

}  // namespace
