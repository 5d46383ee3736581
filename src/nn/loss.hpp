// Losses with torch's definitions and mean reduction. Each returns the loss (summed in
// double) and, when `grad` is not null, writes dL/d(input) into it. Labels out of range
// and shape mismatches throw std::invalid_argument. (grad is not deduced, so nullptr
// may be passed.)
#pragma once

#include <cstdint>
#include <span>
#include <type_traits>

#include "nn/matrix.hpp"

namespace activ::nn {

// torch.nn.CrossEntropyLoss on logits: log_softmax and NLL fused, with the row maximum
// subtracted first so no exp overflows. Mean over the batch.
template <class T>
double cross_entropy_from_logits(const Matrix<T>& logits, std::span<const std::int32_t> labels, std::type_identity_t<Matrix<T>>* grad);

// torch.nn.NLLLoss on log-probabilities: -mean(log_probs[i, label_i]).
template <class T>
double nll_loss(const Matrix<T>& log_probs, std::span<const std::int32_t> labels, std::type_identity_t<Matrix<T>>* grad);

// torch.nn.BCEWithLogitsLoss: max(z, 0) - z t + log1p(exp(-|z|)), mean over elements.
template <class T>
double bce_with_logits(const Matrix<T>& logits, const Matrix<T>& targets, std::type_identity_t<Matrix<T>>* grad);

// torch.nn.MSELoss: mean over elements of (p - t)^2.
template <class T>
double mse_loss(const Matrix<T>& predictions, const Matrix<T>& targets, std::type_identity_t<Matrix<T>>* grad);

}  // namespace activ::nn
