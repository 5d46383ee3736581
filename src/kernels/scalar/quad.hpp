// binary128 for the few float64 points whose value comes from cancellation in any
// formula: the neighbourhoods of the roots of gelu', silu'/swish' and mish'. There
// the long double evaluation keeps an absolute error near 1e-20 while the value is
// near 1e-17, so those points (and only those) are recomputed with 113 bits.
// Where long double already has 113 bits (aarch64) it is used instead.
#pragma once

#include <cfloat>
#include <cmath>

#if defined(__SIZEOF_FLOAT128__) && LDBL_MANT_DIG < 113
#define ACTIV_QUAD_IS_FLOAT128 1
extern "C" {  // libquadmath (GCC's runtime; clang links it the same way)
__float128 expq(__float128) noexcept;
__float128 erfcq(__float128) noexcept;
__float128 log1pq(__float128) noexcept;
__float128 sqrtq(__float128) noexcept;
__float128 acosq(__float128) noexcept;
__float128 fmaq(__float128, __float128, __float128) noexcept;
}
#endif

namespace activ::detail::scalar {

#if defined(ACTIV_QUAD_IS_FLOAT128)
using Quad = __float128;
#else
using Quad = long double;
#endif

// The functions the kernels call, overloaded for double, long double and Quad.
namespace math {
using std::erfc;
using std::exp;
using std::expm1;
using std::fabs;
using std::fma;
using std::isfinite;
using std::isinf;
using std::log1p;
using std::sqrt;
using std::acos;
#if defined(ACTIV_QUAD_IS_FLOAT128)
inline Quad exp(Quad x) { return expq(x); }
inline Quad erfc(Quad x) { return erfcq(x); }
inline Quad log1p(Quad x) { return log1pq(x); }
inline Quad sqrt(Quad x) { return sqrtq(x); }
inline Quad acos(Quad x) { return acosq(x); }
inline Quad fabs(Quad x) { return x < 0 ? -x : x; }
inline bool isinf(Quad x) { return x - x != x - x && x == x; }
inline bool isfinite(Quad x) { return x - x == x - x; }
inline Quad fma(Quad a, Quad b, Quad c) { return fmaq(a, b, c); }
#endif
}  // namespace math

}  // namespace activ::detail::scalar
