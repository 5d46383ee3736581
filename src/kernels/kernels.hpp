// How the kernels are assembled: the portable scalar kernels of every family, with the
// float32 entries replaced by SIMD bodies (dispatch.cpp).
#pragma once

#include "catalog/entry.hpp"

namespace activ::detail {

// The scalar kernels alone (scalar_kernels.cpp): the accuracy reference for the others.
const Kernels& scalar_kernels(Family f) noexcept;

}  // namespace activ::detail
