// Fashion-MNIST (Zalando) as Debian's dataset-fashion-mnist installs it: four gzip IDX
// files in one directory, 60000 training and 10000 test images of 28x28 bytes with
// labels 0..9.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace activ::io {

inline constexpr const char* kFashionMnistDir = "/usr/share/datasets/fashion-mnist";

// Images and their labels, checked against each other.
struct LabelledImages {
  std::size_t count = 0, rows = 0, cols = 0;
  std::vector<std::uint8_t> pixels;  // count x rows x cols, 0 (background) .. 255
  std::vector<std::uint8_t> labels;  // count, each < num_classes
};

// Reads an images file (3 dimensions) and a labels file (1 dimension) and checks that
// their counts agree and every label is below `num_classes`. Throws
// std::invalid_argument naming the file and the problem.
LabelledImages read_labelled_images(const std::string& images_path, const std::string& labels_path,
                                    std::size_t num_classes);

struct FashionMnist {
  LabelledImages train, test;
};

// Both splits from `dir` (train-images-idx3-ubyte.gz, train-labels-idx1-ubyte.gz,
// t10k-images-idx3-ubyte.gz, t10k-labels-idx1-ubyte.gz). A missing directory names the
// package that provides it.
FashionMnist load_fashion_mnist(const std::string& dir = kFashionMnistDir);

}  // namespace activ::io
