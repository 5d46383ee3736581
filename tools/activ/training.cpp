#include "training.hpp"

#include <activ/threads.hpp>
#include <algorithm>
#include <cmath>

#include "common.hpp"
#include "nn/gemm.hpp"
#include "nn/model_spec.hpp"
#include "nn/npy_dataset.hpp"

namespace activ::cli {

namespace {

constexpr const char* kNpyPrefix = "npy:";

// The paths of --data npy:TRAIN_X,TRAIN_Y[,TEST_X,TEST_Y]; empty for fashion-mnist.
std::vector<std::string> npy_paths(const std::string& data) {
  if (data.rfind(kNpyPrefix, 0) != 0) return {};
  std::vector<std::string> paths;
  const std::string list = data.substr(std::string(kNpyPrefix).size());
  for (std::size_t start = 0;;) {
    const std::size_t comma = list.find(',', start);
    paths.push_back(list.substr(start, comma == std::string::npos ? std::string::npos : comma - start));
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  if ((paths.size() != 2 && paths.size() != 4) ||
      std::any_of(paths.begin(), paths.end(), [](const std::string& p) { return p.empty(); }))
    fail("--data " + data + ": expected npy:TRAIN_X,TRAIN_Y or npy:TRAIN_X,TRAIN_Y,TEST_X,TEST_Y (.npy files)");
  return paths;
}

}  // namespace

void add_data_options(CLI::App& cmd, TrainingSetup& s) {
  cmd.add_option("--data", s.data,
                 "fashion-mnist (Debian's dataset-fashion-mnist), or npy:TRAIN_X,TRAIN_Y[,TEST_X,TEST_Y]: .npy "
                 "features (float32/float64, or uint8 pixels scaled to [0, 1]; (N, D) or (N, H, W) flattened) and "
                 "integer labels (N,); without test files the test figures are on the training data")
      ->capture_default_str();
  cmd.add_option("--data-dir", s.data_dir, "directory of the fashion-mnist files")->capture_default_str();
  cmd.add_option("--classes", s.classes, "number of classes (default: the largest label + 1; 10 for fashion-mnist)");
  cmd.add_option("--threads", s.threads, "threads for the BLAS and activ's kernels")->capture_default_str();
}

void add_training_options(CLI::App& cmd, TrainingSetup& s) {
  add_data_options(cmd, s);
  cmd.add_option("--epochs", s.epochs, "passes over the training set")->capture_default_str();
  cmd.add_option("--batch", s.batch, "examples per optimizer step")->capture_default_str();
  cmd.add_option("--optimizer", s.optimizer, "adam, adamw or sgd (torch's defaults otherwise)")->capture_default_str();
  cmd.add_option("--lr", s.lr, "learning rate")->capture_default_str();
}

void check_data_setup(const TrainingSetup& s) {
  if (s.data != "fashion-mnist" && s.data.rfind(kNpyPrefix, 0) != 0)
    fail("--data: unknown data set '" + s.data + "' (known: fashion-mnist, npy:TRAIN_X,TRAIN_Y[,TEST_X,TEST_Y])");
  (void)npy_paths(s.data);
  if (s.data == "fashion-mnist" && s.classes != 0 && s.classes != 10)
    fail("--classes " + std::to_string(s.classes) + ": fashion-mnist has 10 classes");
  if (s.threads < 1) fail("--threads must be at least 1");
}

void check_setup(const TrainingSetup& s) {
  check_data_setup(s);
  if (s.epochs < 1) fail("--epochs must be at least 1");
  if (s.batch < 1) fail("--batch must be at least 1");
  if (!(std::isfinite(s.lr) && s.lr > 0)) fail("--lr must be a finite number above 0");
  if (s.optimizer != "adam" && s.optimizer != "adamw" && s.optimizer != "sgd")
    fail("unknown optimizer '" + s.optimizer + "' (known: adam, adamw, sgd)");
}

ClassificationData load_data(const TrainingSetup& s) {
  const std::vector<std::string> paths = npy_paths(s.data);
  if (paths.empty()) {
    const io::FashionMnist raw = io::load_fashion_mnist(s.data_dir);
    return {nn::images_to_dataset(raw.train, 10), nn::images_to_dataset(raw.test, 10), "test split"};
  }
  ClassificationData d;
  d.train = nn::read_npy_dataset(paths[0], paths[1]);
  if (paths.size() == 4) {
    d.test = nn::read_npy_dataset(paths[2], paths[3]);
    if (d.test.features.cols != d.train.features.cols)
      fail(paths[2] + ": examples of " + std::to_string(d.test.features.cols) + " features, but those of " + paths[0] +
           " have " + std::to_string(d.train.features.cols));
  } else {
    d.test = d.train;
    d.test_name = "training data";
  }
  const std::size_t classes = s.classes != 0 ? s.classes : std::max(d.train.classes, d.test.classes);
  if (classes < 2) fail(paths[1] + ": every label is 0; a classifier needs at least 2 classes (see --classes)");
  nn::set_classes(d.train, classes, paths[1]);
  nn::set_classes(d.test, classes, paths.size() == 4 ? paths[3] : paths[1]);
  return d;
}

void use_threads(int threads) {
  activ::set_num_threads(threads);
  nn::set_blas_threads(threads);
}

void check_classifier(const nn::Sequential<float>& model, const ClassificationData& data, const TrainingSetup& s) {
  if (model.in_features() != data.train.features.cols)
    fail("the model takes " + std::to_string(model.in_features()) + " features; " + s.data + " has " +
         std::to_string(data.train.features.cols));
  if (model.out_features() != data.train.classes)
    fail("the model ends with " + std::to_string(model.out_features()) + " outputs; " + s.data + " has " +
         std::to_string(data.train.classes) + " classes (end it with dense(" + std::to_string(data.train.classes) +
         "))");
}

void build_classifier(nn::Sequential<float>& model, const ClassificationData& data, const TrainingSetup& s,
                      std::uint64_t seed) {
  model.build(data.train.features.cols, seed);
  check_classifier(model, data, s);
}

void train_classifier(nn::Sequential<float>& model, const ClassificationData& data, const TrainingSetup& s,
                      std::uint64_t seed, const std::function<void(int, const nn::BatchProgress&)>& on_batch,
                      const std::function<void(const EpochReport&)>& on_epoch) {
  check_classifier(model, data, s);
  auto optimizer = nn::make_optimizer<float>(s.optimizer, s.lr, model.parameters());
  nn::Rng shuffle_rng(seed ^ 0x9e3779b97f4a7c15ULL);  // a stream apart from the weights'
  for (int epoch = 1; epoch <= s.epochs; ++epoch) {
    std::function<void(const nn::BatchProgress&)> batch_progress;
    if (on_batch) batch_progress = [&](const nn::BatchProgress& p) { on_batch(epoch, p); };
    EpochReport r;
    r.epoch = epoch;
    r.train = nn::train_epoch(model, *optimizer, data.train, s.batch, shuffle_rng, batch_progress);
    r.test = evaluate_classifier(model, data);
    on_epoch(r);
  }
}

nn::Evaluation evaluate_classifier(nn::Sequential<float>& model, const ClassificationData& data) {
  return nn::evaluate(model, data.test, kEvaluationBatch);
}

}  // namespace activ::cli
