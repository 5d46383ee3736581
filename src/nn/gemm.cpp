#include "nn/gemm.hpp"

#include <cblas.h>

#include <limits>
#include <stdexcept>

namespace activ::nn {
namespace {

int as_blas_int(std::size_t v) {
  if (v > static_cast<std::size_t>(std::numeric_limits<int>::max()))
    throw std::invalid_argument("gemm: dimension " + std::to_string(v) + " exceeds the BLAS's int range");
  return static_cast<int>(v);
}

CBLAS_TRANSPOSE op(Transpose t) { return t == Transpose::yes ? CblasTrans : CblasNoTrans; }

}  // namespace

void gemm(Transpose ta, Transpose tb, std::size_t m, std::size_t n, std::size_t k, float alpha, const float* a,
          const float* b, float beta, float* c) {
  if (m == 0 || n == 0) return;
  const std::size_t lda = ta == Transpose::yes ? m : k, ldb = tb == Transpose::yes ? k : n;
  cblas_sgemm(CblasRowMajor, op(ta), op(tb), as_blas_int(m), as_blas_int(n), as_blas_int(k), alpha, a,
              as_blas_int(lda ? lda : 1), b, as_blas_int(ldb ? ldb : 1), beta, c, as_blas_int(n));
}

void gemm(Transpose ta, Transpose tb, std::size_t m, std::size_t n, std::size_t k, double alpha, const double* a,
          const double* b, double beta, double* c) {
  if (m == 0 || n == 0) return;
  const std::size_t lda = ta == Transpose::yes ? m : k, ldb = tb == Transpose::yes ? k : n;
  cblas_dgemm(CblasRowMajor, op(ta), op(tb), as_blas_int(m), as_blas_int(n), as_blas_int(k), alpha, a,
              as_blas_int(lda ? lda : 1), b, as_blas_int(ldb ? ldb : 1), beta, c, as_blas_int(n));
}

void set_blas_threads(int n) {
  if (n < 1) throw std::invalid_argument("thread count must be at least 1, got " + std::to_string(n));
  openblas_set_num_threads(n);
}

}  // namespace activ::nn
