// .npy files (NumPy format versions 1.0, 2.0 and 3.0): C-order arrays of any shape of
// float32 and float64 ('f4', 'f8'), the signed and unsigned integers up to 32 bits and
// int64 ('i1', 'i2', 'i4', 'i8', 'u1', 'u2', 'u4') and bool ('b1'), little- or
// big-endian ('<', '>', '=' native; '|' for the one-byte types). Everything else
// (uint64, float16, complex, strings, objects, structured arrays, Fortran order) is
// rejected with an NpyError that names the problem; nothing is ever half-written.
// Arrays are held in the host's byte order and written little-endian.
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

enum class DType { f32, f64, i8, i16, i32, i64, u8, u16, u32, b1 };

std::size_t dtype_size(DType t) noexcept;  // bytes per element
bool is_integer(DType t) noexcept;         // the integer dtypes and bool
std::string dtype_descr(DType t);          // as written: "<f4", "|u1", "|b1", "<i8", ...

struct NpyArray {
  DType dtype = DType::f32;
  std::vector<std::size_t> shape;  // empty for a 0-d array (one element)
  std::vector<float> f32;          // the data when dtype == f32
  std::vector<double> f64;         // the data when dtype == f64
  // The data of the integer and bool dtypes: dtype_size bytes per element, host order
  // (kept at their own width so that a uint8 image set takes one byte per pixel).
  std::vector<std::uint8_t> integers;

  std::size_t size() const noexcept;
  // Element i (C order) of an integer or bool array; bools are 0 or 1.
  std::int64_t integer(std::size_t i) const;
};

// An integer or bool array of `shape` holding `values`; throws NpyError when a value
// does not fit the dtype (bools must be 0 or 1) or the count does not match the shape.
NpyArray integer_array(DType dtype, std::vector<std::size_t> shape, const std::vector<std::int64_t>& values);

// Parses a whole .npy file held in memory. Throws NpyError on a bad magic string or
// version, a truncated or malformed header, an unsupported dtype, Fortran order, a
// shape whose element count overflows or does not match the data, a bool byte other
// than 0 or 1.
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
