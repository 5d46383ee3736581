// Model parameter files: a NumPy .npz (numpy.load reads it) with one float32 array per
// parameter, named as in torch's state_dict ("0.weight", "0.bias", "2.weight", ...;
// Dense weights are in x out, Keras's layout). The archive comment records
//   activ-model-format 1
//   model: <the model spec>
//   inputs: <input features>
// and loading checks the version, the spec, the input width and every array's name,
// dtype and shape before it changes anything.
#pragma once

#include <cstdint>
#include <string>

#include "nn/sequential.hpp"

namespace activ::nn {

inline constexpr int kModelFormatVersion = 1;

// Writes atomically; throws io::NpyError naming the path on failure.
void save_model(const std::string& path, Sequential<float>& model);

// Loads into a model built from the same spec for the same input width. Throws
// std::invalid_argument naming the file and the first mismatch (nothing is changed then).
void load_model(const std::string& path, Sequential<float>& model);

// What a model file's comment records.
struct ModelFileHeader {
  std::string spec;    // the model spec
  std::size_t inputs;  // the input width it was built for
};

// The model a file describes: parsed from its spec, built for its input width with
// `seed` (which seeds the generators of random layers, RReLU and Dropout, for further
// training) and loaded with its parameters, with every check of load_model. Throws
// std::invalid_argument naming the file.
Sequential<float> load_model(const std::string& path, std::uint64_t seed, ModelFileHeader* info = nullptr);

}  // namespace activ::nn
