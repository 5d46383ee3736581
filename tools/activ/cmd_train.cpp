// activ train --model SPEC --data fashion-mnist [--epochs E] [--batch B] [--optimizer
// adam|adamw|sgd] [--lr L] [--seed S] [--threads T]: trains a classifier with
// cross-entropy [--save model.npz], shows a progress bar per epoch on a terminal (plain lines otherwise)
// and prints the final test accuracy. The same seed and thread count give identical
// results: weights, shuffles and dropout masks come from seeded generators, and
// OpenBLAS and activ's kernels are reproducible for a fixed thread count.
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <functional>
#include <memory>

#include "common.hpp"
#include "nn/model_file.hpp"
#include "nn/model_spec.hpp"
#include "training.hpp"

namespace activ::cli {
namespace {

struct TrainOptions {
  std::string model;
  TrainingSetup setup;
  std::uint64_t seed = 0;
  std::string save;  // --save: parameters as .npz (src/nn/model_file.hpp)
};

// "[=========>          ]" for `done` of `total`.
std::string bar(std::size_t done, std::size_t total, std::size_t width = 24) {
  const std::size_t filled = total ? done * width / total : width;
  std::string s = "[" + std::string(filled, '=');
  if (filled < width) s += ">" + std::string(width - filled - 1, ' ');
  return s + "]";
}

void run_train(const TrainOptions& o) {
  const TrainingSetup& s = o.setup;
  check_setup(s);
  nn::Sequential<float> model = nn::parse_model<float>(o.model);  // bad specs fail before the data loads
  const ClassificationData data = load_data(s);
  use_threads(s.threads);

  const bool terminal = isatty(fileno(stdout)) != 0;
  std::printf("model %s: %zu training and %zu test examples, %s lr=%s batch=%zu seed=%llu threads=%d\n",
              model.spec().c_str(), data.train.labels.size(), data.test.labels.size(), s.optimizer.c_str(),
              format_number(s.lr).c_str(), s.batch, static_cast<unsigned long long>(o.seed), s.threads);
  std::fflush(stdout);
  double total_seconds = 0;
  nn::Evaluation last{};
  std::size_t shown = 0;
  const auto label = [&](int epoch) { return "epoch " + std::to_string(epoch) + "/" + std::to_string(s.epochs); };
  const auto on_batch = [&](int epoch, const nn::BatchProgress& p) {
    if (p.batch == 1) shown = 0;
    // Redraw about 50 times an epoch: often enough to move, rarely enough to cost nothing.
    if (p.batch != p.batches && p.batch < shown + std::max<std::size_t>(1, p.batches / 50)) return;
    shown = p.batch;
    std::printf("\r%s %s %zu/%zu loss %.4f acc %.4f %.0f ex/s ", label(epoch).c_str(), bar(p.batch, p.batches).c_str(),
                p.batch, p.batches, p.loss, p.accuracy,
                p.seconds > 0 ? static_cast<double>(p.batch * s.batch) / p.seconds : 0.0);
    std::fflush(stdout);
  };
  const auto on_epoch = [&](const EpochReport& r) {
    total_seconds += r.train.seconds;
    last = r.test;
    std::printf("%s%s: loss %.4f accuracy %.4f test_loss %.4f test_accuracy %.4f time %.2f s %.0f examples/s\n",
                terminal ? "\r\033[K" : "", label(r.epoch).c_str(), r.train.loss, r.train.accuracy, r.test.loss,
                r.test.accuracy, r.train.seconds, static_cast<double>(data.train.labels.size()) / r.train.seconds);
    std::fflush(stdout);
  };
  std::function<void(int, const nn::BatchProgress&)> batch_progress;
  if (terminal) batch_progress = on_batch;
  train_classifier(model, data, s, o.seed, batch_progress, on_epoch);
  std::printf("test accuracy: %.4f (%d epochs, %.2f s training)\n", last.accuracy, s.epochs, total_seconds);
  if (!o.save.empty()) {
    nn::save_model(o.save, model);
    std::printf("saved %s\n", o.save.c_str());
  }
}

}  // namespace

void add_train_command(CLI::App& app) {
  auto o = std::make_shared<TrainOptions>();
  CLI::App* cmd = app.add_subcommand("train", "Train a classifier (model spec of layers and activations) on a data set");
  cmd->add_option("--model", o->model,
                  "layers and activations separated by commas, e.g. \"dense(256),relu,dense(128),relu,dense(10)\"")
      ->required();
  add_training_options(*cmd, o->setup);
  cmd->add_option("--seed", o->seed, "seed of the weights, the shuffles and dropout")->capture_default_str();
  cmd->add_option("--save", o->save, "write the trained parameters to this .npz file (format: docs/training.md)");
  cmd->callback([o] { run_train(*o); });
}

}  // namespace activ::cli
