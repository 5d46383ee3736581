// IDX files (the MNIST family's format), gzip-compressed as distributed, read with
// zlib. Only unsigned-byte data (type 0x08) is accepted: that is what every MNIST-like
// data set ships. Every problem is a std::invalid_argument naming the file.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace activ::io {

struct IdxArray {
  std::vector<std::size_t> shape;  // the dimensions in file order (count first)
  std::vector<std::uint8_t> data;  // C order, shape's product elements
};

// The decompressed bytes of a whole gzip file. Throws std::invalid_argument naming
// `path` when it cannot be read, is not gzip, is truncated or fails its CRC, or would
// decompress to more than `max_bytes` (a guard against decompression bombs).
std::vector<std::uint8_t> read_gzip_file(const std::string& path, std::size_t max_bytes = std::size_t{1} << 30);

// Parses decompressed IDX bytes: magic 0x00 0x00 0x08 NDIM, NDIM big-endian uint32
// dimensions, then exactly their product of bytes. `name` (the file) is put in every
// error message: bad magic, unsupported data type, no dimensions, truncated header or
// data, trailing bytes.
IdxArray parse_idx(std::span<const std::uint8_t> bytes, const std::string& name);

// read_gzip_file, then parse_idx.
IdxArray read_idx_gz(const std::string& path);

}  // namespace activ::io
