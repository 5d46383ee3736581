// activ::parse on arbitrary strings. std::invalid_argument is the only acceptable
// failure (anything else escapes and libFuzzer reports it); a spec that parses must
// survive parse(to_string()) unchanged and run forward and backward without UB.
#include <activ/activ.hpp>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace {

[[noreturn]] void bug(const std::string& what, std::string_view spec) {
  std::fprintf(stderr, "fuzz_spec_parser: %s for spec \"%.*s\"\n", what.c_str(), static_cast<int>(spec.size()),
               spec.data());
  std::abort();
}

template <class T>
void exercise(const activ::Activation& f) {
  constexpr T inf = std::numeric_limits<T>::infinity();
  std::vector<T> x = {-inf, -1e30f, -20, -3, -1,    -0.5, -std::numeric_limits<T>::denorm_min(), -0.0, 0.0, 0.25,
                      1,    3,      6,   20, 1e30f, inf,  std::numeric_limits<T>::quiet_NaN()};
  if (f.info().kind == activ::Kind::axis) {
    // A 1-D tensor of 16 elements; maxout's k need not divide it (then output_shape throws).
    x.resize(16);
    activ::Shape out;
    try {
      out = f.output_shape({x.size()});
    } catch (const std::invalid_argument&) {
      return;
    }
    std::vector<T> y(activ::shape_size(out)), dy(y.size(), T(1)), dx(x.size());
    f.forward(x, y);
    f.backward(x, dy, dx);
    return;
  }
  std::vector<T> y(x.size()), dy(x.size(), T(1)), dx(x.size());
  f.forward(x, y);
  f.backward(x, dy, dx);
  f.forward(y, y);  // in place
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view spec(reinterpret_cast<const char*>(data), size);
  std::optional<activ::Activation> a;
  try {
    a.emplace(activ::parse(spec));
  } catch (const std::invalid_argument&) {
    return 0;
  }
  const std::string canonical = a->to_string();
  std::optional<activ::Activation> b;
  try {
    b.emplace(activ::parse(canonical));
  } catch (const std::invalid_argument& e) {
    bug("to_string() gave \"" + canonical + "\", which does not parse: " + e.what(), spec);
  }
  if (!(*a == *b)) bug("parse(to_string()) differs: \"" + canonical + "\" -> \"" + b->to_string() + "\"", spec);
  if (b->to_string() != canonical) bug("to_string() is not stable", spec);
  exercise<float>(*a);
  exercise<double>(*a);
  return 0;
}
