// What `activ train` and `activ compare` share: the options of a training run, the
// data set, and the seeded loop of epochs (train, then evaluate on the test split).
#pragma once

#include <CLI/CLI.hpp>
#include <cstdint>
#include <functional>
#include <string>

#include "io/fashion_mnist.hpp"
#include "nn/trainer.hpp"

namespace activ::cli {

struct TrainingSetup {
  std::string data = "fashion-mnist";  // or npy:TRAIN_X,TRAIN_Y[,TEST_X,TEST_Y]
  std::string data_dir = io::kFashionMnistDir;
  std::size_t classes = 0;  // --classes; 0: the largest label + 1 (npy), 10 (fashion-mnist)
  int epochs = 5;
  std::size_t batch = 128;
  std::string optimizer = "adam";
  double lr = 1e-3;
  int threads = 1;
};

// --data, --data-dir, --classes and --threads on `cmd` (what evaluate needs too).
void add_data_options(CLI::App& cmd, TrainingSetup& setup);
// Those and --epochs, --batch, --optimizer and --lr.
void add_training_options(CLI::App& cmd, TrainingSetup& setup);

// Rejects bad values (unknown data set or optimizer, a malformed npy: list, counts
// below 1, lr not finite and positive) with an InputError, before anything is loaded.
void check_data_setup(const TrainingSetup& setup);
void check_setup(const TrainingSetup& setup);

struct ClassificationData {
  nn::Dataset train, test;
  // "test split", or for npy: data without test files "training data": the set that
  // the test loss and accuracy are measured on.
  std::string test_name = "test split";
};
// Fashion-MNIST, or the npy files with their classes set alike (--classes, or the
// largest label of either + 1) and their feature widths checked against each other.
ClassificationData load_data(const TrainingSetup& setup);

// Sets the thread count of activ's kernels and of the BLAS.
void use_threads(int threads);

struct EpochReport {
  int epoch = 0;  // 1-based
  nn::EpochResult train;
  nn::Evaluation test;
};

// Checks the built `model`'s input width against the features and its output width
// against the classes (InputErrors that say how to fix the spec).
void check_classifier(const nn::Sequential<float>& model, const ClassificationData& data, const TrainingSetup& setup);

// Builds `model` for the data with `seed` and checks it.
void build_classifier(nn::Sequential<float>& model, const ClassificationData& data, const TrainingSetup& setup,
                      std::uint64_t seed);

// Trains the built `model` for setup.epochs epochs, evaluating on the test split after
// each. The shuffles come from a stream derived from `seed` (the seed it was built
// with), so (model, setup, seed, threads) fixes every number but the timings.
// `on_batch` (may be empty) sees every batch, `on_epoch` every epoch.
void train_classifier(nn::Sequential<float>& model, const ClassificationData& data, const TrainingSetup& setup,
                      std::uint64_t seed, const std::function<void(int epoch, const nn::BatchProgress&)>& on_batch,
                      const std::function<void(const EpochReport&)>& on_epoch);

// The test loss and accuracy, in batches of kEvaluationBatch (as after each epoch, so
// a saved model evaluates to the numbers printed when it was saved).
inline constexpr std::size_t kEvaluationBatch = 1000;
nn::Evaluation evaluate_classifier(nn::Sequential<float>& model, const ClassificationData& data);

}  // namespace activ::cli
