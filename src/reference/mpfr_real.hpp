// Shared pieces of the MPFR oracles (reference.cpp, reference_tensor.cpp).
#pragma once

#include <mpfr.h>

#include <cstddef>

#include "catalog/entry.hpp"
#include "reference/reference.hpp"

namespace activ::reference::mpfr {

inline constexpr mpfr_prec_t kPrecision = 256;
inline constexpr mpfr_rnd_t N = MPFR_RNDN;

// An mpfr_t with its lifetime (256 bits unless told).
class Real {
 public:
  explicit Real(mpfr_prec_t p = kPrecision) { mpfr_init2(v_, p); }
  Real(const Real&) = delete;
  Real& operator=(const Real&) = delete;
  Real(Real&& o) noexcept {
    mpfr_init2(v_, mpfr_get_prec(o.v_));
    mpfr_swap(v_, o.v_);
  }
  ~Real() { mpfr_clear(v_); }
  operator mpfr_ptr() { return v_; }
  operator mpfr_srcptr() const { return v_; }

 private:
  mpfr_t v_;
};

// 1 / (1 + e^-x).
void logistic(mpfr_ptr r, mpfr_srcptr x);

// f(x) or f'(x) of an elementwise family with its slots, from the definition.
// `index` is the element's position (rrelu's training-mode slope).
void elementwise(detail::Family family, const detail::Slots& slots, What what, mpfr_srcptr x, mpfr_ptr r,
                 std::size_t index = 0);

}  // namespace activ::reference::mpfr
