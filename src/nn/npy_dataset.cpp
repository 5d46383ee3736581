#include "nn/npy_dataset.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "io/npy.hpp"

namespace activ::nn {
namespace {

constexpr std::int64_t kMaxLabel = (1 << 24) - 1;  // model specs count outputs up to 2^24

io::NpyArray read(const std::string& path) {
  try {
    return io::read_npy(path);
  } catch (const io::NpyError& e) {
    throw std::invalid_argument(e.what());  // already names the file
  }
}

std::string shape_text(const std::vector<std::size_t>& shape) {
  std::string s = "(";
  for (std::size_t i = 0; i < shape.size(); ++i) s += (i ? ", " : "") + std::to_string(shape[i]);
  return s + (shape.size() == 1 ? ",)" : ")");
}

}  // namespace

Dataset read_npy_dataset(const std::string& features_path, const std::string& labels_path) {
  const io::NpyArray x = read(features_path);
  const io::NpyArray y = read(labels_path);
  const auto fail = [](const std::string& path, const std::string& problem) {
    throw std::invalid_argument(path + ": " + problem);
  };
  if (x.shape.size() < 2)
    fail(features_path, "features of shape " + shape_text(x.shape) +
                            "; expected one row per example, (examples, features) or (examples, height, width)");
  if (x.dtype != io::DType::f32 && x.dtype != io::DType::f64 && x.dtype != io::DType::u8)
    fail(features_path, "features of dtype " + io::dtype_descr(x.dtype) +
                            "; expected float32, float64 or uint8 pixels (convert with arr.astype('<f4'))");
  if (y.shape.size() != 1)
    fail(labels_path, "labels of shape " + shape_text(y.shape) + "; expected one dimension, a label per example");
  if (!io::is_integer(y.dtype))
    fail(labels_path, "labels of dtype " + io::dtype_descr(y.dtype) +
                          "; expected integers (class indices; convert with arr.astype('<i8'))");
  const std::size_t n = x.shape[0];
  if (y.shape[0] != n)
    fail(labels_path, std::to_string(y.shape[0]) + " labels for the " + std::to_string(n) + " examples of " +
                          features_path);
  if (n == 0) fail(features_path, "no examples");
  const std::size_t width = x.size() / n;
  if (width == 0) fail(features_path, "examples of 0 features, shape " + shape_text(x.shape));

  Dataset d;
  d.features = Matrix<float>(n, width);
  for (std::size_t i = 0; i < x.size(); ++i) {
    const float v = x.dtype == io::DType::f32   ? x.f32[i]
                    : x.dtype == io::DType::f64 ? static_cast<float>(x.f64[i])
                                                : static_cast<float>(x.integers[i]) / 255.0f;
    if (!std::isfinite(v))
      fail(features_path, "feature " + std::to_string(i % width) + " of example " + std::to_string(i / width) + " is " +
                              (std::isnan(v) ? "NaN" : "infinite (or beyond float32's range)"));
    d.features.data[i] = v;
  }
  d.labels.resize(n);
  std::int64_t largest = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const std::int64_t label = y.integer(i);
    if (label < 0) fail(labels_path, "label " + std::to_string(label) + " at index " + std::to_string(i) + " is negative");
    if (label > kMaxLabel)
      fail(labels_path, "label " + std::to_string(label) + " at index " + std::to_string(i) +
                            " is too large for a class index (at most " + std::to_string(kMaxLabel) + ")");
    d.labels[i] = static_cast<std::int32_t>(label);
    largest = std::max(largest, label);
  }
  d.classes = static_cast<std::size_t>(largest) + 1;
  return d;
}

void set_classes(Dataset& data, std::size_t classes, const std::string& labels_path) {
  const auto it = std::find_if(data.labels.begin(), data.labels.end(),
                               [&](std::int32_t label) { return static_cast<std::size_t>(label) >= classes; });
  if (it != data.labels.end())
    throw std::invalid_argument(labels_path + ": label " + std::to_string(*it) + " at index " +
                                std::to_string(it - data.labels.begin()) + " is not below the " +
                                std::to_string(classes) + " classes");
  data.classes = classes;
}

}  // namespace activ::nn
