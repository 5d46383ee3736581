// The SIMD row kernel of the softmax family for contiguous float32 rows (softmax.cc),
// dispatched at run time to the best instruction set of the machine.
#pragma once

#include <cstddef>
#include <cstdint>

namespace activ::detail::simd {

// Rows [0, rows) of length n, back to back (row r at x + r*n, y + r*n), each one row of
// z = sign*x (sign +1 softmax, -1 softmin): y = exp((z - max z)/T) / sum, or with `log`
// its logarithm (z - max)/T - log(sum). x may equal y (in place).
// Stops at the first row the scalar reference must take, without writing it, and
// returns its index (`rows` when all are done): a NaN, a z of +inf, only -inf, or a 1/T
// outside [2^-60, 2^60] (then at row 0). Rows whose length n is equal give
// bit-identical results for equal data, wherever they are in memory.
std::size_t SoftmaxRowsF32(const float* x, float* y, std::size_t n, std::size_t rows, float sign,
                           double inv_temperature, bool log);

// Backward from the output for rows [0, rows) of length n, back to back: y the forward's
// output, dx the gradient for dy (softmax/softmin: y (dy - sum y dy) sign/T; log_softmax:
// (dy - e^y sum dy)/T). dx may equal dy. Stops at the first row with a non-finite y or
// dy, without writing it, and returns its index (`rows` when all are done).
std::size_t SoftmaxBackwardRowsF32(const float* y, const float* dy, float* dx, std::size_t n, std::size_t rows,
                                   double sign, double temperature, bool log);

// Backward from x for rows [0, rows) of length n, back to back: dx for dy, with y
// recomputed from x in float64 lanes (see softmax.cc). dx may equal dy. Stops at the
// first row the scalar reference must take (a NaN, a z of +inf, only -inf, or a
// non-finite dy), without writing it, and returns its index (`rows` when all are done).
std::size_t SoftmaxBackwardFromXRowsF32(const float* x, const float* dy, float* dx, std::size_t n, std::size_t rows,
                                        float sign, double temperature, bool log);

// Rows side by side: row r's element j at x[r * x_row_stride + j * x_stride] and
// y[r * y_row_stride + j * y_stride], for r < rows: each vector lane holds one row. Row
// strides of 1 are the first axis of a tensor (and every axis whose rows are adjacent in
// memory); other row strides need element strides of 1 (short contiguous rows, row
// stride n) and are transposed into lanes a group at a time. What SoftmaxRowsF32
// computes, with the same bits for each row. Takes only what SoftmaxColumnsTake accepts (else returns 0). Stops at the
// first row SoftmaxRowsF32 would decline, or (log_softmax) whose t < 2^-60 needs the
// row kernel's second sum, without writing it or any row after it, and returns its
// index (`rows` when all are done). x may equal y.
std::size_t SoftmaxColumnsF32(const float* x, std::ptrdiff_t x_stride, std::ptrdiff_t x_row_stride, float* y,
                              std::ptrdiff_t y_stride, std::ptrdiff_t y_row_stride, std::size_t n, std::size_t rows,
                              float sign, double inv_temperature, bool log);
// Backward from the output for rows side by side (as SoftmaxColumnsF32; the rows of
// SoftmaxBackwardRowsF32, with the same bits), for n <= kColumnsMaxLength. dx may equal
// dy. Stops at the first row with a non-finite y or dy, without writing it or any row
// after it, and returns its index (`rows` when all are done).
std::size_t SoftmaxBackwardColumnsF32(const float* y, std::ptrdiff_t y_stride, const float* dy, std::ptrdiff_t dy_stride,
                                      float* dx, std::ptrdiff_t dx_stride, std::size_t n, std::size_t rows, double sign,
                                      double temperature, bool log);
// Rows per group of SoftmaxColumnsF32 (4 cache lines), and the longest row it takes
// (its buffers grow with n; longer rows go through the transposing block copy).
inline constexpr std::size_t kColumnsMax = 64, kColumnsMaxLength = std::size_t{1} << 16;
// Whether `rows` contiguous rows of length n go through SoftmaxColumnsF32 (row stride n)
// rather than SoftmaxRowsF32: short rows, which fill the vector lanes one row per lane
// instead of one row (padded) per vector. Measured on AVX-512 (ns/element, rows one
// after the other, at 2^20 / 2^26 elements): softmax rows of 8 2.7 -> 1.4 / 2.9 -> 1.3,
// rows of 16 level, rows of 32 slower in memory (0.86 -> 1.0); log_softmax, whose row
// kernel pays a log1p per row, rows of 8 6.0 -> 1.8 / 6.0 -> 1.6, rows of 64 1.20 -> 0.94
// / 1.14 -> 1.05, rows of 128 level.
inline bool SoftmaxShortRows(std::size_t n, std::size_t rows, bool log) {
  return rows >= 16 && n <= (log ? 64 : 16);
}
// The 1/T the vector kernels take: outside [2^-60, 2^60], th or tl of the float pair 1/T
// would leave float32's normal range.
inline bool SoftmaxTemperatureInRange(double inv_temperature) {
  return inv_temperature >= 0x1p-60 && inv_temperature <= 0x1p60;
}
// Whether SoftmaxColumnsF32 takes rows of length n at 1/T = inv_temperature.
inline bool SoftmaxColumnsTake(std::size_t n, double inv_temperature) {
  return n <= kColumnsMaxLength && SoftmaxTemperatureInRange(inv_temperature);
}

// dst[c * dst_stride + r] = src[r * src_stride + c] for r < rows, c < cols (the block
// copy of the softmax family's other axes); src and dst do not overlap. The loop order
// favours src (src_in_memory) or dst: the side that is not in cache.
void TransposeF32(const float* src, std::ptrdiff_t src_stride, float* dst, std::ptrdiff_t dst_stride,
                  std::size_t rows, std::size_t cols, bool src_in_memory);

}  // namespace activ::detail::simd
