#include "io/idx.hpp"

#include <zlib.h>

#include <cstdio>
#include <fstream>
#include <iterator>
#include <stdexcept>
#include <string>

namespace activ::io {
namespace {

[[noreturn]] void fail(const std::string& name, const std::string& problem) {
  throw std::invalid_argument(name + ": " + problem);
}

std::vector<std::uint8_t> read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) fail(path, "cannot open the file");
  std::vector<std::uint8_t> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad()) fail(path, "read error");
  return bytes;
}

}  // namespace

std::vector<std::uint8_t> read_gzip_file(const std::string& path, std::size_t max_bytes) {
  const std::vector<std::uint8_t> compressed = read_file(path);
  // zlib would read a non-gzip file as raw deflate data or "transparently" (gzread);
  // checking the gzip magic first gives the clear message.
  if (compressed.size() < 2 || compressed[0] != 0x1f || compressed[1] != 0x8b)
    fail(path, "not a gzip file (expected the magic bytes 1f 8b)");

  z_stream stream{};
  if (inflateInit2(&stream, 16 + MAX_WBITS) != Z_OK) fail(path, "zlib could not be initialised");
  stream.next_in = const_cast<Bytef*>(compressed.data());
  stream.avail_in = static_cast<uInt>(compressed.size());

  std::vector<std::uint8_t> out;
  std::uint8_t chunk[1 << 16];
  int status = Z_OK;
  while (status == Z_OK) {
    stream.next_out = chunk;
    stream.avail_out = sizeof chunk;
    status = inflate(&stream, Z_NO_FLUSH);
    const std::size_t produced = sizeof chunk - stream.avail_out;
    if (out.size() + produced > max_bytes) {
      inflateEnd(&stream);
      fail(path, "decompresses to more than " + std::to_string(max_bytes) + " bytes");
    }
    out.insert(out.end(), chunk, chunk + produced);
    // Z_BUF_ERROR with input left would mean no progress; with none left, truncation.
    if (status == Z_BUF_ERROR && stream.avail_in == 0) break;
  }
  const std::string message = stream.msg ? stream.msg : "";
  inflateEnd(&stream);
  if (status == Z_BUF_ERROR) fail(path, "truncated gzip data (the stream ends early)");
  if (status != Z_STREAM_END) fail(path, "corrupt gzip data" + (message.empty() ? "" : " (" + message + ")"));
  if (stream.avail_in != 0) fail(path, "trailing bytes after the gzip stream");
  return out;
}

IdxArray parse_idx(std::span<const std::uint8_t> bytes, const std::string& name) {
  if (bytes.size() < 4) fail(name, "truncated IDX header (" + std::to_string(bytes.size()) + " bytes)");
  if (bytes[0] != 0 || bytes[1] != 0) fail(name, "bad IDX magic number (the first two bytes must be 0)");
  if (bytes[2] != 0x08) {
    char type[8];
    std::snprintf(type, sizeof type, "0x%02x", bytes[2]);
    fail(name, std::string("unsupported IDX data type ") + type + " (only unsigned bytes, 0x08, are read)");
  }
  const std::size_t ndim = bytes[3];
  if (ndim == 0) fail(name, "IDX file with no dimensions");
  const std::size_t header = 4 + 4 * ndim;
  if (bytes.size() < header) fail(name, "truncated IDX header (" + std::to_string(ndim) + " dimensions announced)");

  IdxArray array;
  std::size_t count = 1;
  for (std::size_t d = 0; d < ndim; ++d) {
    const std::uint8_t* p = bytes.data() + 4 + 4 * d;
    const std::size_t dim = (std::size_t{p[0]} << 24) | (std::size_t{p[1]} << 16) | (std::size_t{p[2]} << 8) | p[3];
    // Each dim is < 2^32, so the product only overflows past the data we hold anyway.
    if (dim != 0 && count > (bytes.size() - header) / dim + 1)
      fail(name, "truncated IDX data (the dimensions need more bytes than the file has)");
    count *= dim;
    array.shape.push_back(dim);
  }
  const std::size_t available = bytes.size() - header;
  if (available < count)
    fail(name, "truncated IDX data: expected " + std::to_string(count) + " bytes, found " + std::to_string(available));
  if (available > count)
    fail(name, "trailing bytes after the IDX data (" + std::to_string(available - count) + " extra)");
  array.data.assign(bytes.begin() + static_cast<std::ptrdiff_t>(header), bytes.end());
  return array;
}

IdxArray read_idx_gz(const std::string& path) { return parse_idx(read_gzip_file(path), path); }

}  // namespace activ::io
