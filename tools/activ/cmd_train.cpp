// activ train --model SPEC --data fashion-mnist [--epochs E] [--batch B] [--optimizer
// adam|adamw|sgd] [--lr L] [--seed S] [--threads T]: trains a classifier with
// cross-entropy [--save model.npz], shows a progress bar per epoch on a terminal (plain lines otherwise)
// and prints the final test accuracy. The same seed and thread count give identical
// results: weights, shuffles and dropout masks come from seeded generators, and
// OpenBLAS and activ's kernels are reproducible for a fixed thread count.
#include <unistd.h>

#include <activ/threads.hpp>
#include <cstdio>
#include <memory>

#include "common.hpp"
#include "nn/gemm.hpp"
#include "nn/model_file.hpp"
#include "nn/model_spec.hpp"
#include "nn/trainer.hpp"

namespace activ::cli {
namespace {

struct TrainOptions {
  std::string model;
  std::string data = "fashion-mnist";
  std::string data_dir = io::kFashionMnistDir;
  int epochs = 5;
  std::size_t batch = 128;
  std::string optimizer = "adam";
  double lr = 1e-3;
  std::uint64_t seed = 0;
  int threads = 1;
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
  if (o.data != "fashion-mnist") fail("--data: unknown data set '" + o.data + "' (known: fashion-mnist)");
  if (o.epochs < 1) fail("--epochs must be at least 1");
  if (o.batch < 1) fail("--batch must be at least 1");
  if (o.threads < 1) fail("--threads must be at least 1");
  nn::Sequential<float> model = nn::parse_model<float>(o.model);  // bad specs fail before the data loads
  const io::FashionMnist raw = io::load_fashion_mnist(o.data_dir);
  const nn::Dataset train = nn::images_to_dataset(raw.train, 10), test = nn::images_to_dataset(raw.test, 10);
  model.build(train.features.cols, o.seed);
  if (model.out_features() != train.classes)
    fail("the model ends with " + std::to_string(model.out_features()) + " outputs; fashion-mnist has " +
         std::to_string(train.classes) + " classes (end it with dense(10))");
  auto optimizer = nn::make_optimizer<float>(o.optimizer, o.lr, model.parameters());
  activ::set_num_threads(o.threads);
  nn::set_blas_threads(o.threads);

  const bool terminal = isatty(fileno(stdout)) != 0;
  std::printf("model %s: %zu -> %zu, %zu training and %zu test examples, %s lr=%s batch=%zu seed=%llu threads=%d\n",
              model.spec().c_str(), model.in_features(), model.out_features(), train.labels.size(),
              test.labels.size(), o.optimizer.c_str(), format_number(o.lr).c_str(), o.batch,
              static_cast<unsigned long long>(o.seed), o.threads);
  std::fflush(stdout);
  nn::Rng shuffle_rng(o.seed ^ 0x9e3779b97f4a7c15ULL);  // a stream apart from the weights'
  double total_seconds = 0;
  nn::Evaluation last{};
  for (int epoch = 1; epoch <= o.epochs; ++epoch) {
    const std::string label = "epoch " + std::to_string(epoch) + "/" + std::to_string(o.epochs);
    std::size_t shown = 0;
    const auto progress = [&](const nn::BatchProgress& p) {
      // Redraw about 50 times an epoch: often enough to move, rarely enough to cost nothing.
      if (!terminal || (p.batch != p.batches && p.batch < shown + std::max<std::size_t>(1, p.batches / 50))) return;
      shown = p.batch;
      std::printf("\r%s %s %zu/%zu loss %.4f acc %.4f %.0f ex/s ", label.c_str(), bar(p.batch, p.batches).c_str(),
                  p.batch, p.batches, p.loss, p.accuracy,
                  p.seconds > 0 ? static_cast<double>(p.batch * o.batch) / p.seconds : 0.0);
      std::fflush(stdout);
    };
    const nn::EpochResult r = nn::train_epoch(model, *optimizer, train, o.batch, shuffle_rng, progress);
    total_seconds += r.seconds;
    last = nn::evaluate(model, test, 1000);
    std::printf("%s%s: loss %.4f accuracy %.4f test_loss %.4f test_accuracy %.4f time %.2f s %.0f examples/s\n",
                terminal ? "\r\033[K" : "", label.c_str(), r.loss, r.accuracy, last.loss, last.accuracy, r.seconds,
                static_cast<double>(train.labels.size()) / r.seconds);
    std::fflush(stdout);
  }
  std::printf("test accuracy: %.4f (%d epochs, %.2f s training)\n", last.accuracy, o.epochs, total_seconds);
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
  cmd->add_option("--data", o->data, "data set: fashion-mnist (Debian's dataset-fashion-mnist)")->capture_default_str();
  cmd->add_option("--data-dir", o->data_dir, "directory of the fashion-mnist files")->capture_default_str();
  cmd->add_option("--epochs", o->epochs, "passes over the training set")->capture_default_str();
  cmd->add_option("--batch", o->batch, "examples per optimizer step")->capture_default_str();
  cmd->add_option("--optimizer", o->optimizer, "adam, adamw or sgd (torch's defaults otherwise)")->capture_default_str();
  cmd->add_option("--lr", o->lr, "learning rate")->capture_default_str();
  cmd->add_option("--seed", o->seed, "seed of the weights, the shuffles and dropout")->capture_default_str();
  cmd->add_option("--threads", o->threads, "threads for the BLAS and activ's kernels")->capture_default_str();
  cmd->add_option("--save", o->save, "write the trained parameters to this .npz file (format: docs/training.md)");
  cmd->callback([o] { run_train(*o); });
}

}  // namespace activ::cli
