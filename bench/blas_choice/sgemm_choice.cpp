// The three sgemm shapes of one training step of the 784-256-128-10 MLP's first layer at
// batch 128 (forward Y = X W, weight gradient dW = X^T dY, input gradient dX = dY W^T),
// timed with one backend: -DUSE_OPENBLAS, -DUSE_BLIS or -DUSE_EIGEN. bench/blas_choice/run
// builds and runs all three; docs/training.md records the numbers that chose the BLAS.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <vector>

#if defined(USE_EIGEN)
#include <Eigen/Core>
#elif defined(USE_BLIS)
#include <blis.h>
#include <cblas.h>
#else
#include <cblas.h>
#endif

namespace {

#if defined(USE_EIGEN)
using RowMajor = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
#endif

void gemm(bool ta, bool tb, int m, int n, int k, const float* a, const float* b, float* c) {
#if defined(USE_EIGEN)
  Eigen::Map<const RowMajor> A(a, ta ? k : m, ta ? m : k), B(b, tb ? n : k, tb ? k : n);
  Eigen::Map<RowMajor> C(c, m, n);
  if (ta)
    C.noalias() = A.transpose() * B;
  else if (tb)
    C.noalias() = A * B.transpose();
  else
    C.noalias() = A * B;
#else
  cblas_sgemm(CblasRowMajor, ta ? CblasTrans : CblasNoTrans, tb ? CblasTrans : CblasNoTrans, m, n, k, 1.0f, a,
              ta ? m : k, b, tb ? k : n, 0.0f, c, n);
#endif
}

void set_threads(int t) {
#if defined(USE_EIGEN)
  Eigen::setNbThreads(t);
#elif defined(USE_BLIS)
  bli_thread_set_num_threads(t);
#else
  openblas_set_num_threads(t);
#endif
}

}  // namespace

int main(int argc, char** argv) {
  const char* name = argc > 1 ? argv[1] : "?";
  const int batch = 128, in = 784, out = 256;
  std::vector<float> x(batch * in), w(in * out), y(batch * out), dw(in * out), dx(batch * in);
  for (std::size_t i = 0; i < x.size(); ++i) x[i] = float(i % 13) / 13.0f;
  for (std::size_t i = 0; i < w.size(); ++i) w[i] = float(i % 7) / 70.0f - 0.05f;
  for (int threads : {1, 2}) {
    set_threads(threads);
    struct Shape {
      const char* what;
      bool ta, tb;
      int m, n, k;
      const float *a, *b;
      float* c;
    } shapes[] = {{"forward  X W     128x784 * 784x256", false, false, batch, out, in, x.data(), w.data(), y.data()},
                  {"weights  X^T dY  784x128 * 128x256", true, false, in, out, batch, x.data(), y.data(), dw.data()},
                  {"input    dY W^T  128x256 * 256x784", false, true, batch, in, out, y.data(), w.data(), dx.data()}};
    for (const Shape& s : shapes) {
      for (int i = 0; i < 20; ++i) gemm(s.ta, s.tb, s.m, s.n, s.k, s.a, s.b, s.c);  // warm up
      double best = 1e30;
      for (int rep = 0; rep < 15; ++rep) {  // best of 15 runs of 20 calls: the machine is shared
        const auto t0 = std::chrono::steady_clock::now();
        for (int i = 0; i < 20; ++i) gemm(s.ta, s.tb, s.m, s.n, s.k, s.a, s.b, s.c);
        best = std::min(best, std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count() / 20);
      }
      const double gflops = 2.0 * s.m * s.n * s.k / best / 1e9;
      std::printf("%-9s threads=%d  %s  %8.1f us  %6.1f GFLOP/s\n", name, threads, s.what, best * 1e6, gflops);
    }
  }
}
