// Activation on tensor views: argument checks (shapes, axis, mask broadcasting,
// aliasing), the walk over rows and inner blocks, and the axis functions' row kernels
// (rows.hpp). docs/tensor.md describes the definitions and edge cases.
#include <algorithm>
#include <cfloat>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <stdexcept>
#include <string>
#include <vector>

#include "catalog/entry.hpp"
#include "kernels/simd/softmax.hpp"
#include "tensor/rows.hpp"

namespace activ {
namespace {

using detail::ActivationAccess;
using detail::AxisFamily;
using detail::Entry;
using detail::Slots;
using detail::tensor::Lane;
using detail::tensor::SoftmaxParams;

[[noreturn]] void fail(const std::string& what, const std::string& message) {
  throw std::invalid_argument(what + ": " + message);
}

std::string shape_text(const Shape& shape) {
  std::string s = "(";
  for (std::size_t i = 0; i < shape.size(); ++i) s += (i ? ", " : "") + std::to_string(shape[i]);
  return s + (shape.size() == 1 ? ",)" : ")");
}

// ---- aliasing --------------------------------------------------------------------------

// [lo, hi) byte range spanned by a view (empty for a view without elements).
template <class P>
std::pair<std::uintptr_t, std::uintptr_t> extent(const TensorView<P>& v) {
  if (v.size() == 0) return {0, 0};
  std::ptrdiff_t lo = 0, hi = 0;
  for (std::size_t i = 0; i < v.rank(); ++i) {
    const std::ptrdiff_t span = v.strides()[i] * static_cast<std::ptrdiff_t>(v.shape()[i] - 1);
    (span < 0 ? lo : hi) += span;
  }
  const auto base = reinterpret_cast<std::uintptr_t>(v.data());
  const auto size = static_cast<std::ptrdiff_t>(sizeof(P));
  return {base + static_cast<std::uintptr_t>(lo * size), base + static_cast<std::uintptr_t>((hi + 1) * size)};
}

// An output may be exactly an input (same data, shape, strides and element type) but
// must not otherwise share memory with it.
template <class O, class I>
void check_alias(const std::string& what, const char* out_name, const TensorView<O>& out, const char* in_name,
                 const TensorView<I>& in) {
  const auto [a0, a1] = extent(out);
  const auto [b0, b1] = extent(in);
  if (a0 == a1 || b0 == b1 || a1 <= b0 || b1 <= a0) return;
  const bool exact = sizeof(O) == sizeof(I) && static_cast<const void*>(out.data()) == static_cast<const void*>(in.data()) &&
                     out.shape() == in.shape() && out.strides() == in.strides();
  if (!exact)
    fail(what, std::string(out_name) + " partially overlaps " + in_name +
                   " (only exact in-place aliasing, with the same shape and strides, is allowed)");
}

// Two elements of an output at one address would be written twice.
template <class T>
void check_writable(const std::string& what, const char* name, const TensorView<T>& v) {
  for (std::size_t i = 0; i < v.rank(); ++i)
    if (v.shape()[i] > 1 && v.strides()[i] == 0)
      fail(what, std::string(name) + " has stride 0 along axis " + std::to_string(i) + ", so its elements overlap");
}

template <class T>
void check_shape(const std::string& what, const char* name, const Shape& got, const Shape& want, const std::string& why) {
  if (got != want) fail(what, std::string(name) + " has shape " + shape_text(got) + " but " + why + " is " + shape_text(want));
}

// ---- walking the tensor ---------------------------------------------------------------

// One operand of a walk: its base pointer and strides over the walk's shape (only the
// axis entry may differ in meaning: it is the operand's own stride along the axis).
struct Walk {
  Shape shape;  // the iteration shape (x's), rank >= 1
  std::size_t axis = 0;
  std::vector<Strides> strides;  // per operand
};

// Rows of an inner block processed together. The softmax column kernel overlaps the
// copy of each group of 64 rows with the arithmetic of the one before, within a batch.
constexpr std::size_t kBatch = 1024;

// Calls fn(offsets, count, row_strides) for batches of rows: offsets[k] is operand k's
// element offset of the batch's first row, row_strides[k] the step between its rows.
// Rows whose axis is contiguous in x go one at a time (count 1); otherwise the
// non-axis dimension with the smallest stride in x is batched, so that each step
// along the axis reads a contiguous run.
template <class Fn>
void for_each_batch(const Walk& w, Fn&& fn) {
  const std::size_t rank = w.shape.size(), ops = w.strides.size();
  const Strides& xs = w.strides[0];
  std::size_t batch_dim = rank;  // none
  std::ptrdiff_t best = std::abs(xs[w.axis]);
  if (w.shape[w.axis] > 1 && best != 1) {
    for (std::size_t d = 0; d < rank; ++d) {
      if (d == w.axis || w.shape[d] <= 1) continue;
      if (batch_dim == rank || std::abs(xs[d]) < best) {
        batch_dim = d;
        best = std::abs(xs[d]);
      }
    }
  }
  std::vector<std::size_t> outer;  // the dims walked one index at a time
  for (std::size_t d = 0; d < rank; ++d)
    if (d != w.axis && d != batch_dim) outer.push_back(d);
  std::vector<std::size_t> index(outer.size(), 0);
  std::vector<std::ptrdiff_t> offsets(ops), rstrides(ops), base(ops, 0);
  const std::size_t batch_len = batch_dim == rank ? 1 : w.shape[batch_dim];
  for (std::size_t k = 0; k < ops; ++k) rstrides[k] = batch_dim == rank ? 0 : w.strides[k][batch_dim];
  for (const std::size_t d : outer)
    if (w.shape[d] == 0) return;
  while (true) {
    for (std::size_t b = 0; b < batch_len; b += kBatch) {
      for (std::size_t k = 0; k < ops; ++k) offsets[k] = base[k] + static_cast<std::ptrdiff_t>(b) * rstrides[k];
      fn(offsets, std::min(kBatch, batch_len - b), rstrides);
    }
    // odometer over `outer`, last dimension fastest
    std::size_t i = outer.size();
    while (i > 0) {
      --i;
      const std::size_t d = outer[i];
      if (++index[i] < w.shape[d]) {
        for (std::size_t k = 0; k < ops; ++k) base[k] += w.strides[k][d];
        break;
      }
      for (std::size_t k = 0; k < ops; ++k) base[k] -= w.strides[k][d] * static_cast<std::ptrdiff_t>(index[i] - 1);
      index[i] = 0;
      if (i == 0) return;
    }
    if (outer.empty()) return;
  }
}

// The mask's strides over x's shape (0 along broadcast dimensions).
Strides mask_strides(const std::string& what, const MaskView& m, const Shape& xshape) {
  const std::size_t xr = xshape.size(), mr = m.rank();
  const std::string why = "mask shape " + shape_text(m.shape()) + " does not broadcast to x's shape " + shape_text(xshape);
  if (mr > xr) fail(what, why);
  Strides s(xr, 0);
  for (std::size_t i = 0; i < mr; ++i) {
    const std::size_t md = m.shape()[mr - 1 - i], xd = xshape[xr - 1 - i];
    if (md == xd) s[xr - 1 - i] = m.strides()[mr - 1 - i];
    else if (md != 1) fail(what, why);
  }
  return s;
}

// Promotes a rank-0 view to shape (1,) for the axis walk.
template <class P>
TensorView<P> at_least_1d(const TensorView<P>& v) {
  if (v.rank() > 0) return v;
  return TensorView<P>(v.data(), Shape{1}, Strides{1});
}

// ---- elementwise entries on views ----------------------------------------------------------

// Calls fn(n, offset) for the n-th element of a view in C order, where offset is its
// position from data() in elements (an odometer over the shape: no division per element).
template <class Fn>
void for_each_offset(const Shape& shape, const Strides& strides, std::size_t count, Fn fn) {
  std::vector<std::size_t> index(shape.size(), 0);
  std::ptrdiff_t off = 0;
  for (std::size_t n = 0; n < count; ++n) {
    fn(n, off);
    for (std::size_t i = shape.size(); i-- > 0;) {
      if (++index[i] < shape[i]) {
        off += strides[i];
        break;
      }
      off -= strides[i] * static_cast<std::ptrdiff_t>(index[i] - 1);
      index[i] = 0;
    }
  }
}

// Copies a view's elements to a C-order vector and back.
template <class T, class P>
void gather(const TensorView<P>& v, std::vector<T>& out) {
  out.resize(v.size());
  for_each_offset(v.shape(), v.strides(), out.size(), [&](std::size_t n, std::ptrdiff_t off) { out[n] = v.data()[off]; });
}
template <class T>
void scatter(const std::vector<T>& in, const TensorView<T>& v) {
  if (v.size() == 0) return;
  for_each_offset(v.shape(), v.strides(), in.size(), [&](std::size_t n, std::ptrdiff_t off) { v.data()[off] = in[n]; });
}

template <class T>
void elementwise_forward(const Activation& a, const std::string& what, ConstTensorView<T> x, TensorView<T> y) {
  check_shape<T>(what, "y", y.shape(), x.shape(), "x's shape");
  check_writable(what, "y", y);
  check_alias(what, "y", y, "x", x);
  if (x.is_contiguous() && y.is_contiguous()) {
    a.forward(std::span<const T>(x.data(), x.size()), std::span<T>(y.data(), y.size()));
    return;
  }
  // Strided: one call over a C-order copy, so that index-dependent entries (rrelu's
  // training mode) see each element's C-order index.
  std::vector<T> xs, ys(x.size());
  gather(x, xs);
  a.forward(std::span<const T>(xs), std::span<T>(ys));
  scatter(ys, y);
}

// `x` is y for a backward from the output.
template <class T>
void elementwise_backward(const Activation& a, bool from_output, const std::string& what, ConstTensorView<T> x,
                          ConstTensorView<T> dy, TensorView<T> dx) {
  const auto run = [&](std::span<const T> xs, std::span<const T> dys, std::span<T> dxs) {
    if (from_output)
      a.backward_from_output(xs, dys, dxs);
    else
      a.backward(xs, dys, dxs);
  };
  check_shape<T>(what, "dy", dy.shape(), x.shape(), "x's shape");
  check_shape<T>(what, "dx", dx.shape(), x.shape(), "x's shape");
  check_writable(what, "dx", dx);
  check_alias(what, "dx", dx, "x", x);
  check_alias(what, "dx", dx, "dy", dy);
  if (x.is_contiguous() && dy.is_contiguous() && dx.is_contiguous()) {
    run(std::span<const T>(x.data(), x.size()), std::span<const T>(dy.data(), dy.size()),
        std::span<T>(dx.data(), dx.size()));
    return;
  }
  std::vector<T> xs, dys, dxs(x.size());
  gather(x, xs);
  gather(dy, dys);
  run(std::span<const T>(xs), std::span<const T>(dys), std::span<T>(dxs));
  scatter(dxs, dx);
}

// ---- axis entries ----------------------------------------------------------------------------

bool softmax_like(AxisFamily f) {
  return f == AxisFamily::softmax || f == AxisFamily::log_softmax || f == AxisFamily::softmin ||
         f == AxisFamily::softmax2d;
}
bool gated(AxisFamily f) {
  return f == AxisFamily::glu || f == AxisFamily::swiglu || f == AxisFamily::geglu || f == AxisFamily::reglu;
}

SoftmaxParams softmax_params(AxisFamily f, const Slots& s) {
  SoftmaxParams p;
  p.temperature = s[1];
  p.sign = f == AxisFamily::softmin ? -1 : 1;
  p.log = f == AxisFamily::log_softmax;
  return p;
}

// The SIMD seam: contiguous, unmasked float rows of the softmax family go through
// these; rows the vectorised kernel declines (NaN, +inf, all -inf) take the scalar
// reference, so those edge cases behave exactly as in rows.hpp.
struct RowKernels {
  // `rows` rows of length n, back to back
  void (*softmax_f32)(const SoftmaxParams&, const float* x, float* y, std::size_t n, std::size_t rows);
  // backward from the output y, and from x
  using Backward = void (*)(const SoftmaxParams&, const float* y_or_x, const float* dy, float* dx, std::size_t n,
                            std::size_t rows);
  Backward softmax_backward_f32;
  Backward softmax_backward_x_f32;
};
// Rows [0, count) through a column kernel: columns(r, left) takes rows r ... r + left - 1
// and returns how many it did; the row after those (one it declines) goes to one_row.
template <class Columns, class OneRow>
void by_columns(std::size_t count, Columns&& columns, OneRow&& one_row) {
  for (std::size_t r = 0; r < count;) {
    r += columns(r, count - r);
    if (r < count) one_row(r++);
  }
}
void softmax_rows_f32(const SoftmaxParams& p, const float* x, float* y, std::size_t n, std::size_t rows) {
  const double inv_temperature = 1.0 / static_cast<double>(p.temperature);
  const float sign = static_cast<float>(p.sign);
  thread_local std::vector<detail::tensor::RowStats<double>> st;
  // A row the vector kernel declines: the scalar reference.
  auto one_row = [&](std::size_t r) {
    detail::tensor::softmax_rows<float>(p, n, 1, Lane<const float>{x + r * n, 0, 1}, Lane<float>{y + r * n, 0, 1}, {},
                                        st);
  };
  if (detail::simd::SoftmaxShortRows(n, rows, p.log) && detail::simd::SoftmaxColumnsTake(n, inv_temperature)) {
    // Short rows fill the vector lanes one row per lane (the column kernel, same bits)
    // instead of one row per vector; a row it declines goes to the row kernel.
    const auto row_stride = static_cast<std::ptrdiff_t>(n);
    return by_columns(
        rows,
        [&](std::size_t r, std::size_t left) {
          return detail::simd::SoftmaxColumnsF32(x + r * n, 1, row_stride, y + r * n, 1, row_stride, n, left, sign,
                                                 inv_temperature, p.log);
        },
        [&](std::size_t r) {
          if (detail::simd::SoftmaxRowsF32(x + r * n, y + r * n, n, 1, sign, inv_temperature, p.log) == 0) one_row(r);
        });
  }
  for (std::size_t r = 0; r < rows; ++r) {
    r += detail::simd::SoftmaxRowsF32(x + r * n, y + r * n, n, rows - r, sign, inv_temperature, p.log);
    if (r == rows) return;
    one_row(r);
  }
}
void softmax_backward_rows_f32(const SoftmaxParams& p, const float* y, const float* dy, float* dx, std::size_t n,
                               std::size_t rows) {
  thread_local std::vector<double> sums;
  for (std::size_t r = 0; r < rows; ++r) {
    r += detail::simd::SoftmaxBackwardRowsF32(y + r * n, dy + r * n, dx + r * n, n, rows - r, p.sign,
                                              static_cast<double>(p.temperature), p.log);
    if (r == rows) return;
    detail::tensor::softmax_backward_rows<float>(p, n, 1, Lane<const float>{y + r * n, 0, 1},
                                                 static_cast<const std::vector<double>*>(nullptr),
                                                 Lane<const float>{dy + r * n, 0, 1}, Lane<float>{dx + r * n, 0, 1},
                                                 {}, sums);
  }
}
void softmax_backward_x_rows_f32(const SoftmaxParams& p, const float* x, const float* dy, float* dx, std::size_t n,
                                 std::size_t rows) {
  thread_local std::vector<detail::tensor::RowStats<double>> st;
  thread_local std::vector<double> yw, sums;
  for (std::size_t r = 0; r < rows; ++r) {
    r += detail::simd::SoftmaxBackwardFromXRowsF32(x + r * n, dy + r * n, dx + r * n, n, rows - r,
                                                   static_cast<float>(p.sign), static_cast<double>(p.temperature),
                                                   p.log);
    if (r == rows) return;
    const Lane<const float> xr{x + r * n, 0, 1};
    detail::tensor::softmax_wide<float>(p, n, 1, xr, {}, st, yw);
    detail::tensor::softmax_backward_rows<float>(p, n, 1, xr, &yw, Lane<const float>{dy + r * n, 0, 1},
                                                 Lane<float>{dx + r * n, 0, 1}, {}, sums);
  }
}
const RowKernels& row_kernels() {
  static const RowKernels k{softmax_rows_f32, softmax_backward_rows_f32, softmax_backward_x_rows_f32};
  return k;
}

// Strided rows that the column kernel does not take (a strided last axis, the
// backwards, rows longer than kColumnsMaxLength) go through a
// contiguous buffer a block of rows at a time, where the row kernels run, and back. The
// same kernel on the same row gives the same bits, so every axis agrees with the last
// one. A block is about 256 KB (it stays in L2), but at least 16 rows, so that a batch
// whose rows are adjacent in memory reads whole cache lines. The block's rows are a
// cache line more than n apart: at a pitch of a power of two (rows of 1024 floats) the
// column writes would all fall into one L1 set.
struct RowBlock {
  static constexpr std::size_t kBlockFloats = std::size_t{1} << 16, kMinBlockRows = 16, kPad = 16;
  std::size_t n, rows, pitch;
  RowBlock(std::size_t n_, std::size_t count)
      : n(n_), rows(std::min(count, std::max(kMinBlockRows, kBlockFloats / n_))), pitch(n_ + kPad) {}
  float* row(std::vector<float>& block, std::size_t r) const { return &block[r * pitch]; }
  // Rows [r0, r0 + count) of x into block. Adjacent rows (rs = 1, as along the first
  // axis): a transpose, 8 x 8 tiles at a time. Otherwise j outer, so that each step
  // reads what is nearest in memory.
  void gather(Lane<const float> x, std::size_t r0, std::size_t count, std::vector<float>& block) const {
    block.resize(rows * pitch);
    if (x.rs == 1)
      detail::simd::TransposeF32(&x(r0, 0), x.es, block.data(), static_cast<std::ptrdiff_t>(pitch), n, count, true);
    else
      for (std::size_t j = 0; j < n; ++j)
        for (std::size_t r = 0; r < count; ++r) block[r * pitch + j] = x(r0 + r, j);
  }
  void scatter(const std::vector<float>& block, std::size_t r0, std::size_t count, Lane<float> y) const {
    if (y.rs == 1)
      detail::simd::TransposeF32(block.data(), static_cast<std::ptrdiff_t>(pitch), &y(r0, 0), y.es, count, n, false);
    else
      for (std::size_t j = 0; j < n; ++j)
        for (std::size_t r = 0; r < count; ++r) y(r0 + r, j) = block[r * pitch + j];
  }
};

void softmax_row_blocks_f32(const SoftmaxParams& p, std::size_t n, std::size_t count, Lane<const float> x,
                            Lane<float> y) {
  const RowBlock b(n, count);
  thread_local std::vector<float> block;
  for (std::size_t r0 = 0; r0 < count; r0 += b.rows) {
    const std::size_t rows = std::min(b.rows, count - r0);
    b.gather(x, r0, rows, block);
    for (std::size_t r = 0; r < rows; ++r) row_kernels().softmax_f32(p, b.row(block, r), b.row(block, r), n, 1);
    b.scatter(block, r0, rows, y);
  }
}

// The rows of `lane` from row r on.
template <class P>
Lane<P> from_row(Lane<P> lane, std::size_t r) {
  return {&lane(r, 0), lane.rs, lane.es};
}

void softmax_strided_f32(const SoftmaxParams& p, std::size_t n, std::size_t count, Lane<const float> x,
                         Lane<float> y) {
  const double inv_temperature = 1.0 / static_cast<double>(p.temperature);
  if (x.rs != 1 || y.rs != 1 || !detail::simd::SoftmaxColumnsTake(n, inv_temperature))
    return softmax_row_blocks_f32(p, n, count, x, y);
  // Adjacent rows (the first axis): the column kernel, no transpose. A row it declines
  // (a NaN, +inf, all -inf, a tiny t of log_softmax) takes the block copy and the row
  // kernel's own fallback.
  by_columns(
      count,
      [&](std::size_t r, std::size_t left) {
        return detail::simd::SoftmaxColumnsF32(&x(r, 0), x.es, 1, &y(r, 0), y.es, 1, n, left, static_cast<float>(p.sign),
                                               inv_temperature, p.log);
      },
      [&](std::size_t r) { softmax_row_blocks_f32(p, n, 1, from_row(x, r), from_row(y, r)); });
}

// Masked rows: a masked entry is a logit of -inf (z = sign * x), which the row kernel
// gives probability 0 (log_softmax: -inf), as the definition does, and which takes no
// part in the max or the sum. Rows the kernel declines (a kept NaN or +inf, or every
// entry masked or -inf) take the portable kernel with the mask itself.
void softmax_masked_f32(const SoftmaxParams& p, std::size_t n, std::size_t count, Lane<const float> x, Lane<float> y,
                        Lane<const bool> mask) {
  const double inv_temperature = 1.0 / static_cast<double>(p.temperature);
  const float masked = -static_cast<float>(p.sign) * HUGE_VALF;
  thread_local std::vector<float> row;
  thread_local std::vector<detail::tensor::RowStats<double>> st;
  row.resize(n);
  for (std::size_t r = 0; r < count; ++r) {
    for (std::size_t j = 0; j < n; ++j) row[j] = mask(r, j) ? x(r, j) : masked;
    if (detail::simd::SoftmaxRowsF32(row.data(), row.data(), n, 1, static_cast<float>(p.sign), inv_temperature,
                                     p.log) == 1) {
      for (std::size_t j = 0; j < n; ++j) y(r, j) = row[j];
    } else {
      const auto one = [r](auto lane) { return decltype(lane){lane.p ? &lane(r, 0) : nullptr, 0, lane.es}; };
      detail::tensor::softmax_rows<float>(p, n, 1, one(x), one(y), one(mask), st);
    }
  }
}

// A backward of masked rows (from y or from x: `kernel`), row by row through copies in
// which a masked entry takes no part: its dy is 0, and its x a logit of -inf (from x),
// or its y a probability of 0 (softmax) or a log-probability of -FLT_MAX (log_softmax:
// any finite value would do, with dy 0; the vector kernel declines an infinite y). Every
// sum then is the sum over
// the kept entries, so the unmasked formulas (and the kernel's own fallback for rows it
// declines) give the masked result; masked entries of dx are set to +0, as the portable
// kernel writes them.
void softmax_backward_masked_f32(RowKernels::Backward kernel, bool from_x, const SoftmaxParams& p, std::size_t n,
                                 std::size_t count, Lane<const float> in, Lane<const float> dy, Lane<float> dx,
                                 Lane<const bool> mask) {
  const float masked = from_x ? -static_cast<float>(p.sign) * HUGE_VALF : p.log ? -FLT_MAX : 0.0f;
  thread_local std::vector<float> row_in, row_dy;
  row_in.resize(n), row_dy.resize(n);
  for (std::size_t r = 0; r < count; ++r) {
    for (std::size_t j = 0; j < n; ++j) {
      const bool keep = mask(r, j);
      row_in[j] = keep ? in(r, j) : masked;
      row_dy[j] = keep ? dy(r, j) : 0.0f;
    }
    kernel(p, row_in.data(), row_dy.data(), row_dy.data(), n, 1);
    for (std::size_t j = 0; j < n; ++j) dx(r, j) = mask(r, j) ? row_dy[j] : 0.0f;
  }
}

void softmax_backward_row_blocks_f32(RowKernels::Backward kernel, const SoftmaxParams& p, std::size_t n,
                                     std::size_t count, Lane<const float> y, Lane<const float> dy, Lane<float> dx);

// A backward (from y or from x: `kernel`) along strided rows: the column kernel for the
// backward from y along adjacent rows, else y or x and dy gathered, dx written over dy.
void softmax_backward_strided_f32(RowKernels::Backward kernel, const SoftmaxParams& p, std::size_t n, std::size_t count,
                                  Lane<const float> y, Lane<const float> dy, Lane<float> dx) {
  if (kernel == row_kernels().softmax_backward_f32 && y.rs == 1 && dy.rs == 1 && dx.rs == 1 &&
      n <= detail::simd::kColumnsMaxLength) {
    // From the output with adjacent rows (the first axis): the column kernel, no
    // transpose; a row it declines (a non-finite y or dy) takes the block copy below.
    return by_columns(
        count,
        [&](std::size_t r, std::size_t left) {
          return detail::simd::SoftmaxBackwardColumnsF32(&y(r, 0), y.es, &dy(r, 0), dy.es, &dx(r, 0), dx.es, n, left,
                                                         p.sign, static_cast<double>(p.temperature), p.log);
        },
        [&](std::size_t r) {
          softmax_backward_row_blocks_f32(kernel, p, n, 1, from_row(y, r), from_row(dy, r), from_row(dx, r));
        });
  }
  softmax_backward_row_blocks_f32(kernel, p, n, count, y, dy, dx);
}

void softmax_backward_row_blocks_f32(RowKernels::Backward kernel, const SoftmaxParams& p, std::size_t n,
                                     std::size_t count, Lane<const float> y, Lane<const float> dy, Lane<float> dx) {
  const RowBlock b(n, count);
  thread_local std::vector<float> yblock, gblock;
  for (std::size_t r0 = 0; r0 < count; r0 += b.rows) {
    const std::size_t rows = std::min(b.rows, count - r0);
    b.gather(y, r0, rows, yblock);
    b.gather(dy, r0, rows, gblock);
    for (std::size_t r = 0; r < rows; ++r)
      kernel(p, b.row(yblock, r), b.row(gblock, r), b.row(gblock, r), n, 1);
    b.scatter(gblock, r0, rows, dx);
  }
}

enum class Mode { forward, backward_x, backward_y };

template <class T>
void sparsemax_batch(Mode mode, std::size_t n, std::size_t count, Lane<const T> in, Lane<const T> dy, Lane<T> out,
                     Lane<const bool> mask) {
  using W = typename detail::tensor::Wide<T>::type;
  thread_local std::vector<W> z, y, sorted;
  thread_local std::vector<char> keep;
  for (std::size_t r = 0; r < count; ++r) {
    z.resize(n);
    keep.resize(n);
    for (std::size_t j = 0; j < n; ++j) {
      z[j] = W(in(r, j));
      keep[j] = detail::tensor::kept(mask, r, j);
    }
    if (mode == Mode::backward_y) y = z;
    else detail::tensor::sparsemax_row(z, keep, y, sorted);
    if (mode == Mode::forward) {
      for (std::size_t j = 0; j < n; ++j) out(r, j) = static_cast<T>(y[j]);
      continue;
    }
    W sum = 0;
    std::size_t support = 0;
    bool nan = false;
    for (std::size_t j = 0; j < n; ++j) {
      if (!keep[j]) continue;
      nan |= std::isnan(y[j]);
      if (y[j] > 0) {
        sum += W(dy(r, j));
        ++support;
      }
    }
    const W mean = support ? sum / W(support) : W(0);
    for (std::size_t j = 0; j < n; ++j) {
      const W g = W(dy(r, j));
      W d = 0;
      if (keep[j]) d = nan ? std::numeric_limits<W>::quiet_NaN() : (y[j] > 0 ? g - mean : W(0));
      out(r, j) = static_cast<T>(d);
    }
  }
}

template <class T>
void gated_batch(AxisFamily f, long double variant, bool backward, std::size_t n, std::size_t count, Lane<const T> x,
                 Lane<const T> dy, Lane<T> out) {
  using W = typename detail::tensor::Wide<T>::type;
  const std::size_t h = n / 2;
  for (std::size_t j = 0; j < h; ++j)
    for (std::size_t r = 0; r < count; ++r) {
      const W a = W(x(r, j)), b = W(x(r, j + h));
      if (!backward) {
        out(r, j) = static_cast<T>(a * detail::tensor::gate(f, variant, b));
        continue;
      }
      const W g = W(dy(r, j));
      const W da = g * detail::tensor::gate(f, variant, b);
      const W db = g * a * detail::tensor::gate_derivative(f, variant, b);
      out(r, j) = static_cast<T>(da);
      out(r, j + h) = static_cast<T>(db);
    }
}

template <class T>
void maxout_batch(std::size_t k, bool backward, std::size_t n, std::size_t count, Lane<const T> x, Lane<const T> dy,
                  Lane<T> out) {
  const std::size_t groups = n / k;
  for (std::size_t g = 0; g < groups; ++g)
    for (std::size_t r = 0; r < count; ++r) {
      std::size_t arg = g * k;
      bool nan = false;
      for (std::size_t i = g * k; i < g * k + k; ++i) {
        const T v = x(r, i);
        if (std::isnan(v)) nan = true;
        else if (v > x(r, arg) || std::isnan(x(r, arg))) arg = i;
      }
      if (!backward) {
        out(r, g) = nan ? std::numeric_limits<T>::quiet_NaN() : x(r, arg);
        continue;
      }
      const T d = dy(r, g);
      for (std::size_t i = g * k; i < g * k + k; ++i)
        out(r, i) = nan ? std::numeric_limits<T>::quiet_NaN() : (i == arg ? d : T(0));
    }
}

// The axis walk for one call. `in` is x (forward, backward_x) or y (backward_y); dy is
// unused in forward; out is y or dx.
template <class T>
void run_axis(const Activation& a, Mode mode, const std::string& what, ConstTensorView<T> in0, ConstTensorView<T> dy0,
              TensorView<T> out0, const MaskView* mask0) {
  const Entry& e = ActivationAccess::entry(a);
  const Slots s = ActivationAccess::slots(a);
  const AxisFamily fam = e.axis_family;
  const bool from_output = mode == Mode::backward_y;
  if (from_output && !e.info.backward_from_output)
    fail(what, "backward_from_output is not available for " + std::string(e.info.name) +
                   " (its backward needs x; use backward)");
  if (mask0 && !(softmax_like(fam) || fam == AxisFamily::sparsemax))
    fail(what, "a mask applies only to the softmax family and sparsemax, not " + std::string(e.info.name));

  Shape expected;
  try {
    expected = a.output_shape(in0.shape());
  } catch (const std::invalid_argument& ex) {
    throw std::invalid_argument(what + ": " + ex.what());
  }
  const std::size_t axis = a.resolved_axis(in0.rank());
  if (mode == Mode::forward) {
    check_shape<T>(what, "y", out0.shape(), expected, "output_shape(x)");
    check_writable(what, "y", out0);
    check_alias(what, "y", out0, "x", in0);
  } else {
    check_shape<T>(what, "dy", dy0.shape(), expected, from_output ? "y's shape" : "output_shape(x)");
    check_shape<T>(what, "dx", out0.shape(), in0.shape(), from_output ? "y's shape" : "x's shape");
    check_writable(what, "dx", out0);
    check_alias(what, "dx", out0, from_output ? "y" : "x", in0);
    check_alias(what, "dx", out0, "dy", dy0);
  }
  Strides ms;
  if (mask0) {
    ms = mask_strides(what, *mask0, in0.shape());
    check_alias(what, mode == Mode::forward ? "y" : "dx", out0, "mask", *mask0);
  }
  if (in0.size() == 0 || out0.size() == 0) return;

  const ConstTensorView<T> in = at_least_1d(in0), dy = at_least_1d(dy0);
  const TensorView<T> out = at_least_1d(out0);
  if (mask0 && ms.empty()) ms = Strides{0};
  const bool has_dy = mode != Mode::forward;

  Walk w;
  w.shape = in.shape();
  w.axis = axis;
  w.strides.push_back(in.strides());
  w.strides.push_back(out.strides());
  w.strides.push_back(has_dy ? dy.strides() : Strides(in.rank(), 0));
  w.strides.push_back(mask0 ? ms : Strides(in.rank(), 0));
  const std::size_t n = in.shape()[axis];

  using W = typename detail::tensor::Wide<T>::type;
  const SoftmaxParams sp = softmax_params(fam, s);
  const bool use_seam = std::is_same_v<T, float> && mode == Mode::forward && softmax_like(fam) && !mask0;
  const bool use_masked_seam = std::is_same_v<T, float> && mode == Mode::forward && softmax_like(fam) && mask0;
  const bool use_backward_seam = std::is_same_v<T, float> && mode != Mode::forward && softmax_like(fam) && !mask0;
  const bool use_masked_backward_seam = std::is_same_v<T, float> && mode != Mode::forward && softmax_like(fam) && mask0;
  const RowKernels::Backward backward_kernel =
      from_output ? row_kernels().softmax_backward_f32 : row_kernels().softmax_backward_x_f32;
  if constexpr (std::is_same_v<T, float>) {
    // Last axis of C-ordered tensors: every row back to back, in one call.
    const bool last_contiguous = axis + 1 == in.rank() && in.is_contiguous() && out.is_contiguous();
    if (use_seam && last_contiguous) return row_kernels().softmax_f32(sp, in.data(), out.data(), n, in.size() / n);
    if (use_backward_seam && last_contiguous && dy.is_contiguous())
      return backward_kernel(sp, in.data(), dy.data(), out.data(), n, in.size() / n);
  }
  for_each_batch(w, [&](const std::vector<std::ptrdiff_t>& off, std::size_t count,
                        const std::vector<std::ptrdiff_t>& rs) {
    const Lane<const T> x{in.data() + off[0], rs[0], in.strides()[axis]};
    const Lane<T> y{out.data() + off[1], rs[1], out.strides()[axis]};
    const Lane<const T> g{has_dy ? dy.data() + off[2] : nullptr, rs[2], has_dy ? dy.strides()[axis] : 0};
    const Lane<const bool> m{mask0 ? mask0->data() + off[3] : nullptr, rs[3], mask0 ? ms[axis] : 0};
    if (softmax_like(fam)) {
      thread_local std::vector<detail::tensor::RowStats<W>> st;
      thread_local std::vector<W> yw, sums;
      if (mode == Mode::forward) {
        if constexpr (std::is_same_v<T, float>) {
          if (use_seam && count == 1 && x.es == 1 && y.es == 1) return row_kernels().softmax_f32(sp, x.p, y.p, n, 1);
          if (use_seam) return softmax_strided_f32(sp, n, count, x, y);
          if (use_masked_seam) return softmax_masked_f32(sp, n, count, x, y, m);
        }
        detail::tensor::softmax_rows<T>(sp, n, count, x, y, m, st);
      } else {
        if constexpr (std::is_same_v<T, float>) {
          if (use_backward_seam && count == 1 && x.es == 1 && y.es == 1 && g.es == 1)
            return backward_kernel(sp, x.p, g.p, y.p, n, 1);
          if (use_backward_seam) return softmax_backward_strided_f32(backward_kernel, sp, n, count, x, g, y);
          if (use_masked_backward_seam)
            return softmax_backward_masked_f32(backward_kernel, mode == Mode::backward_x, sp, n, count, x, g, y, m);
        }
        if (mode == Mode::backward_x) {
          detail::tensor::softmax_wide<T>(sp, n, count, x, m, st, yw);
          detail::tensor::softmax_backward_rows<T>(sp, n, count, x, &yw, g, y, m, sums);
        } else {
          detail::tensor::softmax_backward_rows<T>(sp, n, count, x, static_cast<const std::vector<W>*>(nullptr), g, y,
                                                   m, sums);
        }
      }
    } else if (fam == AxisFamily::sparsemax) {
      sparsemax_batch<T>(mode, n, count, x, g, y, m);
    } else if (gated(fam)) {
      gated_batch<T>(fam, s[3], mode != Mode::forward, n, count, x, g, y);
    } else if (fam == AxisFamily::maxout) {
      maxout_batch<T>(static_cast<std::size_t>(s[2]), mode != Mode::forward, n, count, x, g, y);
    }
  });
}

template <class T>
void tensor_forward(const Activation& a, ConstTensorView<T> x, TensorView<T> y, const MaskView* mask) {
  const std::string what = a.to_string() + " forward";
  if (a.info().kind == Kind::elementwise) {
    if (mask) fail(what, "a mask applies only to the softmax family and sparsemax, not " + std::string(a.name()));
    return elementwise_forward(a, what, x, y);
  }
  run_axis<T>(a, Mode::forward, what, x, ConstTensorView<T>(), y, mask);
}

template <class T>
void tensor_backward(const Activation& a, bool from_output, ConstTensorView<T> x, ConstTensorView<T> dy,
                     TensorView<T> dx, const MaskView* mask) {
  const std::string what = a.to_string() + (from_output ? " backward_from_output" : " backward");
  if (a.info().kind == Kind::elementwise) {
    if (mask) fail(what, "a mask applies only to the softmax family and sparsemax, not " + std::string(a.name()));
    return elementwise_backward(a, from_output, what, x, dy, dx);
  }
  run_axis<T>(a, from_output ? Mode::backward_y : Mode::backward_x, what, x, dy, dx, mask);
}

}  // namespace

std::size_t Activation::resolved_axis(std::size_t rank) const {
  const std::string what = to_string();
  if (entry_->axis_family == AxisFamily::none) fail(what, "an elementwise function has no axis");
  const Slots s = ActivationAccess::slots(*this);
  if (entry_->axis_family == AxisFamily::softmax2d && rank != 3 && rank != 4)
    fail(what, "softmax2d needs a 3-D (CHW) or 4-D (NCHW) input, got rank " + std::to_string(rank));
  if (s[0] == detail::kImplicitAxis) return (rank == 0 || rank == 1 || rank == 3) ? 0 : 1;
  const auto er = static_cast<long long>(std::max<std::size_t>(rank, 1));
  const auto ax = static_cast<long long>(s[0]);
  if (ax < -er || ax >= er)
    fail(what, "axis " + std::to_string(ax) + " is out of range for a tensor of rank " + std::to_string(rank) +
                   " (valid: " + std::to_string(-er) + " to " + std::to_string(er - 1) + ")");
  return static_cast<std::size_t>(ax < 0 ? ax + er : ax);
}

Shape Activation::output_shape(const Shape& in) const {
  if (entry_->axis_family == AxisFamily::none) return in;
  const std::size_t axis = resolved_axis(in.size());
  const std::size_t n = in.empty() ? 1 : in[axis];
  const std::string what = to_string();
  Shape out = in;
  switch (info().axis_size) {
    case AxisSize::same: break;
    case AxisSize::halved:
      if (n % 2 != 0)
        fail(what, "the size along axis " + std::to_string(axis) + " is " + std::to_string(n) +
                       ", which is odd (it must be even to split in halves)");
      out.at(axis) = n / 2;
      break;
    case AxisSize::divided_by_k: {
      const auto k = static_cast<std::size_t>(ActivationAccess::slots(*this)[2]);
      if (n % k != 0)
        fail(what, "the size along axis " + std::to_string(axis) + " is " + std::to_string(n) +
                       ", not a multiple of k = " + std::to_string(k));
      out.at(axis) = n / k;
      break;
    }
  }
  return out;
}

void Activation::forward(ConstTensorView<float> x, TensorView<float> y) const { tensor_forward<float>(*this, x, y, nullptr); }
void Activation::forward(ConstTensorView<double> x, TensorView<double> y) const { tensor_forward<double>(*this, x, y, nullptr); }
void Activation::forward(ConstTensorView<float> x, TensorView<float> y, MaskView mask) const {
  tensor_forward<float>(*this, x, y, &mask);
}
void Activation::forward(ConstTensorView<double> x, TensorView<double> y, MaskView mask) const {
  tensor_forward<double>(*this, x, y, &mask);
}
void Activation::backward(ConstTensorView<float> x, ConstTensorView<float> dy, TensorView<float> dx) const {
  tensor_backward<float>(*this, false, x, dy, dx, nullptr);
}
void Activation::backward(ConstTensorView<double> x, ConstTensorView<double> dy, TensorView<double> dx) const {
  tensor_backward<double>(*this, false, x, dy, dx, nullptr);
}
void Activation::backward(ConstTensorView<float> x, ConstTensorView<float> dy, TensorView<float> dx, MaskView mask) const {
  tensor_backward<float>(*this, false, x, dy, dx, &mask);
}
void Activation::backward(ConstTensorView<double> x, ConstTensorView<double> dy, TensorView<double> dx,
                          MaskView mask) const {
  tensor_backward<double>(*this, false, x, dy, dx, &mask);
}
void Activation::backward_from_output(ConstTensorView<float> y, ConstTensorView<float> dy, TensorView<float> dx) const {
  tensor_backward<float>(*this, true, y, dy, dx, nullptr);
}
void Activation::backward_from_output(ConstTensorView<double> y, ConstTensorView<double> dy,
                                      TensorView<double> dx) const {
  tensor_backward<double>(*this, true, y, dy, dx, nullptr);
}
void Activation::backward_from_output(ConstTensorView<float> y, ConstTensorView<float> dy, TensorView<float> dx,
                                      MaskView mask) const {
  tensor_backward<float>(*this, true, y, dy, dx, &mask);
}
void Activation::backward_from_output(ConstTensorView<double> y, ConstTensorView<double> dy, TensorView<double> dx,
                                      MaskView mask) const {
  tensor_backward<double>(*this, true, y, dy, dx, &mask);
}

}  // namespace activ
