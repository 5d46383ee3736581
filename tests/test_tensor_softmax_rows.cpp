// The vectorised float32 softmax row kernel (src/kernels/simd/softmax.cc) against the
// MPFR row reference, held to the bound its comment proves (0.745 ULP on every target):
// at the lengths where its vector loop and padded tail meet (1, 7, 8, 9, 15-17,
// 1023-1025, 2^16), with extreme values placed at the start, the middle and the tail,
// and on rows built to stress that bound; and every other axis (gathered through
// src/tensor/tensor.cpp's block copy) bit-identical to the last axis on the same data.
#include <gtest/gtest.h>
#include <hwy/targets.h>

#include <activ/activ.hpp>
#include <activ/threads.hpp>
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
// The kernel's proved bound on targets with 8-entry tables (0.63 with AVX-512's 16).
constexpr double kProvedBound = 0.745;

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

// The activation of `spec` (a name, or a name with arguments) along `axis`.
activ::Activation with_axis(const std::string& spec, int axis) {
  const std::string base = spec.find('(') == std::string::npos ? spec + "(" : spec.substr(0, spec.size() - 1) + ", ";
  return activ::parse(base + "axis=" + std::to_string(axis) + ")");
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
          ASSERT_LE(u, kProvedBound) << spec << " n=" << n << " element " << i << " x=" << x[i] << " y=" << y[i];
        }
      }
    }
    std::printf("[softmax-rows] %-28s f32 worst %.4f ULP at lengths 1 to 2^16\n", spec, worst);
  }
}

// Rows built against the float32-lane exp's error analysis (src/kernels/simd/softmax.cc):
//  - differences d = z - m at the edges of the table's intervals (r near +-ln2/32 and
//    +-ln2/16, where the reduced argument and the polynomial's result are largest), each
//    with its float neighbours;
//  - d from -86 to -105, whose softmax is at the float32 normal/subnormal boundary or
//    below it, and d just above and below the -110 clamp;
//  - pairs whose quotient lies just below a power of two (y near 1/2, 1/4, ...), where an
//    error relative to y is largest in ULP;
//  - the same rows shifted by 59.9 and 60.1 (either side of the float32 kernel's switch
//    from e^z to e^(z - m)), by -1000 and by 3e7 (where z - m is not a float);
//  - long rows (4097) of many near-ties, so that the sum carries many rounded terms.
// Every element must be within the bound proved there: 0.63 ULP with 16-entry tables
// (AVX-512), 0.745 with 8 (every other target). We hold all targets to the latter.
std::vector<std::vector<float>> stress_rows(std::mt19937_64& rng) {
  std::vector<std::vector<float>> rows;
  const double ln2 = 0.693147180559945309;
  std::vector<float> edges = {0.f};
  for (const int table : {16, 8})
    for (int k = 1; k <= 24; ++k) {
      const float d = static_cast<float>(-(k - 0.5) * ln2 / table);
      for (const float v : {std::nextafter(d, -1e9f), d, std::nextafter(d, 1e9f)}) edges.push_back(v);
    }
  rows.push_back(edges);
  std::vector<float> tails = {0.f, 0.5f, -1.f};
  for (double d = -86; d >= -105; d -= 0.37) tails.push_back(static_cast<float>(d));
  for (const float d : {-109.9f, -110.f, -110.1f, -150.f}) tails.push_back(d);
  rows.push_back(tails);
  // y = 1 / (1 + e^-a) and its partner just below 1/2, 1/4 (three equal others), ...
  for (int others = 1; others <= 15; others += 2) {
    for (const float a : {1e-7f, 3e-7f, 1e-6f, 2.5e-5f}) {
      std::vector<float> r(static_cast<std::size_t>(others) + 1, 0.f);
      r[0] = -a;
      rows.push_back(r);
    }
  }
  std::uniform_real_distribution<float> tiny(-1e-5f, 1e-5f);
  std::vector<float> ties(4097);
  for (float& v : ties) v = tiny(rng);
  rows.push_back(ties);
  const std::size_t base = rows.size();
  for (const float shift : {59.9f, 60.1f, -1000.f, 3e7f})
    for (std::size_t k = 0; k < base; ++k) {
      std::vector<float> r = rows[k];
      for (float& v : r) v += shift;
      rows.push_back(r);
    }
  return rows;
}

// The worst ULP distance of `spec` over `rows` from the MPFR row reference; fails the
// test at the first element beyond `bound`.
double worst_over_rows(const char* spec, const std::vector<std::vector<float>>& rows, double bound) {
  const activ::Activation a = activ::parse(spec);
  double worst = 0;
  for (const std::vector<float>& x : rows) {
    const std::size_t n = x.size();
    std::vector<float> y(n);
    a.forward(activ::ConstTensorView<float>(x.data(), {n}), activ::TensorView<float>(y.data(), {n}));
    const std::vector<double> xd(x.begin(), x.end());
    const auto exact = activ::reference::exact_row(a, activ::reference::RowWhat::forward, xd);
    for (std::size_t i = 0; i < n; ++i) {
      const double u = activ::reference::ulp_distance_f32(exact[i], y[i]);
      worst = std::max(worst, u);
      EXPECT_LE(u, bound) << spec << " n=" << n << " element " << i << " x=" << x[i] << " y=" << y[i]
                          << " exact=" << static_cast<double>(exact[i]);
      if (u > bound) return worst;
    }
  }
  return worst;
}

TEST(TensorSoftmaxRows, StressRowsWithinProvedBound) {
  std::mt19937_64 rng(5);
  const auto rows = stress_rows(rng);
  std::vector<const char*> specs(std::begin(kSpecs), std::end(kSpecs));
  // 1/T beyond [2^-60, 2^60]: the kernel declines these rows, the scalar reference runs
  specs.push_back("softmax(temperature=1e-20)");
  specs.push_back("log_softmax(temperature=1e25)");
  for (const char* spec : specs)
    std::printf("[softmax-stress] %-28s f32 worst %.4f ULP over %zu stress rows\n", spec,
                worst_over_rows(spec, rows, kProvedBound), rows.size());
}

// Every instruction set this build compiled the kernel for and the machine runs (AVX-512
// with 16-entry tables; AVX2, SSE4, SSSE3 and scalar with 8 entries, gathers and
// buffered tails): the stress rows within the bound, and the first axis (the transposing
// block copy) bit-identical to the last.
TEST(TensorSoftmaxRows, EveryTargetWithinBoundAndAxisIdentical) {
  std::mt19937_64 rng(6);
  auto rows = stress_rows(rng);
  // without the long rows of ties (the MPFR reference's time, five times over)
  std::erase_if(rows, [](const std::vector<float>& r) { return r.size() > 2000; });
  for (const std::size_t n : {std::size_t{1}, std::size_t{7}, std::size_t{9}, std::size_t{17}, std::size_t{1025}})
    rows.push_back(row_with(n, rng, 10, {}));
  const activ::Activation last = activ::parse("softmin(temperature=0.5, axis=-1)");
  const activ::Activation first = activ::parse("softmin(temperature=0.5, axis=0)");
  for (const int64_t target : hwy::SupportedAndGeneratedTargets()) {
    hwy::SetSupportedTargetsForTest(target);
    for (const char* spec : {"softmax", "log_softmax", "softmin(temperature=0.25)"})
      std::printf("[softmax-target] %-8s %-28s f32 worst %.4f ULP\n", hwy::TargetName(target), spec,
                  worst_over_rows(spec, rows, kProvedBound));
    for (const std::size_t n : {std::size_t{9}, std::size_t{1025}}) {
      const std::size_t count = 19;
      std::vector<float> x(count * n), y(count * n), xt(count * n), yt(count * n);
      for (std::size_t r = 0; r < count; ++r) {
        const auto row = row_with(n, rng, 30, {});
        for (std::size_t j = 0; j < n; ++j) x[r * n + j] = xt[j * count + r] = row[j];
      }
      last.forward(activ::ConstTensorView<float>(x.data(), {count, n}), activ::TensorView<float>(y.data(), {count, n}));
      first.forward(activ::ConstTensorView<float>(xt.data(), {n, count}), activ::TensorView<float>(yt.data(), {n, count}));
      for (std::size_t r = 0; r < count; ++r)
        for (std::size_t j = 0; j < n; ++j)
          ASSERT_EQ(0, std::memcmp(&y[r * n + j], &yt[j * count + r], sizeof(float)))
              << hwy::TargetName(target) << " n=" << n << " row " << r << " element " << j;
    }
  }
  hwy::SetSupportedTargetsForTest(0);
}

// The first axis's column kernel (each lane one row, no transpose) on every target:
// groups of rows wider and narrower than a vector, lengths that do and do not fill the
// last vector, rows on either side of the e^z / e^(z - m) switch (|max| = 60) side by
// side in one vector, and declined rows (NaN, +inf, all -inf, and for log_softmax one
// whose other entries sum below 2^-60 of its max) inside a group, which the block copy
// takes: every row bit-identical to the same row along the last axis, in place as well.
TEST(TensorSoftmaxRows, FirstAxisColumnsBitIdenticalOnEveryTarget) {
  std::mt19937_64 rng(88);
  const std::size_t count = 83;  // a group of 64, then 19 rows: a vector and a part
  for (const int64_t target : hwy::SupportedAndGeneratedTargets()) {
    hwy::SetSupportedTargetsForTest(target);
    for (const char* spec :
         {"softmax", "softmin", "softmax(temperature=0.5)", "log_softmax", "log_softmax(temperature=3)"}) {
      const activ::Activation last = with_axis(spec, -1);
      const activ::Activation first = with_axis(spec, 0);
      for (const std::size_t n : {std::size_t{1}, std::size_t{7}, std::size_t{16}, std::size_t{17}, std::size_t{1025},
                                  std::size_t{5000}}) {
        std::vector<float> x(count * n), xt(count * n);
        for (std::size_t r = 0; r < count; ++r) {
          std::vector<float> row;
          switch (r % 5) {
            case 0: row = row_with(n, rng, 10, {}); break;
            case 1: row = row_with(n, rng, 100, {}); break;
            case 2: row = row_with(n, rng, 1, {60.1f}); break;
            case 3: row = row_with(n, rng, 1, {59.9f, -kInf}); break;
            default: row = row_with(n, rng, 1, {-59.9f, -60.1f}); break;
          }
          if (r == 5) row = row_with(n, rng, 1, {kNaN});
          if (r == 30) row.assign(n, -kInf);
          if (r == 70) row = row_with(n, rng, 1, {kInf});
          if (r == 50) row = row_with(n, rng, 1, {100.f});
          for (std::size_t j = 0; j < n; ++j) x[r * n + j] = xt[j * count + r] = row[j];
        }
        std::vector<float> y(count * n), yt(count * n), inplace = xt;
        last.forward(activ::ConstTensorView<float>(x.data(), {count, n}), activ::TensorView<float>(y.data(), {count, n}));
        first.forward(activ::ConstTensorView<float>(xt.data(), {n, count}),
                      activ::TensorView<float>(yt.data(), {n, count}));
        first.forward(activ::ConstTensorView<float>(inplace.data(), {n, count}),
                      activ::TensorView<float>(inplace.data(), {n, count}));
        for (std::size_t r = 0; r < count; ++r)
          for (std::size_t j = 0; j < n; ++j) {
            ASSERT_EQ(0, std::memcmp(&y[r * n + j], &yt[j * count + r], sizeof(float)))
                << hwy::TargetName(target) << " " << spec << " n=" << n << " row " << r << " element " << j << ": "
                << yt[j * count + r] << " vs " << y[r * n + j];
            ASSERT_EQ(0, std::memcmp(&y[r * n + j], &inplace[j * count + r], sizeof(float)))
                << hwy::TargetName(target) << " " << spec << " in place, n=" << n << " row " << r << " element " << j;
          }
      }
    }
  }
  hwy::SetSupportedTargetsForTest(0);
}

// Short rows one after the other (the last axis) go through the column kernel, a row per
// lane (SoftmaxShortRows): each row must get the bits the row kernel gives it alone (a
// tensor of one row), across groups of 64 and a part, with declined rows (NaN, +inf, all
// -inf, and for log_softmax a t below 2^-60) among them, in place too.
TEST(TensorSoftmaxRows, ShortLastAxisRowsBitIdenticalToRowKernelOnEveryTarget) {
  std::mt19937_64 rng(89);
  const std::size_t count = 147;  // two groups of 64, then 19 rows: a vector and a part
  for (const int64_t target : hwy::SupportedAndGeneratedTargets()) {
    hwy::SetSupportedTargetsForTest(target);
    for (const char* spec :
         {"softmax", "softmin", "softmax(temperature=0.5)", "log_softmax", "log_softmax(temperature=3)"}) {
      const activ::Activation f = with_axis(spec, -1);
      for (const std::size_t n : {1, 2, 3, 7, 8, 10, 16, 17, 31, 33, 64}) {
        std::vector<float> x(count * n);
        for (std::size_t r = 0; r < count; ++r) {
          std::vector<float> row;
          switch (r % 5) {
            case 0: row = row_with(n, rng, 10, {}); break;
            case 1: row = row_with(n, rng, 100, {}); break;
            case 2: row = row_with(n, rng, 1, {60.1f}); break;
            case 3: row = row_with(n, rng, 1, {59.9f, -kInf}); break;
            default: row = row_with(n, rng, 1, {-59.9f, -60.1f}); break;
          }
          if (r == 5) row = row_with(n, rng, 1, {kNaN});
          if (r == 30) row.assign(n, -kInf);
          if (r == 70 || r == 140) row = row_with(n, rng, 1, {kInf});
          if (r == 50 || r == 100) row = row_with(n, rng, 1, {100.f});
          std::copy(row.begin(), row.end(), x.begin() + static_cast<std::ptrdiff_t>(r * n));
        }
        std::vector<float> y(count * n), inplace = x, alone(n);
        f.forward(activ::ConstTensorView<float>(x.data(), {count, n}), activ::TensorView<float>(y.data(), {count, n}));
        f.forward(activ::ConstTensorView<float>(inplace.data(), {count, n}),
                  activ::TensorView<float>(inplace.data(), {count, n}));
        for (std::size_t r = 0; r < count; ++r) {
          f.forward(activ::ConstTensorView<float>(&x[r * n], {1, n}), activ::TensorView<float>(alone.data(), {1, n}));
          for (std::size_t j = 0; j < n; ++j) {
            ASSERT_EQ(0, std::memcmp(&y[r * n + j], &alone[j], sizeof(float)))
                << hwy::TargetName(target) << " " << spec << " n=" << n << " row " << r << " element " << j << ": "
                << y[r * n + j] << " vs " << alone[j];
            ASSERT_EQ(0, std::memcmp(&inplace[r * n + j], &alone[j], sizeof(float)))
                << hwy::TargetName(target) << " " << spec << " in place, n=" << n << " row " << r << " element " << j;
          }
        }
      }
    }
  }
  hwy::SetSupportedTargetsForTest(0);
}

// y of an (rows, n) tensor along its last axis, and of the same data laid out as
// (n, rows) along axis 0, as a 3-D (2, n, rows / 2) middle axis and through a strided
// last-axis view: every layout must give the same bits.
TEST(TensorSoftmaxRows, EveryAxisBitIdenticalToLastAxis) {
  std::mt19937_64 rng(77);
  for (const char* spec : {"softmax", "log_softmax", "softmin(temperature=0.5)"}) {
    const activ::Activation last = with_axis(spec, -1);
    const activ::Activation first = with_axis(spec, 0);
    const activ::Activation middle = with_axis(spec, 1);
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


// A tensor past the kernel's main-memory size (16 MiB: pass 2 then prefetches the next
// row) on one thread, so that a single call sees all of it: every row, the declined
// ones (NaN, +inf, all -inf) among them, gives the bits of the same row on its own.
TEST(TensorSoftmaxRows, TensorFromMemoryBitIdenticalToSingleRows) {
  const int threads = activ::num_threads();
  activ::set_num_threads(1);
  std::mt19937_64 rng(2026);
  const std::size_t n = 1025, rows = 4200;  // 17.2 MB of float32
  const auto kinds = rows_for(n, rng);
  std::vector<float> x(rows * n), y(rows * n), one(n);
  for (std::size_t r = 0; r < rows; ++r) std::memcpy(&x[r * n], kinds[r % kinds.size()].data(), n * sizeof(float));
  for (const char* spec : {"softmax", "log_softmax"}) {
    const activ::Activation a = activ::parse(spec);
    a.forward(activ::ConstTensorView<float>(x.data(), {rows, n}), activ::TensorView<float>(y.data(), {rows, n}));
    for (std::size_t r = 0; r < kinds.size(); ++r) {
      a.forward(activ::ConstTensorView<float>(&x[r * n], {1, n}), activ::TensorView<float>(one.data(), {1, n}));
      for (std::size_t rr = r; rr < rows; rr += kinds.size())
        ASSERT_EQ(0, std::memcmp(&y[rr * n], one.data(), n * sizeof(float))) << spec << " row " << rr;
    }
  }
  activ::set_num_threads(threads);
}

// The first axis of a tensor spanning 16 MiB, whose memory rows are a multiple of a cache
// line apart: the forward's column kernel writes y with non-temporal stores there, its
// first group cut short so that the others start on a cache line. Each row must still
// get the last axis's bits (the same data transposed), from a misaligned start too,
// declined rows among them; the backward from the output too.
TEST(TensorSoftmaxRows, FirstAxisFromMemoryBitIdenticalToLastAxis) {
  const int threads = activ::num_threads();
  activ::set_num_threads(1);
  std::mt19937_64 rng(2027);
  const std::size_t n = 64, rows = std::size_t{1} << 16;  // n * rows * 4 bytes = 16 MiB
  std::vector<float> x(rows * n + 16), xt(rows * n), yt(rows * n), y(rows * n + 16);
  std::normal_distribution<float> normal(0.0f, 10.0f);
  for (std::size_t r = 0; r < rows; ++r)
    for (std::size_t j = 0; j < n; ++j) xt[r * n + j] = normal(rng);
  for (const std::size_t r : {std::size_t{5}, std::size_t{1000}, rows - 3}) xt[r * n + 7] = kNaN;
  for (std::size_t j = 0; j < n; ++j) xt[77 * n + j] = -kInf;
  for (const std::size_t offset : {std::size_t{0}, std::size_t{5}}) {
    for (std::size_t r = 0; r < rows; ++r)
      for (std::size_t j = 0; j < n; ++j) x[offset + j * rows + r] = xt[r * n + j];
    for (const char* spec : {"softmax", "log_softmax"}) {
      with_axis(spec, -1).forward(activ::ConstTensorView<float>(xt.data(), {rows, n}),
                                  activ::TensorView<float>(yt.data(), {rows, n}));
      with_axis(spec, 0).forward(activ::ConstTensorView<float>(x.data() + offset, {n, rows}),
                                 activ::TensorView<float>(y.data() + offset, {n, rows}));
      for (std::size_t r = 0; r < rows; ++r)
        for (std::size_t j = 0; j < n; ++j)
          ASSERT_EQ(0, std::memcmp(&yt[r * n + j], &y[offset + j * rows + r], sizeof(float)))
              << spec << " offset " << offset << " row " << r << " element " << j;
      // the backward from the output, with dy = x / 10 (y's NaN rows are declined)
      std::vector<float> dxt(rows * n), dx(rows * n + 16), dyt(rows * n), dy(rows * n + 16);
      for (std::size_t k = 0; k < rows * n; ++k) dyt[k] = xt[k] / 10.0f;
      for (std::size_t k = 0; k < rows * n; ++k) dy[offset + k] = x[offset + k] / 10.0f;
      with_axis(spec, -1).backward_from_output(activ::ConstTensorView<float>(yt.data(), {rows, n}),
                                               activ::ConstTensorView<float>(dyt.data(), {rows, n}),
                                               activ::TensorView<float>(dxt.data(), {rows, n}));
      with_axis(spec, 0).backward_from_output(activ::ConstTensorView<float>(y.data() + offset, {n, rows}),
                                              activ::ConstTensorView<float>(dy.data() + offset, {n, rows}),
                                              activ::TensorView<float>(dx.data() + offset, {n, rows}));
      for (std::size_t r = 0; r < rows; ++r)
        for (std::size_t j = 0; j < n; ++j)
          ASSERT_EQ(0, std::memcmp(&dxt[r * n + j], &dx[offset + j * rows + r], sizeof(float)))
              << spec << " backward, offset " << offset << " row " << r << " element " << j;
    }
  }
  activ::set_num_threads(threads);
}

// The vectorised backwards (softmax.cc, "backward from the output" and "backward from
// x") on every compiled target the machine runs: the rows of rows_for at several lengths
// (their NaN and inf go to the scalar reference) with dy of mixed scales, including dy
// equal to its weighted mean (where dy - sum y dy cancels), held to the float32
// backward bar of 1 ULP against MPFR; and dx written over dy gives the same bits.
TEST(TensorSoftmaxRows, BackwardsEveryTargetWithinOneUlp) {
  std::mt19937_64 rng(31);
  std::normal_distribution<double> normal;
  for (const int64_t target : hwy::SupportedAndGeneratedTargets()) {
    hwy::SetSupportedTargetsForTest(target);
    for (const char* spec : kSpecs) {
      const activ::Activation a = activ::parse(spec);
      double worst = 0, worst_x = 0;
      for (const std::size_t n : {std::size_t{1}, std::size_t{7}, std::size_t{9}, std::size_t{17}, std::size_t{1025}}) {
        for (const std::vector<float>& x : rows_for(n, rng)) {
          std::vector<float> y(n), dy(n), dx(n);
          a.forward(activ::ConstTensorView<float>(x.data(), {n}), activ::TensorView<float>(y.data(), {n}));
          const int kind = static_cast<int>(rng() % 3);
          for (float& g : dy) g = kind == 2 ? 0.25f : static_cast<float>(normal(rng) * (kind == 0 ? 1.0 : 1e20));
          if (kind == 2 && n > 1) dy[n / 2] = 0.75f;  // all but one equal: dy_i close to its mean
          a.backward_from_output(activ::ConstTensorView<float>(y.data(), {n}),
                                 activ::ConstTensorView<float>(dy.data(), {n}), activ::TensorView<float>(dx.data(), {n}));
          const std::vector<double> yd(y.begin(), y.end()), dyd(dy.begin(), dy.end());
          const auto exact = activ::reference::exact_row(a, activ::reference::RowWhat::backward_from_output, yd, dyd);
          for (std::size_t i = 0; i < n; ++i) {
            const double u = activ::reference::ulp_distance_f32(exact[i], dx[i]);
            if (!std::isnan(u)) worst = std::max(worst, u);
            ASSERT_LE(u, 1.0) << hwy::TargetName(target) << " " << spec << " n=" << n << " element " << i
                              << " y=" << y[i] << " dy=" << dy[i] << " dx=" << dx[i];
          }
          std::vector<float> in_place = dy;
          a.backward_from_output(activ::ConstTensorView<float>(y.data(), {n}),
                                 activ::ConstTensorView<float>(in_place.data(), {n}),
                                 activ::TensorView<float>(in_place.data(), {n}));
          ASSERT_EQ(0, std::memcmp(in_place.data(), dx.data(), n * sizeof(float))) << spec << " n=" << n;

          // From x with dy nearly constant (kind 2) and tied maxima, log_softmax's dy_i - p_i
          // sum dy cancels beyond double (p_i = 1/3 - 1e-22): the vector kernel's exact
          // products cover it (softmax.cc, "backward from x"); rows it hands to the portable
          // kernel here have a NaN or an inf, whose results are not scored.
          a.backward(activ::ConstTensorView<float>(x.data(), {n}), activ::ConstTensorView<float>(dy.data(), {n}),
                     activ::TensorView<float>(dx.data(), {n}));
          const std::vector<double> xd(x.begin(), x.end());
          const auto exact_x = activ::reference::exact_row(a, activ::reference::RowWhat::backward, xd, dyd);
          for (std::size_t i = 0; i < n; ++i) {
            const double u = activ::reference::ulp_distance_f32(exact_x[i], dx[i]);
            if (!std::isnan(u)) worst_x = std::max(worst_x, u);
            ASSERT_LE(u, 1.0) << hwy::TargetName(target) << " " << spec << " backward from x, n=" << n << " element "
                              << i << " x=" << x[i] << " dy=" << dy[i] << " dx=" << dx[i];
          }
          in_place = dy;
          a.backward(activ::ConstTensorView<float>(x.data(), {n}), activ::ConstTensorView<float>(in_place.data(), {n}),
                     activ::TensorView<float>(in_place.data(), {n}));
          ASSERT_EQ(0, std::memcmp(in_place.data(), dx.data(), n * sizeof(float))) << spec << " from x, n=" << n;
        }
      }
      // The case that needs the exact products: tied maxima, dy constant but at one of them.
      const std::vector<float> tied = {50.f, 50.f, 1.f, 50.f, -3.f, 0.5f, 2.f};
      std::vector<float> g(tied.size(), 0.25f), out(tied.size());
      g[1] = 0.75f;
      a.backward(activ::ConstTensorView<float>(tied.data(), {tied.size()}),
                 activ::ConstTensorView<float>(g.data(), {g.size()}), activ::TensorView<float>(out.data(), {out.size()}));
      const std::vector<double> td(tied.begin(), tied.end()), gd(g.begin(), g.end());
      const auto exact_t = activ::reference::exact_row(a, activ::reference::RowWhat::backward, td, gd);
      for (std::size_t i = 0; i < tied.size(); ++i)
        ASSERT_LE(activ::reference::ulp_distance_f32(exact_t[i], out[i]), 1.0)
            << hwy::TargetName(target) << " " << spec << " tied row, element " << i << " dx=" << out[i];
      std::printf("[softmax-backward-target] %-8s %-28s f32 worst %.4f ULP from y, %.4f from x\n",
                  hwy::TargetName(target), spec, worst, worst_x);
    }
  }
  hwy::SetSupportedTargetsForTest(0);
}

// The backward from the output's column kernel along the first axis, on every target:
// a group of 64 rows and a part, lengths around the float64 vectors' multiples (the
// accumulators' tails), ties of the max of y (dx takes dy at the first), a NaN y and an
// infinite dy among the rows (declined to the block copy), and dx written over dy: every
// row bit-identical to the same row along the last axis.
TEST(TensorSoftmaxRows, BackwardFirstAxisColumnsBitIdenticalOnEveryTarget) {
  std::mt19937_64 rng(99);
  std::normal_distribution<double> normal;
  const std::size_t count = 83;
  for (const int64_t target : hwy::SupportedAndGeneratedTargets()) {
    hwy::SetSupportedTargetsForTest(target);
    for (const char* spec : {"softmax", "softmin(temperature=0.5)", "log_softmax", "log_softmax(temperature=3)"}) {
      const activ::Activation last = with_axis(spec, -1);
      const activ::Activation first = with_axis(spec, 0);
      for (const std::size_t n : {std::size_t{1}, std::size_t{7}, std::size_t{16}, std::size_t{17}, std::size_t{33},
                                  std::size_t{1025}}) {
        std::vector<float> x(count * n), y(count * n), dy(count * n);
        for (std::size_t r = 0; r < count; ++r) {
          const auto row = row_with(n, rng, r % 2 ? 1 : 30, r % 3 ? std::vector<float>{} : std::vector<float>{5.f, 5.f, 5.f});
          std::memcpy(&x[r * n], row.data(), n * sizeof(float));
        }
        for (float& g : dy) g = static_cast<float>(normal(rng));
        last.forward(activ::ConstTensorView<float>(x.data(), {count, n}), activ::TensorView<float>(y.data(), {count, n}));
        y[5 * n + n / 2] = kNaN;
        dy[70 * n] = kInf;
        std::vector<float> dx(count * n);
        last.backward_from_output(activ::ConstTensorView<float>(y.data(), {count, n}),
                                  activ::ConstTensorView<float>(dy.data(), {count, n}),
                                  activ::TensorView<float>(dx.data(), {count, n}));
        std::vector<float> yt(count * n), dyt(count * n), dxt(count * n);
        for (std::size_t r = 0; r < count; ++r)
          for (std::size_t j = 0; j < n; ++j) yt[j * count + r] = y[r * n + j], dyt[j * count + r] = dy[r * n + j];
        first.backward_from_output(activ::ConstTensorView<float>(yt.data(), {n, count}),
                                   activ::ConstTensorView<float>(dyt.data(), {n, count}),
                                   activ::TensorView<float>(dxt.data(), {n, count}));
        first.backward_from_output(activ::ConstTensorView<float>(yt.data(), {n, count}),
                                   activ::ConstTensorView<float>(dyt.data(), {n, count}),
                                   activ::TensorView<float>(dyt.data(), {n, count}));  // in place
        for (std::size_t r = 0; r < count; ++r)
          for (std::size_t j = 0; j < n; ++j) {
            ASSERT_EQ(0, std::memcmp(&dx[r * n + j], &dxt[j * count + r], sizeof(float)))
                << hwy::TargetName(target) << " " << spec << " n=" << n << " row " << r << " element " << j << ": "
                << dxt[j * count + r] << " vs " << dx[r * n + j];
            ASSERT_EQ(0, std::memcmp(&dx[r * n + j], &dyt[j * count + r], sizeof(float)))
                << hwy::TargetName(target) << " " << spec << " in place, n=" << n << " row " << r << " element " << j;
          }
      }
    }
  }
  hwy::SetSupportedTargetsForTest(0);
}

// Both backwards along the first axis and along a strided last axis (the block copy into
// contiguous rows) give the last axis's bits, on rows the vector kernels take and on
// rows they hand to the portable kernel (NaN, inf).
TEST(TensorSoftmaxRows, BackwardsEveryAxisBitIdenticalToLastAxis) {
  std::mt19937_64 rng(5);
  std::normal_distribution<double> normal;
  for (const char* spec : {"softmax", "log_softmax", "softmin(temperature=0.5)"}) {
    const activ::Activation last = with_axis(spec, -1);
    const activ::Activation first = with_axis(spec, 0);
    for (const std::size_t n : {std::size_t{1}, std::size_t{7}, std::size_t{9}, std::size_t{1025}}) {
      for (const std::size_t rows : {std::size_t{2}, std::size_t{18}, std::size_t{40}}) {
        const auto kinds = rows_for(n, rng);
        std::vector<float> x(rows * n), y(rows * n), dy(rows * n), dx(rows * n);
        for (std::size_t r = 0; r < rows; ++r)
          std::memcpy(&x[r * n], kinds[r % kinds.size()].data(), n * sizeof(float));
        for (float& g : dy) g = static_cast<float>(normal(rng));
        last.forward(activ::ConstTensorView<float>(x.data(), {rows, n}), activ::TensorView<float>(y.data(), {rows, n}));
        // from y (backward_from_output) or from x (backward), on in = y or x
        auto backward = [](const activ::Activation& a, bool from_x, const float* in, const float* g, float* out,
                           const activ::Shape& shape, const activ::Strides& strides) {
          const activ::ConstTensorView<float> iv(in, shape, strides), gv(g, shape, strides);
          const activ::TensorView<float> ov(out, shape, strides);
          if (from_x) a.backward(iv, gv, ov);
          else a.backward_from_output(iv, gv, ov);
        };
        for (const bool from_x : {false, true}) {
          const std::vector<float>& in = from_x ? x : y;
          backward(last, from_x, in.data(), dy.data(), dx.data(), {rows, n}, activ::contiguous_strides({rows, n}));
          std::vector<float> it(rows * n), dyt(rows * n), dxt(rows * n);  // transposed: (n, rows)
          for (std::size_t r = 0; r < rows; ++r)
            for (std::size_t j = 0; j < n; ++j) it[j * rows + r] = in[r * n + j], dyt[j * rows + r] = dy[r * n + j];
          backward(first, from_x, it.data(), dyt.data(), dxt.data(), {n, rows}, activ::contiguous_strides({n, rows}));
          // every other element of a buffer twice as long: a last axis of stride 2
          std::vector<float> i2(2 * rows * n), dy2(2 * rows * n), dx2(2 * rows * n);
          for (std::size_t k = 0; k < rows * n; ++k) i2[2 * k] = in[k], dy2[2 * k] = dy[k];
          backward(last, from_x, i2.data(), dy2.data(), dx2.data(), {rows, n}, {static_cast<std::ptrdiff_t>(2 * n), 2});
          const char* what = from_x ? " from x" : " from y";
          for (std::size_t r = 0; r < rows; ++r)
            for (std::size_t j = 0; j < n; ++j) {
              ASSERT_EQ(0, std::memcmp(&dx[r * n + j], &dxt[j * rows + r], sizeof(float)))
                  << spec << what << " first axis, n=" << n << " row " << r << " element " << j;
              ASSERT_EQ(0, std::memcmp(&dx[r * n + j], &dx2[2 * (r * n + j)], sizeof(float)))
                  << spec << what << " strided last axis, n=" << n << " row " << r << " element " << j;
            }
        }
      }
    }
  }
}

}  // namespace
