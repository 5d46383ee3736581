#include "io/fashion_mnist.hpp"

#include <filesystem>
#include <stdexcept>

#include "io/idx.hpp"

namespace activ::io {

LabelledImages read_labelled_images(const std::string& images_path, const std::string& labels_path,
                                    std::size_t num_classes) {
  IdxArray images = read_idx_gz(images_path);
  IdxArray labels = read_idx_gz(labels_path);
  if (images.shape.size() != 3)
    throw std::invalid_argument(images_path + ": expected 3 dimensions (count, rows, columns), found " +
                                std::to_string(images.shape.size()));
  if (labels.shape.size() != 1)
    throw std::invalid_argument(labels_path + ": expected 1 dimension (count), found " +
                                std::to_string(labels.shape.size()));
  if (images.shape[0] != labels.shape[0])
    throw std::invalid_argument(labels_path + ": " + std::to_string(labels.shape[0]) + " labels for " +
                                std::to_string(images.shape[0]) + " images in " + images_path);
  for (std::size_t i = 0; i < labels.data.size(); ++i)
    if (labels.data[i] >= num_classes)
      throw std::invalid_argument(labels_path + ": label " + std::to_string(labels.data[i]) + " at index " +
                                  std::to_string(i) + " is not below " + std::to_string(num_classes));
  LabelledImages out;
  out.count = images.shape[0];
  out.rows = images.shape[1];
  out.cols = images.shape[2];
  out.pixels = std::move(images.data);
  out.labels = std::move(labels.data);
  return out;
}

FashionMnist load_fashion_mnist(const std::string& dir) {
  if (!std::filesystem::is_directory(dir))
    throw std::invalid_argument(dir + ": no such directory (Debian's dataset-fashion-mnist package installs it)");
  const auto split = [&](const std::string& prefix) {
    LabelledImages s = read_labelled_images(dir + "/" + prefix + "-images-idx3-ubyte.gz",
                                            dir + "/" + prefix + "-labels-idx1-ubyte.gz", 10);
    if (s.rows != 28 || s.cols != 28)
      throw std::invalid_argument(dir + "/" + prefix + "-images-idx3-ubyte.gz: images of " + std::to_string(s.rows) +
                                  "x" + std::to_string(s.cols) + " pixels, Fashion-MNIST's are 28x28");
    return s;
  };
  return FashionMnist{split("train"), split("t10k")};
}

}  // namespace activ::io
