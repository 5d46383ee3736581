// .npy files (NumPy format versions 1.0, 2.0 and 3.0): C-order, little-endian float32
// ('<f4') and float64 ('<f8') arrays of any shape. Everything else is rejected with an
// NpyError that names the problem; nothing is ever half-written.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

namespace activ::io {

struct NpyError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

enum class DType { f32, f64 };

struct NpyArray {
  DType dtype = DType::f32;
  std::vector<std::size_t> shape;  // empty for a 0-d array (one element)
  std::vector<float> f32;          // the data when dtype == f32
  std::vector<double> f64;         // the data when dtype == f64

  std::size_t size() const noexcept { return dtype == DType::f32 ? f32.size() : f64.size(); }
};

// Parses a whole .npy file held in memory. Throws NpyError on a bad magic string or
// version, a truncated or malformed header, an unsupported dtype, Fortran order,
// big-endian data, a shape whose element count overflows or does not match the data.
NpyArray parse_npy(std::span<const std::uint8_t> bytes);

// Reads a file; a missing or unreadable file is an NpyError naming the path.
NpyArray read_npy(const std::string& path);

// The bytes of a version 1.0 .npy file (2.0 when the header needs it).
std::vector<std::uint8_t> serialize_npy(const NpyArray& a);

// Writes to a temporary file beside `path` and renames it into place, so `path` is
// either untouched or complete. Throws NpyError naming the path on failure.
void write_npy(const std::string& path, const NpyArray& a);

// The same for any bytes (write_npy's and .npz files' writer).
void write_file_atomically(const std::string& path, std::span<const std::uint8_t> bytes);

}  // namespace activ::io
