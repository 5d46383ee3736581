#include "training.hpp"

#include <activ/threads.hpp>
#include <cmath>

#include "common.hpp"
#include "nn/gemm.hpp"

namespace activ::cli {

void add_training_options(CLI::App& cmd, TrainingSetup& s) {
  cmd.add_option("--data", s.data, "data set: fashion-mnist (Debian's dataset-fashion-mnist)")->capture_default_str();
  cmd.add_option("--data-dir", s.data_dir, "directory of the fashion-mnist files")->capture_default_str();
  cmd.add_option("--epochs", s.epochs, "passes over the training set")->capture_default_str();
  cmd.add_option("--batch", s.batch, "examples per optimizer step")->capture_default_str();
  cmd.add_option("--optimizer", s.optimizer, "adam, adamw or sgd (torch's defaults otherwise)")->capture_default_str();
  cmd.add_option("--lr", s.lr, "learning rate")->capture_default_str();
  cmd.add_option("--threads", s.threads, "threads for the BLAS and activ's kernels")->capture_default_str();
}

void check_setup(const TrainingSetup& s) {
  if (s.data != "fashion-mnist") fail("--data: unknown data set '" + s.data + "' (known: fashion-mnist)");
  if (s.epochs < 1) fail("--epochs must be at least 1");
  if (s.batch < 1) fail("--batch must be at least 1");
  if (s.threads < 1) fail("--threads must be at least 1");
  if (!(std::isfinite(s.lr) && s.lr > 0)) fail("--lr must be a finite number above 0");
  if (s.optimizer != "adam" && s.optimizer != "adamw" && s.optimizer != "sgd")
    fail("unknown optimizer '" + s.optimizer + "' (known: adam, adamw, sgd)");
}

ClassificationData load_data(const TrainingSetup& s) {
  const io::FashionMnist raw = io::load_fashion_mnist(s.data_dir);
  return {nn::images_to_dataset(raw.train, 10), nn::images_to_dataset(raw.test, 10)};
}

void use_threads(int threads) {
  activ::set_num_threads(threads);
  nn::set_blas_threads(threads);
}

void train_classifier(nn::Sequential<float>& model, const ClassificationData& data, const TrainingSetup& s,
                      std::uint64_t seed, const std::function<void(int, const nn::BatchProgress&)>& on_batch,
                      const std::function<void(const EpochReport&)>& on_epoch) {
  model.build(data.train.features.cols, seed);
  if (model.out_features() != data.train.classes)
    fail("the model ends with " + std::to_string(model.out_features()) + " outputs; " + s.data + " has " +
         std::to_string(data.train.classes) + " classes (end it with dense(" + std::to_string(data.train.classes) +
         "))");
  auto optimizer = nn::make_optimizer<float>(s.optimizer, s.lr, model.parameters());
  nn::Rng shuffle_rng(seed ^ 0x9e3779b97f4a7c15ULL);  // a stream apart from the weights'
  for (int epoch = 1; epoch <= s.epochs; ++epoch) {
    std::function<void(const nn::BatchProgress&)> batch_progress;
    if (on_batch) batch_progress = [&](const nn::BatchProgress& p) { on_batch(epoch, p); };
    EpochReport r;
    r.epoch = epoch;
    r.train = nn::train_epoch(model, *optimizer, data.train, s.batch, shuffle_rng, batch_progress);
    r.test = nn::evaluate(model, data.test, 1000);
    on_epoch(r);
  }
}

}  // namespace activ::cli
