// src/nn semantics: initialisers, PReLU / RReLU / Dropout as torch defines them, the
// losses' values and stability, the optimizers' update rules, model specs, and a short
// deterministic training run that must reduce the loss.
#include <gtest/gtest.h>

#include <activ/activation.hpp>
#include <activ/threads.hpp>
#include <cmath>
#include <numeric>
#include <thread>

#include "io/npy.hpp"
#include "io/npz.hpp"
#include "nn/dense.hpp"
#include "nn/dropout.hpp"
#include "nn/loss.hpp"
#include "nn/model_file.hpp"
#include "nn/model_spec.hpp"
#include "nn/npy_dataset.hpp"
#include "nn/optimizer.hpp"
#include "nn/prelu.hpp"
#include "nn/rrelu.hpp"
#include "nn/swish.hpp"
#include "nn/trainer.hpp"

namespace {

using activ::nn::Matrix;
using activ::nn::Mode;
using activ::nn::Rng;

Matrix<float> row(std::vector<float> v) {
  Matrix<float> m(1, v.size());
  m.data = std::move(v);
  return m;
}

TEST(Init, GlorotAndKaimingBounds) {
  Rng rng(1);
  activ::nn::Dense<float> glorot(100);
  glorot.build(200, rng);
  const float limit = std::sqrt(6.0f / 300);
  float max_abs = 0;
  for (float w : glorot.parameters()[0]->value.data) max_abs = std::max(max_abs, std::abs(w));
  EXPECT_LE(max_abs, limit);
  EXPECT_GT(max_abs, 0.99f * limit);  // 20000 draws reach the edge
  for (float b : glorot.parameters()[1]->value.data) EXPECT_EQ(b, 0.0f);  // Keras: zeros

  activ::nn::Dense<float> kaiming(100, true, activ::nn::Init::kaiming_uniform);
  kaiming.build(400, rng);
  for (const auto* p : kaiming.parameters()) {
    float m = 0;
    for (float w : p->value.data) m = std::max(m, std::abs(w));
    EXPECT_LE(m, 1.0f / 20);  // torch.nn.Linear: 1 / sqrt(fan_in), bias too
    EXPECT_GT(m, 0.9f / 20);
  }
}

TEST(Init, SameSeedSameWeights) {
  auto a = activ::nn::parse_model<float>("dense(8),relu,dense(3)");
  auto b = activ::nn::parse_model<float>("dense(8),relu,dense(3)");
  a.build(4, 42);
  b.build(4, 42);
  for (std::size_t i = 0; i < a.parameters().size(); ++i)
    EXPECT_EQ(a.parameters()[i]->value.data, b.parameters()[i]->value.data);
  EXPECT_EQ(a.parameters()[0]->name, "0.weight");
  EXPECT_EQ(a.parameters()[3]->name, "2.bias");
}

TEST(PReLU, TorchSemantics) {
  activ::nn::PReLU<float> layer;  // torch.nn.PReLU(): one slope, 0.25
  Rng rng(0);
  layer.build(4, rng);
  Matrix<float> y, dx;
  const Matrix<float> x = row({-2, 0, 3, -1});
  layer.forward(x, y, Mode::train);
  EXPECT_EQ(y.data, (std::vector<float>{-0.5f, 0, 3, -0.25f}));
  layer.backward(x, y, row({1, 1, 1, 2}), &dx);
  EXPECT_EQ(dx.data, (std::vector<float>{0.25f, 0.25f, 1, 0.5f}));  // x = 0 takes the slope, as torch
  EXPECT_EQ(layer.parameters()[0]->grad.data, (std::vector<float>{-2 + 0 - 2}));
  activ::nn::PReLU<float> wrong(3);
  EXPECT_THROW(wrong.build(4, rng), std::invalid_argument);
}

TEST(LearnableSwish, StartsAsSiluAndLearnsBeta) {
  activ::nn::LearnableSwish<float> layer;  // beta = 1: silu
  Rng rng(0);
  layer.build(5, rng);
  Matrix<float> y, silu(1, 5), dx;
  const Matrix<float> x = row({-30, -1.5f, 0, 0.5f, 8});
  layer.forward(x, y, Mode::train);
  activ::parse("silu").forward(x.view(), silu.view());
  for (std::size_t i = 0; i < 5; ++i) EXPECT_NEAR(y.data[i], silu.data[i], 2e-6f * std::max(1.0f, std::abs(silu.data[i])));
  layer.backward(x, y, row({1, 1, 1, 1, 1}), &dx);
  EXPECT_EQ(dx.data[2], 0.5f);  // s(0) + 0
  EXPECT_TRUE(std::isfinite(layer.parameters()[0]->grad.data[0]));
  activ::nn::LearnableSwish<float> per_feature(3, 2.0);
  EXPECT_THROW(per_feature.build(5, rng), std::invalid_argument);
  EXPECT_EQ(per_feature.spec(), "swish_learnable(num_parameters=3, init=2)");
  EXPECT_THROW(activ::nn::parse_model<float>("swish_learnable(num_parameters=0)"), std::invalid_argument);
  EXPECT_THROW(activ::nn::parse_model<float>("swish_learnable(beta=2)"), std::invalid_argument);
}

TEST(RReLU, TrainingDrawsSlopesEvaluationUsesTheMean) {
  activ::nn::RReLU<float> layer(0.1, 0.3);
  Rng rng(5);
  layer.build(1000, rng);
  Matrix<float> x(1, 1000, -1.0f), y;
  layer.forward(x, y, Mode::eval);
  for (float v : y.data) EXPECT_FLOAT_EQ(v, -0.2f);
  layer.forward(x, y, Mode::train);
  float lo = 1, hi = 0;
  for (float v : y.data) {
    lo = std::min(lo, -v);
    hi = std::max(hi, -v);
  }
  EXPECT_GE(lo, 0.1f);
  EXPECT_LE(hi, 0.3f);
  EXPECT_LT(lo, 0.11f);
  EXPECT_GT(hi, 0.29f);
  Matrix<float> dx;  // backward uses the slopes the forward drew
  layer.backward(x, y, Matrix<float>(1, 1000, 1.0f), &dx);
  for (std::size_t i = 0; i < 1000; ++i) EXPECT_EQ(dx.data[i], -y.data[i]);
  Matrix<float> positive(1, 1000, 2.0f);
  layer.forward(positive, y, Mode::train);
  for (float v : y.data) EXPECT_EQ(v, 2.0f);
}

TEST(Dropout, ZeroesAndScalesInTrainingOnly) {
  activ::nn::Dropout<float> layer(0.25);
  Rng rng(9);
  layer.build(10000, rng);
  Matrix<float> x(1, 10000, 1.0f), y;
  layer.forward(x, y, Mode::train);
  std::size_t zeros = 0;
  for (float v : y.data) {
    if (v == 0) ++zeros;
    else EXPECT_FLOAT_EQ(v, 1 / 0.75f);
  }
  EXPECT_NEAR(zeros / 10000.0, 0.25, 0.02);
  layer.forward(x, y, Mode::eval);
  for (float v : y.data) EXPECT_EQ(v, 1.0f);
}

TEST(Losses, CrossEntropyIsStableForHugeLogits) {
  const Matrix<float> logits = row({1000, -1000, 0});
  Matrix<float> grad;
  const std::vector<std::int32_t> label{1};
  const double loss = activ::nn::cross_entropy_from_logits(logits, label, &grad);
  EXPECT_FLOAT_EQ(static_cast<float>(loss), 2000.0f);
  EXPECT_FLOAT_EQ(grad.data[0], 1.0f);
  EXPECT_FLOAT_EQ(grad.data[1], -1.0f);
  const double uniform = activ::nn::cross_entropy_from_logits(Matrix<float>(1, 4, 3.0f), label, nullptr);
  EXPECT_NEAR(uniform, std::log(4.0), 1e-6);
  EXPECT_THROW(activ::nn::cross_entropy_from_logits(logits, std::vector<std::int32_t>{3}, nullptr),
               std::invalid_argument);
  EXPECT_THROW(activ::nn::cross_entropy_from_logits(logits, std::vector<std::int32_t>{0, 1}, nullptr),
               std::invalid_argument);
}

TEST(Losses, BceWithLogitsIsStable) {
  const double loss = activ::nn::bce_with_logits(row({-200, 200}), row({1, 0}), nullptr);
  EXPECT_NEAR(loss, 200.0, 1e-4);
  EXPECT_NEAR(activ::nn::bce_with_logits(row({0}), row({1}), nullptr), std::log(2.0), 1e-7);
  EXPECT_NEAR(activ::nn::mse_loss(row({1, 3}), row({0, 0}), nullptr), 5.0, 1e-12);
  EXPECT_THROW(activ::nn::mse_loss(row({1, 3}), row({0}), nullptr), std::invalid_argument);
}

// One parameter p = 1 with gradient 0.5 each step (the gradient is held fixed).
std::vector<double> run(activ::nn::Optimizer<double>& opt, activ::nn::Parameter<double>& p, int steps) {
  std::vector<double> values;
  for (int i = 0; i < steps; ++i) {
    p.grad.data[0] = 0.5;
    opt.step();
    values.push_back(p.value.data[0]);
  }
  return values;
}

TEST(Optimizers, SgdMomentumNesterovWeightDecayAsTorch) {
  activ::nn::Parameter<double> p{"p", Matrix<double>(1, 1, 1.0), Matrix<double>(1, 1)};
  activ::nn::Sgd<double> sgd({&p}, {.lr = 0.1, .momentum = 0.9, .weight_decay = 0.1, .nesterov = true});
  // By hand from torch's rule: g = 0.5 + 0.1 p; buf = g, then 0.9 buf + g; p -= 0.1 (g + 0.9 buf).
  double value = 1, buf = 0;
  std::vector<double> expected;
  for (int i = 0; i < 3; ++i) {
    const double g = 0.5 + 0.1 * value;
    buf = i == 0 ? g : 0.9 * buf + g;
    value -= 0.1 * (g + 0.9 * buf);
    expected.push_back(value);
  }
  const std::vector<double> got = run(sgd, p, 3);
  for (int i = 0; i < 3; ++i) EXPECT_NEAR(got[i], expected[i], 1e-15);
  EXPECT_THROW(activ::nn::Sgd<double>({&p}, {.lr = 0.1, .nesterov = true}), std::invalid_argument);
}

TEST(Optimizers, AdamAndAdamWAsTorch) {
  activ::nn::Parameter<double> p{"p", Matrix<double>(1, 1, 1.0), Matrix<double>(1, 1)};
  activ::nn::Adam<double> adam({&p}, {.lr = 0.01});
  // With a constant gradient, Adam's bias-corrected step is lr * g / (|g| + eps') each time.
  const std::vector<double> got = run(adam, p, 3);
  EXPECT_NEAR(got[0], 1 - 0.01, 1e-9);
  EXPECT_NEAR(got[2], 1 - 0.03, 1e-9);

  activ::nn::Parameter<double> q{"q", Matrix<double>(1, 1, 1.0), Matrix<double>(1, 1)};
  activ::nn::Adam<double> adamw({&q}, {.lr = 0.01, .weight_decay = 0.5, .decoupled = true});
  const std::vector<double> w = run(adamw, q, 1);
  EXPECT_NEAR(w[0], 1 * (1 - 0.01 * 0.5) - 0.01, 1e-9);
  EXPECT_THROW(activ::nn::make_optimizer<double>("rmsprop", 0.1, {&q}), std::invalid_argument);
}

// Adam splits a large parameter over activ's threads: the update must not depend on the
// thread count (the first dense layer of the Fashion-MNIST model has 200 704 weights).
TEST(Optimizers, AdamIsBitIdenticalForAnyThreadCount) {
  const std::size_t n = std::size_t{1} << 19;
  auto run_adam = [&](int threads) {
    activ::set_num_threads(threads);
    activ::nn::Parameter<float> p{"p", Matrix<float>(1, n), Matrix<float>(1, n)};
    for (std::size_t i = 0; i < n; ++i) {
      p.value.data[i] = std::sin(static_cast<float>(i));
      p.grad.data[i] = std::cos(static_cast<float>(i) * 0.37f) * 1e-3f;
    }
    activ::nn::Adam<float> adam({&p}, {.lr = 0.01});
    for (int step = 0; step < 3; ++step) adam.step();
    return p.value.data;
  };
  const std::vector<float> one = run_adam(1), two = run_adam(2), three = run_adam(3);
  activ::set_num_threads(static_cast<int>(std::max(1u, std::thread::hardware_concurrency())));
  EXPECT_EQ(one, two);
  EXPECT_EQ(one, three);
  EXPECT_NE(one[12345], std::sin(12345.0f));  // the steps moved the parameter
}

TEST(ModelSpec, SplitsAtTopLevelCommas) {
  EXPECT_EQ(activ::nn::split_model_spec("dense(256), elu(alpha=0.5, ), dense(10)").size(), 3u);
  const auto parts = activ::nn::split_model_spec("dense(4, bias=false),elu(alpha=0.5),softmax");
  EXPECT_EQ(parts, (std::vector<std::string>{"dense(4, bias=false)", "elu(alpha=0.5)", "softmax"}));
  auto model = activ::nn::parse_model<float>(" dense(32) , relu,dropout(0.2),prelu(init=0.1),rrelu, dense(10)");
  model.build(784, 1);
  EXPECT_EQ(model.spec(), "dense(32),relu,dropout(0.2),prelu(init=0.1),rrelu,dense(10)");
  EXPECT_EQ(model.out_features(), 10u);
  auto quadratic = activ::nn::parse_model<float>("dense(8),bilinear(out_features=6, bias=False),bilinear(4),dense(3)");
  quadratic.build(5, 1);
  EXPECT_EQ(quadratic.spec(), "dense(8),bilinear(6, bias=false),bilinear(4),dense(3)");
  EXPECT_EQ(quadratic.out_features(), 3u);
  const auto params = quadratic.parameters();
  ASSERT_EQ(params.size(), 7u);  // 0.weight, 0.bias, 1.weight (no bias), 2.weight, 2.bias, 3.weight, 3.bias
  EXPECT_EQ(params[2]->name, "1.weight");
  EXPECT_EQ(params[3]->name, "2.weight");
  EXPECT_EQ(params[2]->value.rows, 6u);
  EXPECT_EQ(params[2]->value.cols, 64u);
  // torch's init bound 1/sqrt(in_features) for the weight and bias of bilinear(4) after 6 features.
  for (const activ::nn::Parameter<float>* p : {params[3], params[4]})
    for (const float v : p->value.data) EXPECT_LE(std::abs(v), 1 / std::sqrt(6.0f));
}

TEST(ModelSpec, BadSpecsNameTheElement) {
  const auto message = [](const std::string& spec) {
    try {
      activ::nn::parse_model<float>(spec);
    } catch (const std::invalid_argument& e) {
      return std::string(e.what());
    }
    return std::string("no exception");
  };
  EXPECT_NE(message("dense(32),relu,dens(10)").find("element 3 'dens(10)'"), std::string::npos);
  EXPECT_NE(message("dense(0)").find("units=0"), std::string::npos);
  EXPECT_NE(message("dense(32),,relu").find("empty element"), std::string::npos);
  EXPECT_NE(message("dense(32").find("unbalanced"), std::string::npos);
  EXPECT_NE(message("dense(32))").find("unbalanced"), std::string::npos);
  EXPECT_NE(message("dense(units=3, units=4)").find("given twice"), std::string::npos);
  EXPECT_NE(message("dense(3, colour=red)").find("unknown argument 'colour'"), std::string::npos);
  EXPECT_NE(message("dropout(1)").find("[0, 1)"), std::string::npos);
  EXPECT_NE(message("").find("empty model spec"), std::string::npos);
  EXPECT_NE(message("dense(4)x").find("after the closing"), std::string::npos);
  EXPECT_NE(message("dense(4),bilinear").find("element 2 'bilinear': needs the number of outputs"), std::string::npos);
  EXPECT_NE(message("bilinear()").find("needs the number of outputs"), std::string::npos);
  EXPECT_NE(message("bilinear(0)").find("out_features=0"), std::string::npos);
  EXPECT_NE(message("bilinear(-2)").find("out_features=-2"), std::string::npos);
  EXPECT_NE(message("bilinear(4, bias=maybe)").find("bias=maybe is not true or false"), std::string::npos);
  EXPECT_NE(message("bilinear(4, True, 3)").find("at most 2 arguments"), std::string::npos);
  EXPECT_NE(message("bilinear(4, in_features=3)").find("unknown argument 'in_features'"), std::string::npos);
  auto bad_width = activ::nn::parse_model<float>("dense(5),maxout(k=2)");
  EXPECT_THROW(bad_width.build(3, 1), std::invalid_argument);
}

// A two-blob classification: 40 steps of Adam on a small MLP must cut the loss well
// down, and the same seed must give bit-identical losses.
std::vector<double> train_blobs(std::uint64_t seed) {
  auto model = activ::nn::parse_model<float>("dense(16),relu,dense(2)");
  model.build(2, seed);
  auto opt = activ::nn::make_optimizer<float>("adam", 0.05, model.parameters());
  Rng rng(99);
  Matrix<float> x(64, 2);
  std::vector<std::int32_t> labels(64);
  for (std::size_t i = 0; i < 64; ++i) {
    labels[i] = static_cast<std::int32_t>(i % 2);
    x(i, 0) = static_cast<float>(rng.uniform(-1, 1) + (labels[i] ? 1.5 : -1.5));
    x(i, 1) = static_cast<float>(rng.uniform(-1, 1));
  }
  std::vector<double> losses;
  Matrix<float> grad;
  for (int step = 0; step < 40; ++step) {
    losses.push_back(activ::nn::cross_entropy_from_logits(model.forward(x, Mode::train), labels, &grad));
    model.backward(grad);
    opt->step();
  }
  return losses;
}

TEST(Training, ReducesTheLossDeterministically) {
  const std::vector<double> a = train_blobs(3), b = train_blobs(3);
  EXPECT_EQ(a, b);
  EXPECT_LT(a.back(), 0.2 * a.front());
}

}  // namespace

namespace {

TEST(ModelFile, SavesAndLoadsWithChecks) {
  const std::string path = ::testing::TempDir() + "activ-model-file-test.npz";
  auto model = activ::nn::parse_model<float>("dense(5),prelu,dense(3, bias=false)");
  model.build(4, 1);
  activ::nn::save_model(path, model);

  auto same = activ::nn::parse_model<float>("dense(5),prelu,dense(3, bias=false)");
  same.build(4, 2);  // other initial weights, replaced by the file's
  activ::nn::load_model(path, same);
  for (std::size_t i = 0; i < model.parameters().size(); ++i)
    EXPECT_EQ(same.parameters()[i]->value.data, model.parameters()[i]->value.data);

  auto other = activ::nn::parse_model<float>("dense(5),relu,dense(3, bias=false)");
  other.build(4, 1);
  EXPECT_THROW(activ::nn::load_model(path, other), std::invalid_argument);
  auto wider = activ::nn::parse_model<float>("dense(5),prelu,dense(3, bias=false)");
  wider.build(6, 1);
  EXPECT_THROW(activ::nn::load_model(path, wider), std::invalid_argument);
  // Bilinear's weight goes to the file as torch's (out, in, in) array and comes back.
  auto quadratic = activ::nn::parse_model<float>("bilinear(3),dense(2)");
  quadratic.build(4, 1);
  activ::nn::save_model(path, quadratic);
  const activ::io::NpzArchive archive = activ::io::read_npz(path);
  ASSERT_EQ(archive.arrays.size(), 4u);
  EXPECT_EQ(archive.arrays[0].first, "0.weight");
  EXPECT_EQ(archive.arrays[0].second.shape, (std::vector<std::size_t>{3, 4, 4}));
  EXPECT_EQ(archive.arrays[1].second.shape, (std::vector<std::size_t>{1, 3}));
  auto reloaded = activ::nn::parse_model<float>("bilinear(3),dense(2)");
  reloaded.build(4, 2);
  activ::nn::load_model(path, reloaded);
  for (std::size_t i = 0; i < quadratic.parameters().size(); ++i)
    EXPECT_EQ(reloaded.parameters()[i]->value.data, quadratic.parameters()[i]->value.data);
  // Not an archive at all, and a truncated one.
  activ::io::write_file_atomically(path, std::vector<std::uint8_t>{1, 2, 3});
  EXPECT_THROW(activ::nn::load_model(path, same), std::invalid_argument);
  std::remove(path.c_str());
}

}  // namespace

// ---- Keras 3 layers. Expected values are derived by hand from the Keras sources
// (keras-team/keras at 3422977, keras/src/...), cited per test; Keras itself is not
// installable here.
namespace {

// The forward of a one-element model on one row.
std::vector<double> keras_forward(const std::string& spec, const std::vector<double>& x) {
  auto model = activ::nn::parse_model<double>(spec);
  model.build(x.size(), 1);
  Matrix<double> in(1, x.size());
  in.data = x;
  return model.forward(in, Mode::eval).data;
}

void expect_near_all(const std::vector<double>& actual, const std::vector<double>& expected, double tolerance,
                     const std::string& what) {
  ASSERT_EQ(actual.size(), expected.size()) << what;
  for (std::size_t i = 0; i < actual.size(); ++i)
    EXPECT_NEAR(actual[i], expected[i], tolerance) << what << " [" << i << "]";
}

std::string parse_error(const std::string& spec, std::size_t build_width = 0) {
  try {
    auto model = activ::nn::parse_model<float>(spec);
    if (build_width) model.build(build_width, 1);
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  return "no exception";
}

// layers/activations/relu.py, leaky_relu.py, elu.py, softmax.py (docstring examples and
// __init__ defaults), legacy/layers.py (ThresholdedReLU, theta=1.0).
TEST(KerasLayers, DefaultsAndDocstringExamples) {
  const std::vector<double> x{-10, -5, 0, 5, 10};
  // ReLU(max_value=10, negative_slope=0.5, threshold=0) -> [-5, -2.5, 0, 5, 10].
  expect_near_all(keras_forward("ReLU(max_value=10, negative_slope=0.5, threshold=0)", x), {-5, -2.5, 0, 5, 10}, 0,
                  "ReLU example");
  expect_near_all(keras_forward("ReLU", x), {0, 0, 0, 5, 10}, 0, "ReLU defaults");
  // threshold: activations/activations.py ReLU.static_call computes where(x > threshold,
  // x, 0), clipped to max_value, minus negative_slope * relu(threshold - x), so x =
  // threshold gives 0 (the layer's docstring formula, "x if threshold <= x", says 1).
  expect_near_all(keras_forward("ReLU(max_value=4, negative_slope=0.5, threshold=1)", {-1, 0.5, 1, 3, 7}),
                  {-1, -0.25, 0, 3, 4}, 1e-15, "ReLU threshold");
  expect_near_all(keras_forward("LeakyReLU(negative_slope=0.5)", x), {-5, -2.5, 0, 5, 10}, 0, "LeakyReLU example");
  // Keras 3's LeakyReLU layer defaults to negative_slope=0.3 (the function: 0.2, torch: 0.01).
  expect_near_all(keras_forward("LeakyReLU", {-2, 3}), {-0.6, 3}, 1e-15, "LeakyReLU default 0.3");
  expect_near_all(keras_forward("ELU", {-1, 2}), {std::exp(-1.0) - 1, 2}, 1e-15, "ELU alpha=1");
  expect_near_all(keras_forward("ELU(alpha=0.5)", {-1}), {0.5 * (std::exp(-1.0) - 1)}, 1e-15, "ELU alpha=0.5");
  // Softmax()([1, 2, 1]) = [0.21194157, 0.5761169, 0.21194157].
  expect_near_all(keras_forward("Softmax", {1, 2, 1}), {0.21194157, 0.5761169, 0.21194157}, 1e-7, "Softmax example");
  expect_near_all(keras_forward("Softmax(axis=1)", {1, 2, 1}), keras_forward("Softmax", {1, 2, 1}), 0, "axis 1");
  // inputs * (inputs > theta).
  expect_near_all(keras_forward("ThresholdedReLU", {0.5, 1, 1.5}), {0, 0, 1.5}, 0, "ThresholdedReLU theta=1");
  expect_near_all(keras_forward("ThresholdedReLU(theta=0.2)", {0.1, 0.2, 0.3}), {0, 0, 0.3}, 0, "theta=0.2");
  // Only non-default arguments appear in the canonical spec.
  auto model = activ::nn::parse_model<float>(
      "ReLU(max_value=None, negative_slope=0),LeakyReLU(0.3),ELU(alpha=0.5),Softmax(axis=-1),ThresholdedReLU(theta=2)");
  EXPECT_EQ(model.spec(), "ReLU,LeakyReLU,ELU(alpha=0.5),Softmax,ThresholdedReLU(theta=2)");
  // Lower case stays activ's catalogue: leaky_relu is torch's, slope 0.01.
  expect_near_all(keras_forward("leaky_relu", {-2}), {-0.02}, 1e-15, "leaky_relu is torch's");
}

TEST(KerasLayers, BadArgumentsAreRejectedAsKerasDoes) {
  EXPECT_NE(parse_error("ReLU(negative_slope=-1)").find("negative_slope must be >= 0"), std::string::npos);
  EXPECT_NE(parse_error("ReLU(max_value=-1)").find("max_value must be >= 0"), std::string::npos);
  EXPECT_NE(parse_error("ReLU(threshold=-0.5)").find("threshold must be >= 0"), std::string::npos);
  EXPECT_NE(parse_error("LeakyReLU(negative_slope=-0.1)").find("negative_slope must be >= 0"), std::string::npos);
  EXPECT_NE(parse_error("ThresholdedReLU(theta=-1)").find("theta must be >= 0"), std::string::npos);
  EXPECT_NE(parse_error("Softmax(axis=0)").find("axis must be -1 or 1"), std::string::npos);
  EXPECT_NE(parse_error("Softmax(axis=(1, 2))").find("not an integer axis"), std::string::npos);
  EXPECT_NE(parse_error("LeakyReLU(alpha=0.2)").find("unknown argument 'alpha'"), std::string::npos);
  EXPECT_NE(parse_error("ReLU(max_value=big)").find("max_value=big is not a finite number"), std::string::npos);
  EXPECT_NE(parse_error("dense(4),ELU(alpha=1, 2)").find("element 2 'ELU(alpha=1, 2)'"), std::string::npos);
}

// layers/activations/prelu.py: alpha_initializer="Zeros", shape input_shape[1:] with the
// shared axes set to 1, call = relu(x) - alpha * relu(-x).
TEST(KerasPReLU, DefaultsForwardAndGradientAtZero) {
  auto model = activ::nn::parse_model<double>("PReLU");
  model.build(4, 1);
  ASSERT_EQ(model.parameters().size(), 1u);
  const auto* alpha = model.parameters()[0];
  EXPECT_EQ(alpha->name, "0.alpha");
  EXPECT_EQ(alpha->value.data, (std::vector<double>(4, 0.0)));  // zeros, one per feature
  EXPECT_EQ(model.spec(), "PReLU");

  auto slopes = activ::nn::parse_model<double>("PReLU(alpha_initializer=constant(0.25))");
  slopes.build(4, 1);
  Matrix<double> x(1, 4);
  x.data = {-2, 0, 3, -1};
  EXPECT_EQ(slopes.forward(x, Mode::train).data, (std::vector<double>{-0.5, 0, 3, -0.25}));
  Matrix<double> dy(1, 4), dx;
  dy.data = {1, 1, 1, 2};
  slopes.backward(dy, &dx);
  // d/dx [relu(x) - a relu(-x)] at x = 0 is 0 with relu'(0) = 0; torch's PReLU gives a.
  EXPECT_EQ(dx.data, (std::vector<double>{0.25, 0, 1, 0.5}));
  EXPECT_EQ(slopes.parameters()[0]->grad.data, (std::vector<double>{-2, 0, 0, -2}));  // -relu(-x) dy

  EXPECT_EQ(keras_forward("PReLU(alpha_initializer=ones)", {-3, 2}), (std::vector<double>{-3, 2}));
  EXPECT_EQ(keras_forward("PReLU(alpha_initializer=Constant(value=-0.5))", {-3, 2}), (std::vector<double>{1.5, 2}));
}

TEST(KerasPReLU, SharedAxesShareOneAlpha) {
  // (batch, features): shared_axes=1 leaves one alpha.
  auto one = activ::nn::parse_model<double>("PReLU(shared_axes=1)");
  one.build(5, 1);
  EXPECT_EQ(one.parameters()[0]->value.size(), 1u);
  // Features as (2, 3), C order: sharing axis 1 gives alpha of shape (1, 3), so feature
  // r*3 + c uses alpha[c]; sharing (1, 2) gives one alpha.
  auto rows = activ::nn::parse_model<double>("PReLU(shared_axes=1, feature_shape=(2, 3))");
  rows.build(6, 1);
  auto* alpha = rows.parameters()[0];
  ASSERT_EQ(alpha->value.size(), 3u);
  alpha->value.data = {0.1, 0.2, 0.3};
  Matrix<double> x(1, 6, -1.0);
  expect_near_all(rows.forward(x, Mode::eval).data, {-0.1, -0.2, -0.3, -0.1, -0.2, -0.3}, 0, "shared axis 1");
  auto cols = activ::nn::parse_model<double>("PReLU(shared_axes=2, feature_shape=(2, 3))");
  cols.build(6, 1);
  ASSERT_EQ(cols.parameters()[0]->value.size(), 2u);
  cols.parameters()[0]->value.data = {0.1, 0.2};
  expect_near_all(cols.forward(x, Mode::eval).data, {-0.1, -0.1, -0.1, -0.2, -0.2, -0.2}, 0, "shared axis 2");
  auto both = activ::nn::parse_model<double>("PReLU(shared_axes=(1, 2), feature_shape=(2, 3))");
  both.build(6, 1);
  EXPECT_EQ(both.parameters()[0]->value.size(), 1u);
  EXPECT_EQ(both.spec(), "PReLU(shared_axes=(1, 2), feature_shape=(2, 3))");
}

// initializers/random_initializers.py: GlorotUniform = VarianceScaling(1, "fan_avg",
// "uniform"), limit sqrt(3 / ((fan_in + fan_out) / 2)), fans from compute_fans(shape).
TEST(KerasPReLU, GlorotUniformUsesKerasFansOfAlphaShape) {
  const auto max_abs = [](const std::string& spec, std::size_t width) {
    auto model = activ::nn::parse_model<double>(spec);
    model.build(width, 3);
    double m = 0;
    for (double a : model.parameters()[0]->value.data) m = std::max(m, std::abs(a));
    return m;
  };
  // Rank 1, shape (400,): fan_in = fan_out = 400, limit sqrt(6 / 800).
  const double rank1 = max_abs("PReLU(alpha_initializer=glorot_uniform)", 400);
  EXPECT_LE(rank1, std::sqrt(6.0 / 800));
  EXPECT_GT(rank1, 0.95 * std::sqrt(6.0 / 800));
  // Rank 3, shape (1, 1, 400): receptive field 1, fan_in 1, fan_out 400: sqrt(6 / 401).
  const double rank3 = max_abs("PReLU(alpha_initializer=glorot_uniform, shared_axes=(1, 2), feature_shape=(2, 2, 400))",
                               1600);
  EXPECT_LE(rank3, std::sqrt(6.0 / 401));
  EXPECT_GT(rank3, 0.95 * std::sqrt(6.0 / 401));
}

// regularizers/regularizers.py: L1 = l1 * sum(|x|) (default 0.01), L2 = l2 * sum(x^2)
// (default 0.01), L1L2 both (defaults 0); trainers/trainer.py compute_loss adds
// sum(self.losses) to the compiled loss, in training and in evaluate.
TEST(KerasPReLU, RegularizerPenaltyJoinsTheLoss) {
  const auto penalty = [](const std::string& regularizer, std::vector<double> alpha) {
    auto model = activ::nn::parse_model<double>("PReLU(alpha_regularizer=" + regularizer + ")");
    model.build(alpha.size(), 1);
    model.parameters()[0]->value.data = std::move(alpha);
    return model.regularization_loss();
  };
  EXPECT_DOUBLE_EQ(penalty("l1(0.1)", {0.5, -1}), 0.15);
  EXPECT_DOUBLE_EQ(penalty("l1", {0.5, -1}), 0.015);
  EXPECT_DOUBLE_EQ(penalty("L2(l2=0.2)", {0.5, -1}), 0.25);
  EXPECT_DOUBLE_EQ(penalty("l2", {0.5, -1}), 0.0125);
  EXPECT_DOUBLE_EQ(penalty("l1_l2(l1=0.1, l2=0.2)", {0.5, -1}), 0.4);
  EXPECT_DOUBLE_EQ(penalty("l1_l2", {0.5, -1}), 0.0);
  EXPECT_DOUBLE_EQ(penalty("None", {0.5, -1}), 0.0);

  // evaluate's loss and train_epoch's loss: cross-entropy + the penalty (3 alphas of
  // 0.5 under l2(0.1): 0.075). The data: 4 examples of 2 features, 3 classes.
  const std::string spec = "dense(3),PReLU(alpha_initializer=constant(0.5), alpha_regularizer=l2(0.1))";
  activ::nn::Dataset data;
  data.features = Matrix<float>(4, 2);
  data.features.data = {1, 0, 0, 1, -1, 0.5f, 0.25f, -1};
  data.labels = {0, 1, 2, 1};
  data.classes = 3;
  auto model = activ::nn::parse_model<float>(spec);
  model.build(2, 5);
  const double cross_entropy =
      activ::nn::cross_entropy_from_logits(model.forward(data.features, Mode::eval), data.labels, nullptr);
  EXPECT_NEAR(activ::nn::evaluate(model, data, 4).loss, cross_entropy + 0.075, 1e-6);
  auto optimizer = activ::nn::make_optimizer<float>("sgd", 0.1, model.parameters());
  Rng shuffle(1);
  // One batch of all 4: the reported loss is the one before the step.
  EXPECT_NEAR(activ::nn::train_epoch(model, *optimizer, data, 4, shuffle).loss, cross_entropy + 0.075, 1e-6);
}

// constraints/constraints.py: NonNeg = maximum(w, 0); MaxNorm(max_value=2, axis=0) =
// w * clip(n, 0, max) / (eps + n); MinMaxNorm(0, 1, rate=1, axis=0) = w * (rate *
// clip(n, min, max) + (1 - rate) n) / (eps + n); eps = backend.epsilon() = 1e-7;
// optimizers/base_optimizer.py applies them after each update.
TEST(KerasPReLU, ConstraintsApplyAfterEachOptimizerStep) {
  // After one step with zero gradients the parameter is the constraint of its value.
  const auto constrained = [](const std::string& options, std::size_t width, std::vector<double> alpha,
                              const std::string& optimizer) {
    auto model = activ::nn::parse_model<double>("PReLU(" + options + ")");
    model.build(width, 1);
    auto* p = model.parameters()[0];
    p->value.data = std::move(alpha);
    std::fill(p->grad.data.begin(), p->grad.data.end(), 0.0);
    activ::nn::make_optimizer<double>(optimizer, 0.1, model.parameters())->step();
    return p->value.data;
  };
  EXPECT_EQ(constrained("alpha_constraint=non_neg", 3, {-0.5, 0, 0.25}, "sgd"), (std::vector<double>{0, 0, 0.25}));
  EXPECT_EQ(constrained("alpha_constraint=NonNeg", 3, {-0.5, 0, 0.25}, "adam"), (std::vector<double>{0, 0, 0.25}));
  constexpr double eps = 1e-7;
  // Norm 5 over axis 0 of shape (2,): scaled to norm 2 (the default max_value).
  expect_near_all(constrained("alpha_constraint=max_norm", 2, {3, 4}, "sgd"), {3 * 2 / (eps + 5), 4 * 2 / (eps + 5)},
                  1e-15, "max_norm");
  // Under the maximum: only the eps factor.
  expect_near_all(constrained("alpha_constraint=max_norm(max_value=10)", 2, {3, 4}, "sgd"),
                  {3 * 5 / (eps + 5), 4 * 5 / (eps + 5)}, 1e-15, "max_norm inside");
  // (2, 2) alpha [[3, 4], [0, 1]]: axis 0 takes column norms (3, sqrt(17)), axis 1 row
  // norms (5, 1), (0, 1) the whole norm sqrt(26); max_value 1.
  const std::string two_by_two = "feature_shape=(2, 2), alpha_constraint=";
  const double c1 = std::sqrt(17.0), all = std::sqrt(26.0);
  expect_near_all(constrained(two_by_two + "max_norm(1, axis=0)", 4, {3, 4, 0, 1}, "sgd"),
                  {3 / (eps + 3), 4 / (eps + c1), 0, 1 / (eps + c1)}, 1e-15, "max_norm axis 0");
  expect_near_all(constrained(two_by_two + "max_norm(1, axis=1)", 4, {3, 4, 0, 1}, "sgd"),
                  {3 / (eps + 5), 4 / (eps + 5), 0, 1 / (eps + 1)}, 1e-15, "max_norm axis 1");
  expect_near_all(constrained(two_by_two + "max_norm(1, axis=(0, 1))", 4, {3, 4, 0, 1}, "sgd"),
                  {3 / (eps + all), 4 / (eps + all), 0, 1 / (eps + all)}, 1e-15, "max_norm axes (0, 1)");
  expect_near_all(constrained(two_by_two + "max_norm(1, axis=-1)", 4, {3, 4, 0, 1}, "sgd"),
                  constrained(two_by_two + "max_norm(1, axis=1)", 4, {3, 4, 0, 1}, "sgd"), 0, "axis -1");
  // min_max_norm: norm 0.5 below min_value 1, rate 0.5: desired 0.5 * 1 + 0.5 * 0.5.
  expect_near_all(constrained("alpha_constraint=min_max_norm(min_value=1, max_value=2, rate=0.5)", 2, {0.3, 0.4},
                              "sgd"),
                  {0.3 * 0.75 / (eps + 0.5), 0.4 * 0.75 / (eps + 0.5)}, 1e-15, "min_max_norm");
  // Defaults (0, 1, 1, axis 0): norm 5 clipped to 1.
  expect_near_all(constrained("alpha_constraint=min_max_norm", 2, {3, 4}, "adam"),
                  {3 / (eps + 5), 4 / (eps + 5)}, 1e-15, "min_max_norm defaults");

  // In training: a step that would push alpha negative leaves it at 0.
  auto model = activ::nn::parse_model<double>("PReLU(alpha_initializer=constant(0.01), alpha_constraint=non_neg)");
  model.build(2, 1);
  Matrix<double> x(1, 2, -1.0), dy(1, 2, -1.0);  // dL/dalpha = x dy = 1 > 0: SGD lowers alpha
  model.forward(x, Mode::train);
  model.backward(dy);
  activ::nn::make_optimizer<double>("sgd", 1.0, model.parameters())->step();
  EXPECT_EQ(model.parameters()[0]->value.data, (std::vector<double>{0, 0}));
}

TEST(KerasPReLU, BadOptionsNameTheProblem) {
  EXPECT_NE(parse_error("PReLU(alpha_initializer=he_normal)").find("alpha_initializer=he_normal: not one of"),
            std::string::npos);
  EXPECT_NE(parse_error("PReLU(alpha_initializer=zeros(1))").find("at most 0 arguments"), std::string::npos);
  EXPECT_NE(parse_error("PReLU(alpha_regularizer=l3(1))").find("alpha_regularizer=l3(1): not one of"),
            std::string::npos);
  EXPECT_NE(parse_error("PReLU(alpha_regularizer=l2(-1))").find("l2=-1 must be >= 0"), std::string::npos);
  EXPECT_NE(parse_error("PReLU(alpha_regularizer=l1(l2=1))").find("unknown argument 'l2'"), std::string::npos);
  EXPECT_NE(parse_error("PReLU(alpha_constraint=unit_norm)").find("alpha_constraint=unit_norm: not one of"),
            std::string::npos);
  EXPECT_NE(parse_error("PReLU(alpha_constraint=max_norm(-1))").find("max_value must be >= 0"), std::string::npos);
  EXPECT_NE(parse_error("PReLU(alpha_constraint=min_max_norm(min_value=2, max_value=1))")
                .find("0 <= min_value <= max_value"),
            std::string::npos);
  EXPECT_NE(parse_error("PReLU(alpha_constraint=min_max_norm(rate=2))").find("rate must be in [0, 1]"),
            std::string::npos);
  EXPECT_NE(parse_error("PReLU(alpha_constraint=max_norm(axis=1))", 4)
                .find("PReLU: alpha_constraint=max_norm(max_value=2, axis=1): axis 1 is out of range for a weight "
                      "of shape (4,)"),
            std::string::npos);
  EXPECT_NE(parse_error("ELU(alpha=-1)").find("'alpha' of keras:elu must be >= 0"), std::string::npos);
  EXPECT_NE(parse_error("PReLU(shared_axes=0)").find("from 1 (0 is the batch)"), std::string::npos);
  EXPECT_NE(parse_error("PReLU(shared_axes=(1, 2))", 4).find("shared axis 2 does not exist"), std::string::npos);
  EXPECT_NE(parse_error("PReLU(shared_axes=[1, 2])").find("after a keyword argument"), std::string::npos);
  EXPECT_NE(parse_error("PReLU(feature_shape=(2, 3))", 5).find("has 6 features, the input 5"), std::string::npos);
  EXPECT_NE(parse_error("PReLU(feature_shape=(2, 0))").find("not a whole number"), std::string::npos);
  EXPECT_NE(parse_error("PReLU(colour=red)").find("unknown argument 'colour'"), std::string::npos);
  EXPECT_NE(parse_error("PReLU(alpha_initializer=constant(x))").find("value=x is not a finite number"),
            std::string::npos);
}

// Goodfellow et al. (2013): z = x W + b with units * pieces outputs, y_j = max over
// pieces j*k .. j*k + k - 1.
TEST(MaxoutLayer, ForwardByDefinitionTieRuleAndInit) {
  auto model = activ::nn::parse_model<double>("maxout(2, pieces=3)");
  model.build(4, 5);
  EXPECT_EQ(model.out_features(), 2u);
  const auto params = model.parameters();
  ASSERT_EQ(params.size(), 2u);
  EXPECT_EQ(params[0]->name, "0.weight");
  ASSERT_EQ(params[0]->value.rows, 4u);
  ASSERT_EQ(params[0]->value.cols, 6u);
  for (double w : params[0]->value.data) EXPECT_LE(std::abs(w), std::sqrt(6.0 / (4 + 6)));  // glorot_uniform
  EXPECT_EQ(params[1]->value.data, std::vector<double>(6, 0.0));                             // bias zeros
  params[1]->value.data = {0.1, -0.2, 0.3, 0.0, 0.5, -0.4};
  Matrix<double> x(2, 4);
  x.data = {1, -2, 0.5, 3, -1, 0, 2, -0.5};
  const Matrix<double> y = model.forward(x, Mode::eval);
  for (std::size_t n = 0; n < 2; ++n)
    for (std::size_t j = 0; j < 2; ++j) {
      double best = -1e300;
      for (std::size_t k = 0; k < 3; ++k) {
        double z = params[1]->value.data[j * 3 + k];
        for (std::size_t i = 0; i < 4; ++i) z += x(n, i) * params[0]->value(i, j * 3 + k);
        best = std::max(best, z);
      }
      EXPECT_NEAR(y(n, j), best, 1e-12);
    }

  // Ties: the gradient goes to the first (lowest-index) maximal piece only.
  auto tie = activ::nn::parse_model<double>("maxout(1, pieces=3)");
  tie.build(1, 1);
  tie.parameters()[0]->value.data = {1, 1, 0.5};  // z = (x, x, x/2)
  Matrix<double> two(1, 1, 2.0), dy(1, 1, 3.0), dx;
  EXPECT_EQ(tie.forward(two, Mode::train).data, (std::vector<double>{2}));
  tie.backward(dy, &dx);
  EXPECT_EQ(tie.parameters()[0]->grad.data, (std::vector<double>{6, 0, 0}));  // x dy to piece 0
  EXPECT_EQ(tie.parameters()[1]->grad.data, (std::vector<double>{3, 0, 0}));
  EXPECT_EQ(dx.data, (std::vector<double>{3}));  // W[0] dy

  EXPECT_EQ(activ::nn::parse_model<float>("maxout(8),maxout(4, pieces=3, bias=false, init=kaiming_uniform)").spec(),
            "maxout(8, pieces=2),maxout(4, pieces=3, bias=false, init=kaiming_uniform)");
  // Without units, maxout is still activ's weightless maxout(k=K) activation.
  auto function = activ::nn::parse_model<float>("dense(6),maxout(k=3)");
  function.build(2, 1);
  EXPECT_EQ(function.out_features(), 2u);
  EXPECT_EQ(function.parameters().size(), 2u);  // dense's only
}

TEST(MaxoutLayer, BadArguments) {
  EXPECT_NE(parse_error("maxout(0)").find("units=0"), std::string::npos);
  EXPECT_NE(parse_error("maxout(4, pieces=0)").find("pieces=0"), std::string::npos);
  EXPECT_NE(parse_error("maxout(pieces=3)").find("needs the number of units"), std::string::npos);
  EXPECT_NE(parse_error("maxout(4, k=2)").find("unknown argument 'k'"), std::string::npos);
  EXPECT_NE(parse_error("maxout(65536, pieces=65536)").find("exceeds 16777216"), std::string::npos);
  EXPECT_NE(parse_error("maxout(4, init=orthogonal)").find("unknown initialiser"), std::string::npos);
}

// Model files: every new layer's parameters round-trip, with the canonical spec in the
// header; the loaded model computes what the saved one did.
TEST(ModelFile, KerasLayersAndMaxoutRoundTrip) {
  const std::string path = ::testing::TempDir() + "activ-keras-model-file-test.npz";
  const std::string spec =
      "dense(6),PReLU(alpha_initializer=glorot_uniform, alpha_regularizer=l2(0.01), "
      "alpha_constraint=max_norm(max_value=3, axis=0), shared_axes=2, feature_shape=(2, 3)),"
      "maxout(4, pieces=3),LeakyReLU,ReLU(max_value=6, threshold=0.5),ELU(alpha=0.5),ThresholdedReLU(theta=0.1),"
      "dense(3),Softmax";
  auto model = activ::nn::parse_model<float>(spec);
  model.build(5, 1);
  activ::nn::save_model(path, model);
  auto loaded = activ::nn::parse_model<float>(model.spec());
  loaded.build(5, 2);
  activ::nn::load_model(path, loaded);
  const auto saved = model.parameters(), restored = loaded.parameters();
  ASSERT_EQ(restored.size(), 7u);  // dense 2, alpha 1, maxout 2, dense 2
  EXPECT_EQ(restored[2]->name, "1.alpha");
  EXPECT_EQ(restored[2]->value.size(), 2u);  // Keras shape (2, 1): axis 2 shared
  EXPECT_EQ(restored[3]->name, "2.weight");
  EXPECT_EQ(restored[3]->value.cols, 12u);
  for (std::size_t i = 0; i < saved.size(); ++i) EXPECT_EQ(restored[i]->value.data, saved[i]->value.data) << i;
  Matrix<float> x(3, 5);
  for (std::size_t i = 0; i < x.size(); ++i) x.data[i] = static_cast<float>(i % 7) * 0.5f - 1.5f;
  EXPECT_EQ(loaded.forward(x, Mode::eval).data, model.forward(x, Mode::eval).data);
  // Another PReLU option is another model: the file is refused.
  auto other = activ::nn::parse_model<float>(
      "dense(6),PReLU(shared_axes=2, feature_shape=(2, 3)),maxout(4, pieces=3),LeakyReLU,"
      "ReLU(max_value=6, threshold=0.5),ELU(alpha=0.5),ThresholdedReLU(theta=0.1),dense(3),Softmax");
  other.build(5, 1);
  EXPECT_THROW(activ::nn::load_model(path, other), std::invalid_argument);
  std::remove(path.c_str());
}

}  // namespace

namespace {

// The file's own model: spec and width from its header, parameters from its arrays.
TEST(ModelFile, LoadsTheModelItDescribes) {
  const std::string path = ::testing::TempDir() + "activ-model-file-own.npz";
  auto model = activ::nn::parse_model<float>("dense(5),bilinear(3),rrelu,dense(2)");
  model.build(4, 1);
  activ::nn::save_model(path, model);
  activ::nn::ModelFileHeader info;
  auto loaded = activ::nn::load_model(path, 9, &info);
  EXPECT_EQ(info.spec, "dense(5),bilinear(3),rrelu,dense(2)");
  EXPECT_EQ(info.inputs, 4u);
  EXPECT_EQ(loaded.spec(), model.spec());
  EXPECT_EQ(loaded.in_features(), 4u);
  ASSERT_EQ(loaded.parameters().size(), model.parameters().size());
  for (std::size_t i = 0; i < model.parameters().size(); ++i)
    EXPECT_EQ(loaded.parameters()[i]->value.data, model.parameters()[i]->value.data);
  Matrix<float> x(3, 4, 0.5f);
  const Matrix<float> a = model.forward(x, Mode::eval);
  EXPECT_EQ(loaded.forward(x, Mode::eval).data, a.data);
  activ::io::write_file_atomically(path, std::vector<std::uint8_t>{1, 2, 3});
  EXPECT_THROW(activ::nn::load_model(path, 1), std::invalid_argument);
  std::remove(path.c_str());
}

// .npy data sets: conversions and every rejection, each naming the file.
TEST(NpyDataset, ReadsAndChecks) {
  const std::string dir = ::testing::TempDir();
  const auto write = [&](const std::string& name, const activ::io::NpyArray& a) {
    activ::io::write_npy(dir + name, a);
    return dir + name;
  };
  activ::io::NpyArray pixels = activ::io::integer_array(activ::io::DType::u8, {2, 2, 2}, {0, 255, 51, 102, 1, 2, 3, 4});
  const std::string images = write("ds_images.npy", pixels);
  const std::string labels = write("ds_labels.npy", activ::io::integer_array(activ::io::DType::i64, {2}, {2, 0}));
  const activ::nn::Dataset d = activ::nn::read_npy_dataset(images, labels);
  EXPECT_EQ(d.features.rows, 2u);
  EXPECT_EQ(d.features.cols, 4u);
  EXPECT_EQ(d.features(0, 1), 1.0f);
  EXPECT_EQ(d.features(0, 2), 51 / 255.0f);
  EXPECT_EQ(d.labels, (std::vector<std::int32_t>{2, 0}));
  EXPECT_EQ(d.classes, 3u);

  activ::io::NpyArray f64;
  f64.dtype = activ::io::DType::f64;
  f64.shape = {2, 1};
  f64.f64 = {0.1, 1e300};
  const std::string huge = write("ds_huge.npy", f64);
  const auto message = [](const std::string& x, const std::string& y) {
    try {
      activ::nn::read_npy_dataset(x, y);
    } catch (const std::invalid_argument& e) {
      return std::string(e.what());
    }
    return std::string("no exception");
  };
  EXPECT_NE(message(huge, labels).find("ds_huge.npy: feature 0 of example 1 is infinite"), std::string::npos);
  const std::string negative = write("ds_neg.npy", activ::io::integer_array(activ::io::DType::i8, {2}, {0, -3}));
  EXPECT_NE(message(images, negative).find("label -3 at index 1 is negative"), std::string::npos);
  const std::string big = write("ds_big.npy", activ::io::integer_array(activ::io::DType::u32, {2}, {0, 16777216}));
  EXPECT_NE(message(images, big).find("too large for a class index"), std::string::npos);
  const std::string three = write("ds_three.npy", activ::io::integer_array(activ::io::DType::i32, {3}, {0, 1, 2}));
  EXPECT_NE(message(images, three).find("3 labels for the 2 examples"), std::string::npos);
  const std::string two_d = write("ds_2d.npy", activ::io::integer_array(activ::io::DType::i32, {2, 1}, {0, 1}));
  EXPECT_NE(message(images, two_d).find("labels of shape (2, 1)"), std::string::npos);
  const std::string wide = write("ds_i16.npy", activ::io::integer_array(activ::io::DType::i16, {2, 2}, {0, 1, 2, 3}));
  EXPECT_NE(message(wide, labels).find("features of dtype <i2"), std::string::npos);
  EXPECT_NE(message(dir + "ds_missing.npy", labels).find("ds_missing.npy"), std::string::npos);
  activ::nn::Dataset copy = d;
  EXPECT_THROW(activ::nn::set_classes(copy, 2, labels), std::invalid_argument);
  activ::nn::set_classes(copy, 5, labels);
  EXPECT_EQ(copy.classes, 5u);
}

}  // namespace
