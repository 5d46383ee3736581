// src/nn semantics: initialisers, PReLU / RReLU / Dropout as torch defines them, the
// losses' values and stability, the optimizers' update rules, model specs, and a short
// deterministic training run that must reduce the loss.
#include <gtest/gtest.h>

#include <activ/activation.hpp>
#include <cmath>
#include <numeric>

#include "io/npy.hpp"
#include "io/npz.hpp"
#include "nn/dense.hpp"
#include "nn/dropout.hpp"
#include "nn/loss.hpp"
#include "nn/model_file.hpp"
#include "nn/model_spec.hpp"
#include "nn/optimizer.hpp"
#include "nn/prelu.hpp"
#include "nn/rrelu.hpp"
#include "nn/swish.hpp"

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

#include "nn/npy_dataset.hpp"

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
