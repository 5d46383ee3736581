// Numbers in spec strings: the shortest text that reads back to the same double.
#pragma once

#include <array>
#include <charconv>
#include <string>

namespace activ::nn {

inline std::string format_real(double v) {
  std::array<char, 64> buf;
  const auto r = std::to_chars(buf.data(), buf.data() + buf.size(), v);
  return std::string(buf.data(), r.ptr);
}

}  // namespace activ::nn
