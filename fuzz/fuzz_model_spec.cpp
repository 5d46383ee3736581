// nn::parse_model on arbitrary strings. std::invalid_argument is the only acceptable
// failure; a model that parses must give a spec() that parses to the same spec() again,
// and, when its sizes are small, build for 4 inputs and run forward (training and
// evaluation) and backward on a 3-row batch with the output shapes it promised.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

#include "nn/model_spec.hpp"

namespace {

using activ::nn::Matrix;
using activ::nn::Mode;
using activ::nn::Sequential;

[[noreturn]] void bug(const std::string& what, std::string_view spec) {
  std::fprintf(stderr, "fuzz_model_spec: %s for spec \"%.*s\"\n", what.c_str(), static_cast<int>(spec.size()),
               spec.data());
  std::abort();
}

// Layer widths go up to 2^24, so a spec such as dense(9999999),dense(9999999) is valid
// but not buildable in memory; build only when every number has at most two digits.
bool small(const std::string& spec) {
  int run = 0;
  for (const char c : spec) {
    run = (c >= '0' && c <= '9') ? run + 1 : 0;
    if (run > 2) return false;
  }
  return true;
}

void exercise(Sequential<float>& model, std::string_view spec) {
  try {
    model.build(4, 1);
  } catch (const std::invalid_argument&) {
    return;  // e.g. maxout(k=3) on 4 features
  }
  Matrix<float> x(3, 4);
  for (std::size_t i = 0; i < x.size(); ++i) x.data[i] = static_cast<float>(i % 7) - 3.0f;
  for (const Mode mode : {Mode::eval, Mode::train}) {
    const Matrix<float>& y = model.forward(x, mode);
    if (y.rows != 3 || y.cols != model.out_features()) bug("forward's output shape differs from build's", spec);
  }
  Matrix<float> dy(3, model.out_features(), 1.0f), dx;
  model.backward(dy, &dx);
  if (dx.rows != 3 || dx.cols != 4) bug("backward's dx shape differs from the input's", spec);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view spec(reinterpret_cast<const char*>(data), size);
  std::optional<Sequential<float>> model;
  try {
    model.emplace(activ::nn::parse_model<float>(spec));
  } catch (const std::invalid_argument&) {
    return 0;
  }
  const std::string canonical = model->spec();
  try {
    const std::string again = activ::nn::parse_model<float>(canonical).spec();
    if (again != canonical) bug("spec() is not stable: \"" + canonical + "\" -> \"" + again + "\"", spec);
  } catch (const std::invalid_argument& e) {
    bug("spec() gave \"" + canonical + "\", which does not parse: " + e.what(), spec);
  }
  if (small(canonical)) exercise(*model, spec);
  return 0;
}
