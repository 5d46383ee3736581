// Classification data from .npy files (NumPy's np.save): a features array and a labels
// array with one entry per example.
//
// Features: N x D, or N x d1 x d2 ... (images) flattened to N x (d1 d2 ...) in C order.
//   float32 is taken as is, float64 rounded to float32 (the layers compute in float32),
//   uint8 is read as pixels and scaled by 1/255 to [0, 1], as the Fashion-MNIST loader
//   does, so np.save of the usual uint8 image arrays trains like the IDX files. Other
//   integer and bool dtypes are rejected (their scale is unknown: convert them to
//   float32 as they should be fed). Every feature must be finite.
// Labels: 1-d of N, any integer dtype or bool, each in [0, 16777215] (a class index);
//   float labels are rejected rather than truncated.
#pragma once

#include <string>

#include "nn/trainer.hpp"

namespace activ::nn {

// Reads and checks both files; the set's `classes` is its largest label + 1. Throws
// std::invalid_argument naming the file and the problem (unreadable or malformed .npy,
// wrong dtype or dimensions, N mismatch, no examples, a non-finite feature with its
// index, a negative or too large label with its index).
Dataset read_npy_dataset(const std::string& features_path, const std::string& labels_path);

// Sets the class count of `data` (read from `labels_path`), which must exceed every label.
void set_classes(Dataset& data, std::size_t classes, const std::string& labels_path);

}  // namespace activ::nn
