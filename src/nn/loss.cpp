#include "nn/loss.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

namespace activ::nn {
namespace {

template <class T>
void check_labels(const Matrix<T>& m, std::span<const std::int32_t> labels, const char* what) {
  if (labels.size() != m.rows)
    throw std::invalid_argument(std::string(what) + ": " + std::to_string(labels.size()) + " labels for " +
                                std::to_string(m.rows) + " rows");
  for (std::int32_t l : labels)
    if (l < 0 || static_cast<std::size_t>(l) >= m.cols)
      throw std::invalid_argument(std::string(what) + ": label " + std::to_string(l) + " outside [0, " +
                                  std::to_string(m.cols) + ")");
  if (m.rows == 0) throw std::invalid_argument(std::string(what) + ": empty batch");
}

template <class T>
void check_same_shape(const Matrix<T>& a, const Matrix<T>& b, const char* what) {
  if (a.rows != b.rows || a.cols != b.cols || a.size() == 0)
    throw std::invalid_argument(std::string(what) + ": inputs of " + std::to_string(a.rows) + "x" +
                                std::to_string(a.cols) + " and targets of " + std::to_string(b.rows) + "x" +
                                std::to_string(b.cols));
}

}  // namespace

template <class T>
double cross_entropy_from_logits(const Matrix<T>& logits, std::span<const std::int32_t> labels, std::type_identity_t<Matrix<T>>* grad) {
  check_labels(logits, labels, "cross_entropy");
  if (grad) grad->reshape(logits.rows, logits.cols);
  const T inv_batch = T(1) / static_cast<T>(logits.rows);
  double total = 0;
  for (std::size_t r = 0; r < logits.rows; ++r) {
    const T* z = &logits.data[r * logits.cols];
    const T max = *std::max_element(z, z + logits.cols);
    T sum = 0;
    for (std::size_t c = 0; c < logits.cols; ++c) sum += std::exp(z[c] - max);
    const T log_sum = std::log(sum);
    total += static_cast<double>(log_sum - (z[labels[r]] - max));
    if (grad) {
      T* g = &grad->data[r * logits.cols];
      for (std::size_t c = 0; c < logits.cols; ++c) g[c] = std::exp(z[c] - max - log_sum) * inv_batch;
      g[labels[r]] -= inv_batch;
    }
  }
  return total / static_cast<double>(logits.rows);
}

template <class T>
double nll_loss(const Matrix<T>& log_probs, std::span<const std::int32_t> labels, std::type_identity_t<Matrix<T>>* grad) {
  check_labels(log_probs, labels, "nll");
  if (grad) {
    grad->reshape(log_probs.rows, log_probs.cols);
    std::fill(grad->data.begin(), grad->data.end(), T(0));
  }
  double total = 0;
  for (std::size_t r = 0; r < log_probs.rows; ++r) {
    total -= static_cast<double>(log_probs(r, static_cast<std::size_t>(labels[r])));
    if (grad) (*grad)(r, static_cast<std::size_t>(labels[r])) = T(-1) / static_cast<T>(log_probs.rows);
  }
  return total / static_cast<double>(log_probs.rows);
}

template <class T>
double bce_with_logits(const Matrix<T>& logits, const Matrix<T>& targets, std::type_identity_t<Matrix<T>>* grad) {
  check_same_shape(logits, targets, "bce_with_logits");
  if (grad) grad->reshape(logits.rows, logits.cols);
  const T inv_n = T(1) / static_cast<T>(logits.size());
  double total = 0;
  for (std::size_t i = 0; i < logits.size(); ++i) {
    const T z = logits.data[i], t = targets.data[i];
    total += static_cast<double>(std::max(z, T(0)) - z * t + std::log1p(std::exp(-std::abs(z))));
    if (grad) {
      // sigmoid(z) without overflow for large |z|.
      const T e = std::exp(-std::abs(z));
      const T sigmoid = z >= 0 ? T(1) / (T(1) + e) : e / (T(1) + e);
      grad->data[i] = (sigmoid - t) * inv_n;
    }
  }
  return total / static_cast<double>(logits.size());
}

template <class T>
double mse_loss(const Matrix<T>& predictions, const Matrix<T>& targets, std::type_identity_t<Matrix<T>>* grad) {
  check_same_shape(predictions, targets, "mse");
  if (grad) grad->reshape(predictions.rows, predictions.cols);
  const T scale = T(2) / static_cast<T>(predictions.size());
  double total = 0;
  for (std::size_t i = 0; i < predictions.size(); ++i) {
    const T d = predictions.data[i] - targets.data[i];
    total += static_cast<double>(d) * static_cast<double>(d);
    if (grad) grad->data[i] = d * scale;
  }
  return total / static_cast<double>(predictions.size());
}

#define ACTIV_NN_LOSSES(T)                                                                                     \
  template double cross_entropy_from_logits(const Matrix<T>&, std::span<const std::int32_t>, std::type_identity_t<Matrix<T>>*);      \
  template double nll_loss(const Matrix<T>&, std::span<const std::int32_t>, std::type_identity_t<Matrix<T>>*);                       \
  template double bce_with_logits(const Matrix<T>&, const Matrix<T>&, std::type_identity_t<Matrix<T>>*);                             \
  template double mse_loss(const Matrix<T>&, const Matrix<T>&, std::type_identity_t<Matrix<T>>*);
ACTIV_NN_LOSSES(float)
ACTIV_NN_LOSSES(double)

}  // namespace activ::nn
