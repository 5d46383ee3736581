// Mini-batch training and evaluation of a classifier with cross-entropy on logits.
#pragma once

#include <cstdint>
#include <functional>
#include <vector>

#include "io/fashion_mnist.hpp"
#include "nn/optimizer.hpp"
#include "nn/sequential.hpp"

namespace activ::nn {

struct Dataset {
  Matrix<float> features;             // examples x features
  std::vector<std::int32_t> labels;   // one per example, in [0, classes)
  std::size_t classes = 0;
};

// Pixels scaled to [0, 1] (x / 255, as the Keras and torch examples do), one row per image.
Dataset images_to_dataset(const io::LabelledImages& images, std::size_t classes);

struct BatchProgress {
  std::size_t batch = 0, batches = 0;  // batches done so far, of the epoch's total
  double loss = 0, accuracy = 0;       // running means over the epoch so far; the loss
                                       // includes Sequential::regularization_loss()
  double seconds = 0;                  // since the epoch began
};

struct EpochResult {
  double loss = 0, accuracy = 0;  // means over the epoch's training examples (the loss with
                                  // the regularization penalty, as Keras reports it)
  double seconds = 0;
};

// One pass over `data` in an order shuffled by `shuffle_rng` (Fisher-Yates, portable),
// with batches of `batch_size` (the last may be smaller), one optimizer step per batch.
// `progress`, if set, is called after every batch.
EpochResult train_epoch(Sequential<float>& model, Optimizer<float>& optimizer, const Dataset& data,
                        std::size_t batch_size, Rng& shuffle_rng,
                        const std::function<void(const BatchProgress&)>& progress = {});

struct Evaluation {
  double loss = 0, accuracy = 0;
};
// Mean loss (plus the regularization penalty, as Keras's evaluate) and accuracy in
// evaluation mode.
Evaluation evaluate(Sequential<float>& model, const Dataset& data, std::size_t batch_size);

}  // namespace activ::nn
