// The scoring helper of `activ verify` (tools/activ/verify_compare.hpp) on its own:
// ULP spacing, mismatches, and the exactness rule for piecewise-linear entries. This is
// where a deliberately wrong result must be caught, since the library gives none.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "verify_compare.hpp"

namespace {

using namespace activ::cli::verify;
constexpr float kInfF = std::numeric_limits<float>::infinity();
constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

TEST(VerifyCompare, UlpSpacing) {
  EXPECT_EQ(f32_ulp_at(1.0), 0x1p-23);
  EXPECT_EQ(f32_ulp_at(1.5), 0x1p-23);
  EXPECT_EQ(f32_ulp_at(0.999), 0x1p-24);
  EXPECT_EQ(f32_ulp_at(-2.0), 0x1p-22);
  EXPECT_EQ(f32_ulp_at(0x1p-126), 0x1p-149);
  EXPECT_EQ(f32_ulp_at(0x1p-140), 0x1p-149);  // subnormal range: fixed spacing
  EXPECT_EQ(f32_ulp_at(0.0), 0x1p-149);
  EXPECT_EQ(f32_ulp_at(3.4e38), 0x1p104);
  EXPECT_EQ(f32_ulp_at(1e300), 0x1p104);      // beyond FLT_MAX: the top binade's spacing
}

TEST(VerifyCompare, Scores) {
  EXPECT_EQ(score_f32(1.0f, 1.0).ulp, 0);
  EXPECT_EQ(score_f32(std::nextafter(1.0f, 2.0f), 1.0).ulp, 1);
  EXPECT_EQ(score_f32(1.0f, 1.0 + 0x1p-24).ulp, 0.5);
  EXPECT_EQ(score_f32(1.0f, 1.0 + 3 * 0x1p-23).ulp, 3);  // a wrong result scores above the bar
  EXPECT_EQ(score_f32(0.0f, 0x1p-149).ulp, 1);
  EXPECT_EQ(score_f32(-0.0f, 0.0).ulp, 0);
  EXPECT_EQ(score_f32(0.0f, -0.0).ulp, 0);
  EXPECT_EQ(score_f32(0.0f, 1e-30).mismatch, Mismatch::none);
  EXPECT_GT(score_f32(0.0f, 1e-30).ulp, 1e6);  // a flushed tail is millions of ULP off
}

TEST(VerifyCompare, NanAndInf) {
  EXPECT_EQ(score_f32(std::nanf(""), kNaN).ulp, 0);
  EXPECT_EQ(score_f32(std::nanf(""), 1.0).mismatch, Mismatch::nan);
  EXPECT_EQ(score_f32(1.0f, kNaN).mismatch, Mismatch::nan);
  EXPECT_TRUE(std::isinf(score_f32(1.0f, kNaN).ulp));
  EXPECT_EQ(score_f32(kInfF, kInf).ulp, 0);
  EXPECT_EQ(score_f32(-kInfF, -kInf).ulp, 0);
  EXPECT_EQ(score_f32(kInfF, -kInf).mismatch, Mismatch::inf);
  EXPECT_EQ(score_f32(3.4e38f, kInf).mismatch, Mismatch::inf);
  // A finite reference that rounds to infinity must give infinity ...
  EXPECT_EQ(score_f32(kInfF, 0x1p128).ulp, 0);
  EXPECT_EQ(score_f32(std::numeric_limits<float>::max(), 0x1p128).mismatch, Mismatch::inf);
  // ... and one that rounds to FLT_MAX must not.
  const double just_above = static_cast<double>(std::numeric_limits<float>::max()) + 0x1p102;
  EXPECT_EQ(score_f32(kInfF, just_above).mismatch, Mismatch::inf);
  EXPECT_EQ(score_f32(std::numeric_limits<float>::max(), just_above).ulp, 0.25);
}

TEST(VerifyCompare, Exactness) {
  EXPECT_EQ(exactness_f32(0.1f, 0.1), Exactness::exact);  // 0.1 rounds to 0.1f
  EXPECT_EQ(exactness_f32(-0.0f, 0.0), Exactness::exact);
  EXPECT_EQ(exactness_f32(std::nanf(""), kNaN), Exactness::exact);
  EXPECT_EQ(exactness_f32(std::nanf(""), 0.0), Exactness::inexact);
  EXPECT_EQ(exactness_f32(std::nextafter(0.1f, 1.0f), 0.1), Exactness::inexact);
  // Exactly halfway between 1 and its successor: either neighbour may be right.
  EXPECT_EQ(exactness_f32(1.0f, 1.0 + 0x1p-24), Exactness::tie);
  EXPECT_EQ(exactness_f32(1.0f + 0x1p-23f, 1.0 + 0x1p-24), Exactness::tie);
  EXPECT_EQ(exactness_f32(1.0f + 0x1p-22f, 1.0 + 0x1p-24), Exactness::inexact);
  EXPECT_EQ(exactness_f32(kInfF, kInf), Exactness::exact);
  EXPECT_EQ(exactness_f32(kInfF, 1.0), Exactness::inexact);
}

}  // namespace
