// Finite-difference gradient checks in double for every layer and loss of src/nn:
// backward must agree with central differences of the forward to about 1e-7.
#include <gtest/gtest.h>

#include <activ/activation.hpp>
#include <cmath>
#include <functional>

#include "nn/activation_layer.hpp"
#include "nn/bilinear.hpp"
#include "nn/dense.hpp"
#include "nn/dropout.hpp"
#include "nn/keras_prelu.hpp"
#include "nn/loss.hpp"
#include "nn/maxout.hpp"
#include "nn/model_spec.hpp"
#include "nn/prelu.hpp"
#include "nn/rrelu.hpp"
#include "nn/swish.hpp"

namespace {

using activ::nn::Matrix;
using activ::nn::Mode;
using activ::nn::Rng;

constexpr double kStep = 1e-6;
constexpr double kTolerance = 1e-7;

// Values in [-2, -0.05] U [0.05, 2]: away from the kinks of relu and prelu at 0, where
// central differences straddling the kink would measure the average slope.
Matrix<double> random_matrix(std::size_t rows, std::size_t cols, std::uint64_t seed) {
  Rng rng(seed);
  Matrix<double> m(rows, cols);
  for (double& v : m.data) v = (rng.uniform01() < 0.5 ? -1 : 1) * rng.uniform(0.05, 2.0);
  return m;
}

template <class F>
double central_difference(double& variable, const F& f) {
  const double saved = variable;
  variable = saved + kStep;
  const double up = f();
  variable = saved - kStep;
  const double down = f();
  variable = saved;
  return (up - down) / (2 * kStep);
}

void expect_close(double analytic, double numeric, const std::string& what) {
  EXPECT_NEAR(analytic, numeric, kTolerance * std::max(1.0, std::abs(numeric))) << what;
}

// L = sum(r * layer(x)) with fixed random r; dL/dx and dL/dparameters from backward
// against central differences of L.
void check_layer(activ::nn::Layer<double>& layer, std::size_t in_features, Mode mode = Mode::eval) {
  Rng rng(7);
  const std::size_t out_features = layer.build(in_features, rng);
  Matrix<double> x = random_matrix(3, in_features, 11);
  const Matrix<double> r = random_matrix(3, out_features, 13);
  Matrix<double> y;
  const auto loss = [&] {
    layer.forward(x, y, mode);
    double sum = 0;
    for (std::size_t i = 0; i < y.size(); ++i) sum += r.data[i] * y.data[i];
    return sum;
  };
  loss();
  ASSERT_EQ(y.cols, out_features);
  Matrix<double> dx;
  layer.backward(x, y, r, &dx);
  ASSERT_EQ(dx.rows, x.rows);
  ASSERT_EQ(dx.cols, x.cols);
  for (std::size_t i = 0; i < x.size(); ++i)
    expect_close(dx.data[i], central_difference(x.data[i], loss), layer.spec() + " dx[" + std::to_string(i) + "]");
  for (activ::nn::Parameter<double>* p : layer.parameters())
    for (std::size_t i = 0; i < p->value.size(); ++i)
      expect_close(p->grad.data[i], central_difference(p->value.data[i], loss),
                   layer.spec() + " " + p->name + "[" + std::to_string(i) + "]");
}

TEST(Gradients, DenseGlorotWithBias) {
  activ::nn::Dense<double> layer(4);
  check_layer(layer, 5);
}

TEST(Gradients, DenseKaimingWithoutBias) {
  activ::nn::Dense<double> layer(3, false, activ::nn::Init::kaiming_uniform);
  check_layer(layer, 6);
}

TEST(Gradients, ActivationLayers) {
  for (const char* spec : {"relu", "tanh", "elu(alpha=0.5)", "gelu", "silu", "mish", "softplus", "sigmoid", "selu",
                           "softmax", "log_softmax", "maxout(k=2)"}) {
    activ::nn::ActivationLayer<double> layer(activ::parse(spec));
    check_layer(layer, 6);
  }
}

TEST(Gradients, PReLUSharedAndPerFeature) {
  activ::nn::PReLU<double> shared;
  check_layer(shared, 5);
  activ::nn::PReLU<double> per_feature(5, 0.1);
  check_layer(per_feature, 5);
}

TEST(Gradients, LearnableSwishSharedAndPerFeature) {
  activ::nn::LearnableSwish<double> shared;
  check_layer(shared, 5);
  activ::nn::LearnableSwish<double> per_feature(5, 0.7);
  check_layer(per_feature, 5);
  // A model with it: parsed, and its beta trained with the rest.
  auto model = activ::nn::parse_model<double>("dense(4),swish_learnable(num_parameters=4, init=1.5),dense(2)");
  EXPECT_EQ(model.spec(), "dense(4),swish_learnable(num_parameters=4, init=1.5),dense(2)");
  model.build(3, 1);
  ASSERT_EQ(model.parameters().size(), 5u);
  EXPECT_EQ(model.parameters()[2]->name, "1.beta");
}

// A one-or-more-layer model under L = sum(r * model(x)) + regularization_loss(): dL/dx
// and dL/dparameters from backward (which adds the regularizers' gradients) against
// central differences of L.
void check_model(const std::string& spec, std::size_t in_features) {
  auto model = activ::nn::parse_model<double>(spec);
  model.build(in_features, 7);
  Matrix<double> x = random_matrix(3, in_features, 11);
  const Matrix<double> r = random_matrix(3, model.out_features(), 13);
  const auto loss = [&] {
    const Matrix<double>& y = model.forward(x, Mode::eval);
    double sum = model.regularization_loss();
    for (std::size_t i = 0; i < y.size(); ++i) sum += r.data[i] * y.data[i];
    return sum;
  };
  loss();
  Matrix<double> dx;
  model.backward(r, &dx);
  for (std::size_t i = 0; i < x.size(); ++i)
    expect_close(dx.data[i], central_difference(x.data[i], loss), spec + " dx[" + std::to_string(i) + "]");
  for (activ::nn::Parameter<double>* p : model.parameters())
    for (std::size_t i = 0; i < p->value.size(); ++i)
      expect_close(p->grad.data[i], central_difference(p->value.data[i], loss),
                   spec + " " + p->name + "[" + std::to_string(i) + "]");
}

TEST(Gradients, KerasPReLU) {
  activ::nn::KerasPReLU<double> zeros;  // Keras's default: alpha = 0
  check_layer(zeros, 5);
  activ::nn::KerasPReLU<double> glorot({.alpha_initializer = {activ::nn::Initializer::Kind::glorot_uniform}});
  check_layer(glorot, 5);
  // Features as a (2, 3) input sharing alpha along axis 1: alpha of Keras shape (1, 3).
  activ::nn::KerasPReLU<double> shared({.alpha_initializer = {activ::nn::Initializer::Kind::constant, 0.3},
                                        .shared_axes = {1},
                                        .feature_shape = {2, 3}});
  check_layer(shared, 6);
  EXPECT_EQ(shared.alpha_shape(), (std::vector<std::size_t>{1, 3}));
}

// The regularizers' gradients: L1 (sign), L2 (2 l2 w) and both, through Sequential.
TEST(Gradients, KerasPReLURegularizers) {
  for (const char* regularizer : {"l1(0.3)", "l2(0.2)", "l1_l2(l1=0.1, l2=0.4)"})
    check_model(std::string("dense(4),PReLU(alpha_initializer=glorot_uniform, alpha_regularizer=") + regularizer + ")",
                3);
}

TEST(Gradients, KerasActivationLayers) {
  for (const char* spec : {"ReLU", "ReLU(max_value=1.5, negative_slope=0.2, threshold=0.1)", "ReLU(max_value=6)",
                           "LeakyReLU", "LeakyReLU(negative_slope=0.05)", "ELU", "ELU(alpha=0.5)", "Softmax",
                           "ThresholdedReLU", "ThresholdedReLU(theta=0.5)"})
    check_model(spec, 6);
}

TEST(Gradients, MaxoutLayer) {
  activ::nn::Maxout<double> glorot(3, 2);
  check_layer(glorot, 4);
  activ::nn::Maxout<double> kaiming_no_bias(2, 4, false, activ::nn::Init::kaiming_uniform);
  check_layer(kaiming_no_bias, 5);
  check_model("maxout(4, pieces=3),maxout(2),dense(2)", 3);
}

// Bilinear: L = sum(r * y) against central differences in x1, x2, W and b.
TEST(Gradients, Bilinear) {
  for (const bool bias : {true, false}) {
    activ::nn::Bilinear<double> layer(4, 3, 2, bias);
    Rng rng(5);
    layer.build(rng);
    Matrix<double> x1 = random_matrix(3, 4, 21), x2 = random_matrix(3, 3, 23);
    const Matrix<double> r = random_matrix(3, 2, 25);
    Matrix<double> y;
    const auto loss = [&] {
      layer.forward(x1, x2, y);
      double sum = 0;
      for (std::size_t i = 0; i < y.size(); ++i) sum += r.data[i] * y.data[i];
      return sum;
    };
    loss();
    ASSERT_EQ(y.rows, 3u);
    ASSERT_EQ(y.cols, 2u);
    Matrix<double> dx1, dx2;
    layer.backward(x1, x2, r, &dx1, &dx2);
    for (std::size_t i = 0; i < x1.size(); ++i) expect_close(dx1.data[i], central_difference(x1.data[i], loss), "dx1");
    for (std::size_t i = 0; i < x2.size(); ++i) expect_close(dx2.data[i], central_difference(x2.data[i], loss), "dx2");
    ASSERT_EQ(layer.parameters().size(), bias ? 2u : 1u);
    for (activ::nn::Parameter<double>* p : layer.parameters())
      for (std::size_t i = 0; i < p->value.size(); ++i)
        expect_close(p->grad.data[i], central_difference(p->value.data[i], loss), p->name);
  }
}

TEST(Gradients, BilinearForwardByDefinitionAndInit) {
  activ::nn::Bilinear<double> layer(3, 2, 4);
  Rng rng(9);
  layer.build(rng);
  const auto params = layer.parameters();
  const Matrix<double>& w = params[0]->value;  // (out, in1, in2) in C order
  const Matrix<double>& b = params[1]->value;
  ASSERT_EQ(w.rows, 4u);
  ASSERT_EQ(w.cols, 6u);
  for (double v : w.data) EXPECT_LE(std::abs(v), 1 / std::sqrt(3.0));
  for (double v : b.data) EXPECT_LE(std::abs(v), 1 / std::sqrt(3.0));
  const Matrix<double> x1 = random_matrix(2, 3, 31), x2 = random_matrix(2, 2, 33);
  Matrix<double> y;
  layer.forward(x1, x2, y);
  for (std::size_t n = 0; n < 2; ++n)
    for (std::size_t o = 0; o < 4; ++o) {
      double expected = b.data[o];
      for (std::size_t i = 0; i < 3; ++i)
        for (std::size_t j = 0; j < 2; ++j) expected += x1(n, i) * w.data[(o * 3 + i) * 2 + j] * x2(n, j);
      EXPECT_NEAR(y(n, o), expected, 1e-12);
    }
  Matrix<double> bad(2, 5);
  EXPECT_THROW(layer.forward(bad, x2, y), std::invalid_argument);
}

// The one-stream layer: x is both of Bilinear's inputs, so dL/dx must be the sum of its
// two input gradients (central differences move x in both places at once).
TEST(Gradients, BilinearLayerOneStream) {
  for (const bool bias : {true, false}) {
    activ::nn::BilinearLayer<double> layer(3, bias);
    check_layer(layer, 4);
    EXPECT_EQ(layer.spec(), bias ? "bilinear(3)" : "bilinear(3, bias=false)");
  }
  // Its forward is the two-input class's with x twice, and its init is the class's.
  activ::nn::BilinearLayer<double> layer(2);
  Rng a(41), b(41);
  layer.build(3, a);
  activ::nn::Bilinear<double> pair(3, 3, 2);
  pair.build(b);
  const Matrix<double> x = random_matrix(4, 3, 43);
  Matrix<double> y_layer, y_pair;
  layer.forward(x, y_layer, Mode::train);
  pair.forward(x, x, y_pair);
  EXPECT_EQ(y_layer.data, y_pair.data);
  EXPECT_EQ(layer.parameters()[0]->file_shape, (std::vector<std::size_t>{2, 3, 3}));
}

TEST(Gradients, RReLUInEvaluation) {
  activ::nn::RReLU<double> layer(0.1, 0.3);
  check_layer(layer, 5);
}

TEST(Gradients, DropoutInEvaluation) {
  activ::nn::Dropout<double> layer(0.3);
  check_layer(layer, 5);
}

TEST(Gradients, WholeModel) {
  auto model =
      activ::nn::parse_model<double>("dense(6),tanh,prelu,dense(4, init=kaiming_uniform),elu,bilinear(5),dense(3)");
  model.build(5, 3);
  Matrix<double> x = random_matrix(4, 5, 17);
  const std::vector<std::int32_t> labels{0, 2, 1, 2};
  const auto loss = [&] { return activ::nn::cross_entropy_from_logits(model.forward(x, Mode::eval), labels, nullptr); };
  Matrix<double> dlogits, dx;
  activ::nn::cross_entropy_from_logits(model.forward(x, Mode::eval), labels, &dlogits);
  model.backward(dlogits, &dx);
  for (std::size_t i = 0; i < x.size(); ++i) expect_close(dx.data[i], central_difference(x.data[i], loss), "dx");
  for (activ::nn::Parameter<double>* p : model.parameters())
    for (std::size_t i = 0; i < p->value.size(); ++i)
      expect_close(p->grad.data[i], central_difference(p->value.data[i], loss), p->name);
}

// dL/d(input) of a loss against central differences.
void check_loss(Matrix<double> input, const std::function<double(const Matrix<double>&, Matrix<double>*)>& loss,
                const std::string& what) {
  Matrix<double> grad;
  loss(input, &grad);
  for (std::size_t i = 0; i < input.size(); ++i)
    expect_close(grad.data[i], central_difference(input.data[i], [&] { return loss(input, nullptr); }), what);
}

TEST(Gradients, Losses) {
  const std::vector<std::int32_t> labels{1, 0, 3};
  check_loss(random_matrix(3, 4, 1),
             [&](const Matrix<double>& z, Matrix<double>* g) {
               return activ::nn::cross_entropy_from_logits(z, labels, g);
             },
             "cross_entropy");
  check_loss(random_matrix(3, 4, 2),
             [&](const Matrix<double>& z, Matrix<double>* g) { return activ::nn::nll_loss(z, labels, g); }, "nll");
  Matrix<double> targets = random_matrix(3, 4, 3);
  for (double& t : targets.data) t = std::abs(t) / 2;  // probabilities in [0, 1]
  check_loss(random_matrix(3, 4, 4),
             [&](const Matrix<double>& z, Matrix<double>* g) { return activ::nn::bce_with_logits(z, targets, g); },
             "bce_with_logits");
  check_loss(random_matrix(3, 4, 5),
             [&](const Matrix<double>& p, Matrix<double>* g) { return activ::nn::mse_loss(p, targets, g); }, "mse");
}

}  // namespace
