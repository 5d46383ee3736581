// io::parse_npy on arbitrary bytes. NpyError is the only acceptable failure; an array
// that parses (any dtype: floats, integers, bool, either byte order) must serialize and
// parse back to the same dtype, shape and bits.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "io/npy.hpp"

namespace {

[[noreturn]] void bug(const char* what) {
  std::fprintf(stderr, "fuzz_npy: %s\n", what);
  std::abort();
}

bool same_bits(const activ::io::NpyArray& a, const activ::io::NpyArray& b) {
  if (a.dtype != b.dtype || a.shape != b.shape || a.f32.size() != b.f32.size() || a.f64.size() != b.f64.size() ||
      a.integers != b.integers)
    return false;
  // memcmp, not ==, so that NaN payloads count too.
  return (a.f32.empty() || std::memcmp(a.f32.data(), b.f32.data(), a.f32.size() * sizeof(float)) == 0) &&
         (a.f64.empty() || std::memcmp(a.f64.data(), b.f64.data(), a.f64.size() * sizeof(double)) == 0);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace activ::io;
  NpyArray a;
  try {
    a = parse_npy({data, size});
  } catch (const NpyError&) {
    return 0;
  }
  const std::size_t held = a.dtype == DType::f32   ? a.f32.size()
                           : a.dtype == DType::f64 ? a.f64.size()
                                                   : a.integers.size() / dtype_size(a.dtype);
  if (a.size() != held) bug("size() disagrees with the data");
  // Integer and bool elements widen without failing; bools are 0 or 1.
  if (is_integer(a.dtype))
    for (std::size_t i = 0; i < a.size(); ++i)
      if (a.dtype == DType::b1 && a.integer(i) > 1) bug("a bool element is not 0 or 1");
  std::vector<std::uint8_t> bytes;
  NpyArray b;
  try {
    bytes = serialize_npy(a);
    b = parse_npy(bytes);
  } catch (const NpyError& e) {
    std::fprintf(stderr, "fuzz_npy: %s\n", e.what());
    bug("a parsed array does not serialize and parse back");
  }
  if (!same_bits(a, b)) bug("round trip changed the array");
  if (serialize_npy(b) != bytes) bug("serialization is not deterministic");
  return 0;
}
