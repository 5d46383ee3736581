// .npz archives as numpy.savez writes them: a zip of NAME.npy members, stored without
// compression. The archive comment carries free text (activ's model files put their
// format version and model spec there; numpy ignores it). Only stored members are
// read; anything else is an NpyError naming the file and the problem.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "io/npy.hpp"

namespace activ::io {

struct NpzArchive {
  std::vector<std::pair<std::string, NpyArray>> arrays;  // names without ".npy", in file order
  std::string comment;
};

// Writes atomically (temporary file, then rename).
void write_npz(const std::string& path, const NpzArchive& archive);
NpzArchive read_npz(const std::string& path);

}  // namespace activ::io
