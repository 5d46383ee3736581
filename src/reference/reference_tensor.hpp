// The MPFR row reference for the axis functions (softmax family, sparsemax, the gated
// linear units, maxout): one row at a time, from the definitions in docs/tensor.md,
// at 256 bits (sparsemax's sums exactly), independently of the kernels' formulas.
#pragma once

#include <cstddef>
#include <span>
#include <vector>

#include "activ/activation.hpp"

namespace activ::reference {

enum class RowWhat {
  forward,               // y = f(x) (size: output_shape of the row)
  backward,              // dx = J(x)^T dy
  backward_from_output,  // dx from y (the argument `x` holds y), as Activation::backward_from_output
};

// The exact results for one row (a 1-D x of the entry's axis), rounded to the 64-bit
// significand of long double (enough to measure float and double errors in ULP to
// within 1/2000). `dy` is needed for the backward modes; `keep` (optional, x's size)
// is the mask: false entries are masked out. Infinities and NaN follow the documented
// definitions (+inf entries share the probability, -inf entries get 0, NaN spreads).
std::vector<long double> exact_row(const Activation& a, RowWhat what, std::span<const double> x,
                                   std::span<const double> dy = {}, std::span<const bool> keep = {});

// |got - exact| in ULP of float (p = 24) or double (p = 53) at the exact value (the
// subnormal spacing below the normal range). 0 when both are NaN or the same
// infinity; +inf when only one is.
double ulp_distance_f32(long double exact, float got);
double ulp_distance_f64(long double exact, double got);

}  // namespace activ::reference
