// activ_reference: the MPFR oracle. Evaluates every catalogue function and its
// derivative (with the entry's own conventions at kinks) at 256 bits or more, and
// measures how far a computed float or double lies from the exact value in ULP.
#pragma once

#include <cstddef>

#include "activ/activation.hpp"

namespace activ::reference {

enum class What { forward, derivative };

// The exact value, correctly rounded to float / double. Infinite inputs give the
// limit; NaN gives NaN. `index` is the element's position in its call (rrelu's
// training-mode slope depends on it).
float exact_f32(const Activation& a, What what, float x, std::size_t index = 0);
double exact_f64(const Activation& a, What what, double x, std::size_t index = 0);

// |got - exact| in units of the last place of the target type at the exact value
// (subnormal spacing below the normal range, the spacing at the top binade above
// it). 0 when both are NaN, or both are the same infinity; +inf when only one side
// is NaN or infinite.
double ulp_error_f32(const Activation& a, What what, float x, float got, std::size_t index = 0);
double ulp_error_f64(const Activation& a, What what, double x, double got, std::size_t index = 0);

}  // namespace activ::reference
