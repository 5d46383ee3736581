// activ train --model SPEC | --load model.npz [--data fashion-mnist | npy:...] [--epochs E]
// [--batch B] [--optimizer adam|adamw|sgd] [--lr L] [--seed S] [--threads T]
// [--save model.npz]: trains a classifier with cross-entropy (from fresh weights, or
// from a saved model's), shows a progress bar per epoch on a terminal (plain lines
// otherwise) and prints the final test accuracy. The same seed and thread count give
// identical results: weights, shuffles and dropout masks come from seeded generators,
// and OpenBLAS and activ's kernels are reproducible for a fixed thread count.
// activ evaluate --load model.npz [--data ...]: the saved model's test loss and accuracy.
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
  std::string load;  // --load: start from these parameters (the model comes from the file)
};

// The model of --load, checked against --model when both are given (equal after
// parsing, so spacing and default arguments do not matter).
nn::Sequential<float> load_saved_model(const std::string& path, const std::string& model_option, std::uint64_t seed) {
  nn::Sequential<float> model = nn::load_model(path, seed);
  if (!model_option.empty()) {
    const std::string given = nn::parse_model<float>(model_option).spec();
    if (given != model.spec())
      fail("--model " + given + " differs from the model saved in " + path + ": " + model.spec() +
           " (leave --model out to continue with the saved one)");
  }
  return model;
}

// "model SPEC (from FILE): ..." for the first line of train and evaluate.
std::string describe_model(const nn::Sequential<float>& model, const std::string& loaded_from) {
  return "model " + model.spec() + (loaded_from.empty() ? "" : " (from " + loaded_from + ")");
}

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
  if (o.model.empty() && o.load.empty()) fail("give --model SPEC, or --load FILE to continue a saved model");
  // Bad specs and model files fail before the data loads.
  nn::Sequential<float> model =
      o.load.empty() ? nn::parse_model<float>(o.model) : load_saved_model(o.load, o.model, o.seed);
  const ClassificationData data = load_data(s);
  use_threads(s.threads);
  if (o.load.empty())
    build_classifier(model, data, s, o.seed);
  else
    check_classifier(model, data, s);

  const bool terminal = isatty(fileno(stdout)) != 0;
  std::printf("%s: %zu training and %zu test examples (%s), %s lr=%s batch=%zu seed=%llu threads=%d\n",
              describe_model(model, o.load).c_str(), data.train.labels.size(), data.test.labels.size(),
              data.test_name.c_str(), s.optimizer.c_str(), format_number(s.lr).c_str(), s.batch,
              static_cast<unsigned long long>(o.seed), s.threads);
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

void run_evaluate(const TrainOptions& o) {
  const TrainingSetup& s = o.setup;
  check_data_setup(s);
  nn::Sequential<float> model = nn::load_model(o.load, 0);
  const ClassificationData data = load_data(s);
  use_threads(s.threads);
  check_classifier(model, data, s);
  std::printf("%s: %zu examples (%s), threads=%d\n", describe_model(model, o.load).c_str(), data.test.labels.size(),
              data.test_name.c_str(), s.threads);
  const nn::Evaluation e = evaluate_classifier(model, data);
  std::printf("test accuracy: %.4f (test_loss %.4f)\n", e.accuracy, e.loss);
}

}  // namespace

void add_train_command(CLI::App& app) {
  auto o = std::make_shared<TrainOptions>();
  CLI::App* cmd = app.add_subcommand("train", "Train a classifier (model spec of layers and activations) on a data set");
  cmd->add_option("--model", o->model,
                  "layers and activations separated by commas, e.g. \"dense(256),relu,dense(128),relu,dense(10)\"; "
                  "with --load optional (it must then equal the saved model)");
  add_training_options(*cmd, o->setup);
  cmd->add_option("--seed", o->seed, "seed of the weights, the shuffles and dropout")->capture_default_str();
  cmd->add_option("--save", o->save, "write the trained parameters to this .npz file (format: docs/training.md)");
  cmd->add_option("--load", o->load,
                  "continue training the model saved in this .npz file (its spec and parameters; the optimizer "
                  "starts afresh)");
  cmd->callback([o] { run_train(*o); });
}

void add_evaluate_command(CLI::App& app) {
  auto o = std::make_shared<TrainOptions>();
  CLI::App* cmd = app.add_subcommand("evaluate", "Test loss and accuracy of a model saved by activ train --save");
  cmd->add_option("--load", o->load, "the .npz model file")->required();
  add_data_options(*cmd, o->setup);
  cmd->callback([o] { run_evaluate(*o); });
}

}  // namespace activ::cli
