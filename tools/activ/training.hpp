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
  std::string data = "fashion-mnist";
  std::string data_dir = io::kFashionMnistDir;
  int epochs = 5;
  std::size_t batch = 128;
  std::string optimizer = "adam";
  double lr = 1e-3;
  int threads = 1;
};

// --data, --data-dir, --epochs, --batch, --optimizer, --lr and --threads on `cmd`.
void add_training_options(CLI::App& cmd, TrainingSetup& setup);

// Rejects bad values (unknown data set or optimizer, counts below 1, lr not finite and
// positive) with an InputError, before anything is loaded.
void check_setup(const TrainingSetup& setup);

struct ClassificationData {
  nn::Dataset train, test;
};
ClassificationData load_data(const TrainingSetup& setup);

// Sets the thread count of activ's kernels and of the BLAS.
void use_threads(int threads);

struct EpochReport {
  int epoch = 0;  // 1-based
  nn::EpochResult train;
  nn::Evaluation test;
};

// Builds `model` with `seed`, checks its output width against the classes, and trains it
// for setup.epochs epochs, evaluating on the test split after each. The shuffles come
// from a stream derived from the same seed, so (model, setup, seed, threads) fixes every
// number but the timings. `on_batch` (may be empty) sees every batch, `on_epoch` every epoch.
void train_classifier(nn::Sequential<float>& model, const ClassificationData& data, const TrainingSetup& setup,
                      std::uint64_t seed, const std::function<void(int epoch, const nn::BatchProgress&)>& on_batch,
                      const std::function<void(const EpochReport&)>& on_epoch);

}  // namespace activ::cli
