#include "nn/trainer.hpp"

#include <algorithm>
#include <chrono>
#include <cstring>
#include <numeric>
#include <stdexcept>

#include "nn/loss.hpp"

namespace activ::nn {
namespace {

std::size_t correct_predictions(const Matrix<float>& logits, const std::int32_t* labels) {
  std::size_t correct = 0;
  for (std::size_t r = 0; r < logits.rows; ++r) {
    const float* row = &logits.data[r * logits.cols];
    const auto predicted = std::max_element(row, row + logits.cols) - row;  // first maximum, as argmax
    correct += predicted == labels[r];
  }
  return correct;
}

void check(const Sequential<float>& model, const Dataset& data, std::size_t batch_size) {
  if (batch_size == 0) throw std::invalid_argument("batch size must be at least 1");
  if (data.labels.empty()) throw std::invalid_argument("the data set is empty");
  if (model.out_features() != data.classes)
    throw std::invalid_argument("the model has " + std::to_string(model.out_features()) + " outputs for " +
                                std::to_string(data.classes) + " classes");
}

}  // namespace

Dataset images_to_dataset(const io::LabelledImages& images, std::size_t classes) {
  Dataset d;
  d.features = Matrix<float>(images.count, images.rows * images.cols);
  for (std::size_t i = 0; i < images.pixels.size(); ++i) d.features.data[i] = images.pixels[i] / 255.0f;
  d.labels.assign(images.labels.begin(), images.labels.end());
  d.classes = classes;
  return d;
}

EpochResult train_epoch(Sequential<float>& model, Optimizer<float>& optimizer, const Dataset& data,
                        std::size_t batch_size, Rng& shuffle_rng,
                        const std::function<void(const BatchProgress&)>& progress) {
  check(model, data, batch_size);
  const auto start = std::chrono::steady_clock::now();
  const std::size_t n = data.labels.size(), width = data.features.cols;
  std::vector<std::size_t> order(n);
  std::iota(order.begin(), order.end(), std::size_t{0});
  shuffle(order.begin(), order.end(), shuffle_rng);

  Matrix<float> x, grad;
  std::vector<std::int32_t> labels;
  double loss_sum = 0;
  std::size_t correct = 0, seen = 0;
  const std::size_t batches = (n + batch_size - 1) / batch_size;
  for (std::size_t b = 0; b < batches; ++b) {
    const std::size_t first = b * batch_size, count = std::min(batch_size, n - first);
    x.reshape(count, width);
    labels.resize(count);
    for (std::size_t i = 0; i < count; ++i) {
      const std::size_t src = order[first + i];
      std::memcpy(&x.data[i * width], &data.features.data[src * width], width * sizeof(float));
      labels[i] = data.labels[src];
    }
    const Matrix<float>& logits = model.forward(x, Mode::train);
    // Keras's reported loss includes the regularizers' penalties (before the step).
    const double loss = cross_entropy_from_logits(logits, labels, &grad) + model.regularization_loss();
    loss_sum += loss * static_cast<double>(count);
    correct += correct_predictions(logits, labels.data());
    seen += count;
    model.backward(grad);
    optimizer.step();
    if (progress)
      progress({b + 1, batches, loss_sum / static_cast<double>(seen),
                static_cast<double>(correct) / static_cast<double>(seen),
                std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count()});
  }
  return {loss_sum / static_cast<double>(n), static_cast<double>(correct) / static_cast<double>(n),
          std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count()};
}

Evaluation evaluate(Sequential<float>& model, const Dataset& data, std::size_t batch_size) {
  check(model, data, batch_size);
  const std::size_t n = data.labels.size(), width = data.features.cols;
  Matrix<float> x;
  double loss_sum = 0;
  std::size_t correct = 0;
  for (std::size_t first = 0; first < n; first += batch_size) {
    const std::size_t count = std::min(batch_size, n - first);
    x.reshape(count, width);
    std::memcpy(x.data.data(), &data.features.data[first * width], count * width * sizeof(float));
    const std::span<const std::int32_t> labels(&data.labels[first], count);
    const Matrix<float>& logits = model.forward(x, Mode::eval);
    loss_sum += cross_entropy_from_logits(logits, labels, nullptr) * static_cast<double>(count);
    correct += correct_predictions(logits, labels.data());
  }
  // As Keras's evaluate: the regularizers' penalties (the same for every batch) included.
  return {loss_sum / static_cast<double>(n) + model.regularization_loss(),
          static_cast<double>(correct) / static_cast<double>(n)};
}

}  // namespace activ::nn
