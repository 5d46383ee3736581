// The SIMD row kernel of the softmax family for contiguous float32 rows (softmax.cc),
// dispatched at run time to the best instruction set of the machine.
#pragma once

#include <cstddef>

namespace activ::detail::simd {

// One row of z = sign*x (sign +1 softmax, -1 softmin): y = exp((z - max z)/T) / sum, or
// with `log` its logarithm (z - max)/T - log(sum). x may equal y (in place).
// Returns false, without writing y, for the rows the scalar reference must take: a NaN,
// a z of +inf, only -inf, or a 1/T that is not finite. Rows whose length n is equal
// give bit-identical results for equal data, wherever they are in memory.
bool SoftmaxRowF32(const float* x, float* y, std::size_t n, float sign, double inv_temperature, bool log);

}  // namespace activ::detail::simd
