// PyTorch goldens of the torch: axis entries (tests/golden/tensor/, written by
// scripts/gen_golden.py): seeded float32 tensors, torch's float64 forward and its
// autograd backward for a seeded dy. activ's float32 results must lie within 1 ULP
// (forward) and 2 ULP (backward) of them, the ULP being float32's spacing at torch's
// value; backward values below 1e-12 in magnitude may differ by 1e-12 (torch's own
// float64 backward y*(dy - sum(dy*y)) cancels there). Forward elements listed in the
// manifest's last column are skipped: there torch's float64 log_softmax x - max -
// log(sum) rounds log(1 + t) and is not the exact value (the script checks with mpmath).
#include <gtest/gtest.h>

#include <activ/activ.hpp>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "io/npy.hpp"

#ifndef ACTIV_GOLDEN_DIR
#error "ACTIV_GOLDEN_DIR must name tests/golden"
#endif

namespace {

const std::string kDir = std::string(ACTIV_GOLDEN_DIR) + "/tensor";

struct Case {
  std::string spec, x, dy, fwd, grad;
  std::set<std::size_t> skip;  // forward elements where torch's float64 value is not exact
};

std::vector<Case> manifest() {
  std::vector<Case> out;
  std::ifstream in(kDir + "/manifest.tsv");
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    std::istringstream s(line);
    Case c;
    std::getline(s, c.spec, '\t');
    std::getline(s, c.x, '\t');
    std::getline(s, c.dy, '\t');
    std::getline(s, c.fwd, '\t');
    std::getline(s, c.grad, '\t');
    std::string skip, item;
    std::getline(s, skip, '\t');
    std::istringstream items(skip);
    while (std::getline(items, item, ','))
      if (item != "-" && !item.empty()) c.skip.insert(std::stoul(item));
    out.push_back(c);
  }
  return out;
}

double ulp32(double v) {
  const double a = std::fabs(v);
  if (a < 0x1p-126) return 0x1p-149;
  return std::ldexp(1.0, std::ilogb(a) - 23);
}

TEST(TensorGolden, ManifestCoversEveryTorchAxisEntry) {
  const auto cases = manifest();
  ASSERT_GE(cases.size(), 10u) << "tests/golden/tensor/manifest.tsv missing or short";
  std::set<std::string, std::less<>> covered;
  for (const Case& c : cases) covered.insert(std::string(activ::parse(c.spec).name()));
  for (const activ::FunctionInfo& f : activ::catalog())
    if (f.framework == activ::Framework::torch && f.kind == activ::Kind::axis)
      EXPECT_TRUE(covered.count(f.name)) << f.name << " has no tensor golden";
}

TEST(TensorGolden, Float32MatchesTorchFloat64) {
  for (const Case& c : manifest()) {
    SCOPED_TRACE(c.spec);
    const activ::Activation a = activ::parse(c.spec);
    const auto x = activ::io::read_npy(kDir + "/" + c.x), dy = activ::io::read_npy(kDir + "/" + c.dy);
    const auto fwd = activ::io::read_npy(kDir + "/" + c.fwd), grad = activ::io::read_npy(kDir + "/" + c.grad);
    const activ::Shape os = a.output_shape(x.shape);
    ASSERT_EQ(os, fwd.shape);
    std::vector<float> y(fwd.f64.size()), dx(x.f32.size());
    a.forward(activ::ConstTensorView<float>(x.f32.data(), x.shape), activ::TensorView<float>(y.data(), os));
    a.backward(activ::ConstTensorView<float>(x.f32.data(), x.shape), activ::ConstTensorView<float>(dy.f32.data(), os),
               activ::TensorView<float>(dx.data(), x.shape));
    double wf = 0, wb = 0;
    for (std::size_t i = 0; i < y.size(); ++i) {
      const double t = fwd.f64[i];
      if (c.skip.count(i)) {  // torch's log(1 + t) cancelled: activ keeps the tiny negative value
        EXPECT_LE(y[i], 0.f);  // test_tensor_accuracy checks these rows against MPFR
        continue;
      }
      const double u = std::isinf(t) ? (y[i] == t ? 0 : INFINITY) : std::fabs(y[i] - t) / ulp32(t);
      wf = std::max(wf, u);
      EXPECT_LE(u, 1.0) << "forward element " << i << ": activ " << y[i] << ", torch " << t;
    }
    for (std::size_t i = 0; i < dx.size(); ++i) {
      const double t = grad.f64[i];
      const double diff = std::fabs(dx[i] - t);
      const double u = diff / ulp32(t);
      if (diff > 1e-12) wb = std::max(wb, u);
      EXPECT_TRUE(u <= 2.0 || diff <= 1e-12) << "backward element " << i << ": activ " << dx[i] << ", torch " << t;
    }
    std::printf("[tensor-golden] %-28s forward max %.3f ULP, backward max %.3f ULP (%zu elements)\n", c.spec.c_str(), wf,
                wb, x.f32.size());
  }
}

}  // namespace
