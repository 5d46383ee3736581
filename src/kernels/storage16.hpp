// float16 / bfloat16 spans through the float32 kernels, rounded once to 16 bits
// (storage16.cpp says how). Threads as the other kernels: parallel_for over the span.
#pragma once

#include <cstddef>

#include "activ/float16.hpp"
#include "catalog/entry.hpp"

namespace activ::detail {

// Vectorised block conversions (exact widening; narrowing to nearest, ties to even, as
// to_float16 / to_bfloat16); narrow_block returns whether any input lay exactly halfway
// between two 16-bit values.
void widen_block(const bfloat16* in, float* out, std::size_t m);
void widen_block(const float16* in, float* out, std::size_t m);
bool narrow_block(const float* in, bfloat16* out, std::size_t m);
bool narrow_block(const float* in, float16* out, std::size_t m);

template <class H>
void forward16(const Kernels& k, const Slots& slots, const H* x, H* y, std::size_t n);
template <class H>
void backward16(const Kernels& k, const Slots& slots, const H* x, const H* dy, H* dx, std::size_t n);

}  // namespace activ::detail
