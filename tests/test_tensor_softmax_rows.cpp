// The vectorised float32 softmax row kernel (src/kernels/simd/softmax.cc) against the
// MPFR row reference at the lengths where its vector loop and padded tail meet (1, 7,
// 8, 9, 15-17, 1023-1025, 2^16), with extreme values placed at the start, the middle and
// the tail; and every other axis (gathered through src/tensor/tensor.cpp's block copy)
// bit-identical to the last axis on the same data.
#include <gtest/gtest.h>

#include <activ/activ.hpp>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "reference/reference_tensor.hpp"

namespace {

constexpr float kInf = std::numeric_limits<float>::infinity();
constexpr float kNaN = std::numeric_limits<float>::quiet_NaN();

const char* const kSpecs[] = {"softmax", "log_softmax", "softmin", "softmax(temperature=0.5)",
                              "log_softmax(temperature=3)", "softmin(temperature=0.25)"};
const std::size_t kLengths[] = {1, 7, 8, 9, 15, 16, 17, 1023, 1024, 1025, 1u << 16};

// A seeded row of length n with `values` written at the first, a middle and the last
// position (where n allows).
std::vector<float> row_with(std::size_t n, std::mt19937_64& rng, double scale, const std::vector<float>& values) {
  std::normal_distribution<double> normal;
  std::vector<float> x(n);
  for (float& v : x) v = static_cast<float>(scale * normal(rng));
  const std::size_t at[] = {0, n / 2, n - 1};
  for (std::size_t k = 0; k < values.size(); ++k) x[at[k % 3]] = values[k];
  return x;
}

// The rows each length is tested with: plain random rows at two scales, and rows
// carrying 88.8, +-1e30, -inf, +inf, NaN, float max and ties.
std::vector<std::vector<float>> rows_for(std::size_t n, std::mt19937_64& rng) {
  const float big = std::numeric_limits<float>::max();
  std::vector<std::vector<float>> rows = {row_with(n, rng, 10, {}), row_with(n, rng, 100, {})};
  const std::vector<std::vector<float>> extremes = {
      {88.8f, -88.8f, 88.7f}, {1e30f, -1e30f, 1e30f}, {-1e30f}, {-kInf, -kInf, 3.f}, {kInf},
      {1.f, kInf, -kInf},     {kNaN},                 {2.f, 2.f, kNaN},   {big, -big}, {50.f, 50.f, 50.f}};
  for (const auto& e : extremes) rows.push_back(row_with(n, rng, 1, e));
  rows.push_back(std::vector<float>(n, -kInf));
  return rows;
}

TEST(TensorSoftmaxRows, VectorKernelAgainstMpfr) {
  std::mt19937_64 rng(2024);
  for (const char* spec : kSpecs) {
    const activ::Activation a = activ::parse(spec);
    double worst = 0;
    for (const std::size_t n : kLengths) {
      auto rows = rows_for(n, rng);
      if (n == (1u << 16)) rows.resize(4);  // the MPFR reference is slow at this length
      for (const std::vector<float>& x : rows) {
        std::vector<float> y(n);
        a.forward(activ::ConstTensorView<float>(x.data(), {n}), activ::TensorView<float>(y.data(), {n}));
        const std::vector<double> xd(x.begin(), x.end());
        const auto exact = activ::reference::exact_row(a, activ::reference::RowWhat::forward, xd);
        for (std::size_t i = 0; i < n; ++i) {
          const double u = activ::reference::ulp_distance_f32(exact[i], y[i]);
          worst = std::max(worst, u);
          ASSERT_LE(u, 1.0) << spec << " n=" << n << " element " << i << " x=" << x[i] << " y=" << y[i];
        }
      }
    }
    std::printf("[softmax-rows] %-28s f32 worst %.4f ULP at lengths 1 to 2^16\n", spec, worst);
  }
}

// y of an (rows, n) tensor along its last axis, and of the same data laid out as
// (n, rows) along axis 0, as a 3-D (2, n, rows / 2) middle axis and through a strided
// last-axis view: every layout must give the same bits.
TEST(TensorSoftmaxRows, EveryAxisBitIdenticalToLastAxis) {
  std::mt19937_64 rng(77);
  for (const char* spec : {"softmax", "log_softmax", "softmin(temperature=0.5)"}) {
    const std::string s(spec);
    const std::string base = s.find('(') == std::string::npos ? s + "(" : s.substr(0, s.size() - 1) + ", ";
    const activ::Activation last = activ::parse(base + "axis=-1)");
    const activ::Activation first = activ::parse(base + "axis=0)");
    const activ::Activation middle = activ::parse(base + "axis=1)");
    for (const std::size_t n : {std::size_t{1}, std::size_t{7}, std::size_t{8}, std::size_t{9}, std::size_t{1023},
                                std::size_t{1025}}) {
      for (const std::size_t rows : {std::size_t{2}, std::size_t{18}, std::size_t{40}}) {
        // rows of rows_for's kinds, cycled
        const auto kinds = rows_for(n, rng);
        std::vector<float> x(rows * n);
        for (std::size_t r = 0; r < rows; ++r)
          std::memcpy(&x[r * n], kinds[r % kinds.size()].data(), n * sizeof(float));
        std::vector<float> y(rows * n);
        last.forward(activ::ConstTensorView<float>(x.data(), {rows, n}), activ::TensorView<float>(y.data(), {rows, n}));

        std::vector<float> xt(rows * n), yt(rows * n);  // transposed: (n, rows)
        for (std::size_t r = 0; r < rows; ++r)
          for (std::size_t j = 0; j < n; ++j) xt[j * rows + r] = x[r * n + j];
        first.forward(activ::ConstTensorView<float>(xt.data(), {n, rows}), activ::TensorView<float>(yt.data(), {n, rows}));

        // (2, n, rows/2): the same transposed data, split in two halves along the rows
        std::vector<float> x3(rows * n), y3(rows * n);
        const std::size_t h = rows / 2;
        for (std::size_t r = 0; r < rows; ++r)
          for (std::size_t j = 0; j < n; ++j) x3[(r / h) * n * h + j * h + r % h] = x[r * n + j];
        middle.forward(activ::ConstTensorView<float>(x3.data(), {2, n, h}), activ::TensorView<float>(y3.data(), {2, n, h}));

        // the rows every second element of a wider buffer (a strided last axis), in place
        std::vector<float> wide(rows * n * 2, 0.f);
        for (std::size_t i = 0; i < rows * n; ++i) wide[2 * i] = x[i];
        const activ::Strides ws = {static_cast<std::ptrdiff_t>(2 * n), 2};
        last.forward(activ::ConstTensorView<float>(wide.data(), {rows, n}, ws), activ::TensorView<float>(wide.data(), {rows, n}, ws));

        for (std::size_t r = 0; r < rows; ++r)
          for (std::size_t j = 0; j < n; ++j) {
            const float want = y[r * n + j];
            const float got[] = {yt[j * rows + r], y3[(r / h) * n * h + j * h + r % h], wide[2 * (r * n + j)]};
            for (const float g : got)
              ASSERT_EQ(0, std::memcmp(&g, &want, sizeof(float)))
                  << spec << " n=" << n << " rows=" << rows << " row " << r << " element " << j << ": " << g << " vs " << want;
          }
      }
    }
  }
}

}  // namespace
