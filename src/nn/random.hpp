// Seeded random numbers whose values are the same on every platform: std::mt19937_64
// is fully specified by the standard, but std::uniform_real_distribution and friends
// are not, so the mappings from its 64-bit outputs are written out here.
#pragma once

#include <cstdint>
#include <random>

namespace activ::nn {

class Rng {
 public:
  explicit Rng(std::uint64_t seed) : engine_(seed) {}

  // The top 53 bits as a double in [0, 1).
  double uniform01() { return static_cast<double>(engine_() >> 11) * 0x1.0p-53; }
  double uniform(double lo, double hi) { return lo + (hi - lo) * uniform01(); }
  // Uniform in [0, n) by rejection, so no value is favoured (n > 0).
  std::uint64_t below(std::uint64_t n) {
    const std::uint64_t limit = UINT64_MAX - UINT64_MAX % n;
    std::uint64_t v;
    do v = engine_();
    while (v >= limit);
    return v % n;
  }
  // A seed for a child generator (one per layer), so adding a layer does not shift
  // the numbers of the others.
  std::uint64_t next_seed() { return engine_(); }

 private:
  std::mt19937_64 engine_;
};

// Fisher-Yates with Rng::below: the same permutation everywhere for a seed.
template <class It>
void shuffle(It first, It last, Rng& rng) {
  for (auto n = last - first; n > 1; --n) {
    const auto j = static_cast<decltype(n)>(rng.below(static_cast<std::uint64_t>(n)));
    std::swap(first[n - 1], first[j]);
  }
}

}  // namespace activ::nn
