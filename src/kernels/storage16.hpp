// float16 / bfloat16 spans through the float32 kernels, rounded once to 16 bits
// (storage16.cpp says how). Threads as the other kernels: parallel_for over the span.
#pragma once

#include <cstddef>

#include "catalog/entry.hpp"

namespace activ::detail {

template <class H>
void forward16(const Kernels& k, const Slots& slots, const H* x, H* y, std::size_t n);
template <class H>
void backward16(const Kernels& k, const Slots& slots, const H* x, const H* dy, H* dx, std::size_t n);

}  // namespace activ::detail
