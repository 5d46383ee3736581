// Results must be bit-identical for any thread count, including rrelu's per-element
// slopes in training mode, and inputs large enough to be split over threads.
#include <gtest/gtest.h>

#include <activ/activ.hpp>
#include <bit>
#include <cstdint>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

namespace {

std::vector<float> inputs(std::size_t n) {
  std::vector<float> x(n);
  std::uint32_t state = 12345;
  for (float& v : x) {
    state = state * 1664525u + 1013904223u;
    v = -30.0f + 60.0f * static_cast<float>(state >> 8) / 16777216.0f;
  }
  return x;
}

class ThreadCount : public ::testing::TestWithParam<std::string> {
 protected:
  void TearDown() override { activ::set_num_threads(static_cast<int>(std::max(1u, std::thread::hardware_concurrency()))); }
};

TEST_P(ThreadCount, ResultsAreBitIdentical) {
  const activ::Activation a = activ::parse(GetParam());
  const std::size_t n = (std::size_t{1} << 19) + 37;  // split over threads, with a ragged end
  const std::vector<float> x = inputs(n), dy = inputs(n);
  std::vector<std::vector<float>> y, dx;
  for (int threads : {1, 2, 3, 8}) {
    activ::set_num_threads(threads);
    EXPECT_EQ(activ::num_threads(), threads);
    y.emplace_back(n);
    dx.emplace_back(n);
    a.forward(x, y.back());
    a.backward(x, dy, dx.back());
  }
  for (std::size_t k = 1; k < y.size(); ++k) {
    EXPECT_EQ(0, std::memcmp(y[0].data(), y[k].data(), n * sizeof(float))) << "forward differs with thread setting " << k;
    EXPECT_EQ(0, std::memcmp(dx[0].data(), dx[k].data(), n * sizeof(float))) << "backward differs with thread setting " << k;
  }
  // The same call on a sub-range gives the same values as the whole: every element
  // takes the same path whatever its position (rrelu's slopes aside, which follow
  // the position by design).
  if (a.info().family != "rrelu") {
    std::vector<float> part(1000);
    a.forward(std::span<const float>(x).subspan(4097, 1000), part);
    EXPECT_EQ(0, std::memcmp(part.data(), y[0].data() + 4097, 1000 * sizeof(float)));
  }
}

INSTANTIATE_TEST_SUITE_P(Specs, ThreadCount,
                         ::testing::Values("relu", "sigmoid", "gelu", "rrelu(training=true, seed=3)", "hard_swish",
                                           "softplus(beta=2, threshold=10)"),
                         [](const auto& info) { return std::to_string(info.index); });

TEST(Threads, RejectsNonPositive) {
  EXPECT_THROW(activ::set_num_threads(0), std::invalid_argument);
  EXPECT_THROW(activ::set_num_threads(-3), std::invalid_argument);
  EXPECT_GE(activ::num_threads(), 1);
}

}  // namespace
