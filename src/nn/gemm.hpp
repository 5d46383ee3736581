// C = alpha * op(A) * op(B) + beta * C on row-major matrices, through the system BLAS
// (OpenBLAS: docs/training.md records the measurement that chose it). Never a
// hand-written loop nest.
#pragma once

#include <cstddef>

namespace activ::nn {

enum class Transpose { no, yes };

// op(A) is m x k, op(B) is k x n, C is m x n; every matrix is contiguous row-major in
// its stored (untransposed) shape.
void gemm(Transpose ta, Transpose tb, std::size_t m, std::size_t n, std::size_t k, float alpha, const float* a,
          const float* b, float beta, float* c);
void gemm(Transpose ta, Transpose tb, std::size_t m, std::size_t n, std::size_t k, double alpha, const double* a,
          const double* b, double beta, double* c);

// How many threads the BLAS may use (OpenBLAS's own pool). Results for a fixed count
// are reproducible run to run.
void set_blas_threads(int n);

}  // namespace activ::nn
