// PyTorch goldens: activ's torch: entries against torch itself.
//
// tests/golden/ holds, per case, float32 inputs and torch's float64 forward values and
// autograd derivatives (dy = 1), written by scripts/gen_golden.py (see docs/goldens.md).
// activ's float32 forward and backward must match them:
//   piecewise-linear functions (FunctionInfo::piecewise_linear): exactly, as
//     float32(torch float64 value); +0 and -0 compare equal, NaN must meet NaN;
//   everything else: within 1 ULP (forward) or 2 ULP (derivative) of torch's float64
//     value, where the ULP is float32's spacing at that value (2^-149 below the normal
//     range).
// Only the points in tests/golden/excluded.tsv are skipped: there torch's float64 value
// is not the mathematical value activ defines (checked by the script against mpmath).
// Each line names one of the reasons in kReasons below.
#include <gtest/gtest.h>

#include <activ/activ.hpp>

#include <algorithm>
#include <bit>
#include <cctype>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <ostream>
#include <set>
#include <sstream>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include "io/npy.hpp"

#ifndef ACTIV_GOLDEN_DIR
#error "ACTIV_GOLDEN_DIR must name tests/golden"
#endif

namespace {

const std::string kDir = ACTIV_GOLDEN_DIR;

// Why a point may be excluded. Any other reason in excluded.tsv fails the test.
const std::map<std::string, std::string, std::less<>> kReasons = {
    // x is NaN and torch's backward returns a number: its kernels select with
    // comparisons that are false for NaN (relu'(NaN) = 1, leaky_relu'(NaN) = slope,
    // hardsigmoid'(NaN) = 0, ...), and torch 1.13's softshrink(NaN) is 0. activ
    // propagates NaN, as the mathematical value and PyTorch's own forward do.
    {"nan_input", "torch returns a number for a NaN input; activ returns NaN"},
    // x = +-inf and torch's formula evaluates inf*0, inf/inf or inf - inf (gelu(-inf),
    // silu'(+-inf), softsign(+-inf), mish(-inf), hardswish(-inf) ...). activ returns
    // the limit, e.g. gelu(-inf) = -0, softsign(inf) = 1, silu'(inf) = 1.
    {"inf_input", "torch gives NaN at +-inf where activ returns the limit"},
    // torch rounds the exact product slope*x to float64 and the float32 conversion
    // rounds again: at these points the float64 value lies exactly halfway between two
    // floats, so float32(torch) is not the correctly rounded product.
    {"double_rounding", "float32(torch float64) is a double rounding of the exact value"},
    // torch's float64 formula cancels: 1 + erf(x/sqrt 2) and 1 + tanh(u) in gelu for
    // x < -6; the output-based backward of sigmoid (y(1 - y), x > 28) and tanh
    // (1 - y^2, |x| > 15); x - tanh(x) and its autograd 1 - (1 - tanh^2) in tanhshrink for
    // small |x|; exp(x) - 1 (torch 1.13 does not use expm1) in elu, celu and selu for
    // tiny negative x, which gives 0 instead of about alpha*x.
    {"cancellation", "torch's float64 formula cancels"},
    // torch 1.13's hardswish'(-3) is -0.5 (it uses x < -3 -> 0); PyTorch's current kernel
    // and activ use x <= -3 -> 0 (../shared/catalogue.md section 6).
    {"convention", "torch 1.13's value at a kink differs from PyTorch's current convention"},
};

enum class What { forward, derivative };
const char* to_string(What w) { return w == What::forward ? "forward" : "derivative"; }

std::vector<std::string> split_tabs(const std::string& line) {
  std::vector<std::string> out;
  std::string field;
  std::istringstream in(line);
  while (std::getline(in, field, '\t')) out.push_back(field);
  return out;
}

// Non-comment, non-empty lines of a golden file, split at tabs.
std::vector<std::vector<std::string>> read_tsv(const std::string& name) {
  std::vector<std::vector<std::string>> rows;
  std::ifstream in(kDir + "/" + name);
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    rows.push_back(split_tabs(line));
  }
  return rows;
}

struct GoldenCase {
  std::string spec;        // e.g. torch:softplus(beta=2, threshold=5)
  std::string x, fwd, grad;  // .npy files in kDir
  bool piecewise_linear = false;
  std::string slug;        // test name
};

// How GoogleTest names a case in its messages.
void PrintTo(const GoldenCase& c, std::ostream* os) { *os << c.spec; }

std::vector<GoldenCase> read_manifest() {
  std::vector<GoldenCase> cases;
  for (const auto& f : read_tsv("manifest.tsv")) {
    if (f.size() < 5) continue;  // GoldenFiles.ManifestIsWellFormed reports it
    GoldenCase c{f[0], f[1], f[2], f[3], f[4] == "1", f[1]};
    c.slug = c.slug.substr(0, c.slug.find('.'));
    cases.push_back(c);
  }
  return cases;
}

struct Excluded {
  std::string reason;
  double torch64 = 0;  // what the golden holds there
  double exact64 = 0;  // mpmath, rounded to float64
  float exact32 = 0;   // mpmath, correctly rounded to float32
};
using ExclusionKey = std::tuple<std::string, What, std::uint32_t>;  // spec, what, bits of x

std::map<ExclusionKey, Excluded> read_exclusions() {
  std::map<ExclusionKey, Excluded> out;
  for (const auto& f : read_tsv("excluded.tsv")) {
    if (f.size() < 7) continue;  // GoldenFiles.ExclusionsAreKnown reports it
    const What what = f[1] == "forward" ? What::forward : What::derivative;
    const auto bits = static_cast<std::uint32_t>(std::stoul(f[2], nullptr, 16));
    out[{f[0], what, bits}] = Excluded{f[3], std::strtod(f[4].c_str(), nullptr),
                                       std::strtod(f[5].c_str(), nullptr),
                                       std::strtof(f[6].c_str(), nullptr)};
  }
  return out;
}

// float32's spacing at the real value g: 2^-149 below the normal range, the top
// binade's spacing above float32's range.
double ulp32(double g) {
  const double a = std::fabs(g);
  if (a < 0x1p-126) return 0x1p-149;
  if (a >= 0x1p128) return 0x1p104;
  int e = 0;
  std::frexp(a, &e);  // a = m 2^e, 0.5 <= m < 1
  return std::ldexp(1.0, e - 24);
}

// Distance of a float32 result from the value g in float32 ULPs at g: 0 when both are
// NaN or the same infinity (after rounding g to float32), +inf when only one is.
double ulps(float got, double g) {
  if (std::isnan(got) || std::isnan(g)) return std::isnan(got) && std::isnan(g) ? 0 : INFINITY;
  const float g32 = static_cast<float>(g);
  if (std::isinf(got) || std::isinf(g32)) return got == g32 ? 0 : INFINITY;
  return std::fabs(static_cast<double>(got) - g) / ulp32(g);
}

// float32(g) exactly: NaN meets NaN, +0 equals -0.
bool exact_match(float got, double g) {
  const float g32 = static_cast<float>(g);
  return std::isnan(g32) ? std::isnan(got) : got == g32;
}

std::string show(double v) {
  char buf[96];
  std::snprintf(buf, sizeof buf, "%.9g (%a)", v, v);
  return buf;
}

activ::io::NpyArray load(const std::string& name) { return activ::io::read_npy(kDir + "/" + name); }

class Golden : public ::testing::TestWithParam<GoldenCase> {};

struct Summary {
  double max_ulp = 0;
  int skipped = 0, failures = 0;
};

// Compares one direction of one case; returns what it saw.
Summary compare(const GoldenCase& c, What what, const std::vector<float>& x,
                const std::vector<float>& got, const std::vector<double>& golden,
                const std::map<ExclusionKey, Excluded>& exclusions) {
  Summary s;
  const double bar = what == What::forward ? 1.0 : 2.0;
  for (std::size_t i = 0; i < x.size(); ++i) {
    const auto ex = exclusions.find({c.spec, what, std::bit_cast<std::uint32_t>(x[i])});
    if (ex != exclusions.end()) {
      // Skipped: torch's float64 value is not the mathematical value here (see kReasons).
      // Make sure the golden still holds the value the script classified.
      const double t = ex->second.torch64;
      EXPECT_TRUE((std::isnan(t) && std::isnan(golden[i])) || t == golden[i])
          << c.spec << " " << to_string(what) << " x = " << show(x[i])
          << ": excluded.tsv records torch " << show(t) << " but the golden holds " << show(golden[i])
          << "; regenerate with scripts/gen_golden.py";
      // Not a failure, but worth knowing: how activ compares with the exact value.
      const bool ok = c.piecewise_linear ? exact_match(got[i], ex->second.exact32)
                                         : ulps(got[i], ex->second.exact64) <= bar / 2;
      if (!ok)
        std::printf("[golden] note: %s %s at excluded x = %s (%s): activ %s, exact %s\n", c.spec.c_str(),
                    to_string(what), show(x[i]).c_str(), ex->second.reason.c_str(), show(got[i]).c_str(),
                    show(c.piecewise_linear ? ex->second.exact32 : ex->second.exact64).c_str());
      ++s.skipped;
      continue;
    }
    // For exact comparisons the distance is from float32(golden), so 0 means equal.
    const double u = ulps(got[i], c.piecewise_linear ? double(static_cast<float>(golden[i])) : golden[i]);
    const bool ok = c.piecewise_linear ? exact_match(got[i], golden[i]) : u <= bar;
    if (!std::isinf(u)) s.max_ulp = std::max(s.max_ulp, u);
    else if (!ok) s.max_ulp = INFINITY;
    if (!ok && ++s.failures <= 20) {
      ADD_FAILURE() << c.spec << " " << to_string(what) << " at x = " << show(x[i]) << ": activ "
                    << show(got[i]) << ", torch float64 " << show(golden[i])
                    << (c.piecewise_linear ? " (must match exactly)" : "") << ", " << u << " ULP (bar "
                    << (c.piecewise_linear ? 0.0 : bar) << ")";
    }
  }
  if (s.failures > 20) ADD_FAILURE() << c.spec << " " << to_string(what) << ": " << s.failures - 20 << " more failures";
  return s;
}

TEST_P(Golden, MatchesTorch) {
  const GoldenCase& c = GetParam();
  activ::Activation a = activ::parse(c.spec);  // throws (and fails) for a spec activ cannot parse
  ASSERT_EQ(a.info().framework, activ::Framework::torch) << c.spec;
  EXPECT_EQ(a.info().piecewise_linear, c.piecewise_linear)
      << c.spec << ": the manifest's piecewise_linear flag disagrees with the catalogue";

  const activ::io::NpyArray xa = load(c.x), fa = load(c.fwd), ga = load(c.grad);
  ASSERT_EQ(xa.dtype, activ::io::DType::f32) << c.x;
  ASSERT_EQ(fa.dtype, activ::io::DType::f64) << c.fwd;
  ASSERT_EQ(ga.dtype, activ::io::DType::f64) << c.grad;
  const std::size_t n = xa.size();
  ASSERT_GT(n, 0u);
  ASSERT_EQ(fa.size(), n);
  ASSERT_EQ(ga.size(), n);

  std::vector<float> y(n), dx(n), dy(n, 1.0f);
  a.forward(xa.f32, y);
  a.backward(xa.f32, dy, dx);

  static const auto exclusions = read_exclusions();
  const Summary f = compare(c, What::forward, xa.f32, y, fa.f64, exclusions);
  const Summary d = compare(c, What::derivative, xa.f32, dx, ga.f64, exclusions);
  std::printf("[golden] %-42s forward max %.3g ULP, derivative max %.3g ULP (%zu points; excluded %d + %d)%s\n",
              c.spec.c_str(), f.max_ulp, d.max_ulp, n, f.skipped, d.skipped,
              c.piecewise_linear ? " [exact]" : "");
}

std::string case_name(const ::testing::TestParamInfo<GoldenCase>& info) {
  std::string s = info.param.slug;
  for (char& ch : s)
    if (!std::isalnum(static_cast<unsigned char>(ch))) ch = '_';
  return s;
}

INSTANTIATE_TEST_SUITE_P(Torch, Golden, ::testing::ValuesIn(read_manifest()), case_name);

TEST(GoldenFiles, ManifestIsWellFormed) {
  const auto rows = read_tsv("manifest.tsv");
  ASSERT_FALSE(rows.empty()) << "no cases in " << kDir << "/manifest.tsv";
  std::set<std::string> specs;
  for (const auto& f : rows) {
    ASSERT_GE(f.size(), 5u) << "manifest line with " << f.size() << " fields";
    EXPECT_TRUE(f[4] == "0" || f[4] == "1") << f[0];
    EXPECT_TRUE(specs.insert(f[0]).second) << "repeated case " << f[0];
  }
}

// Every torch: entry of the catalogue has at least one golden case.
TEST(GoldenFiles, CoverEveryTorchEntry) {
  std::set<std::string, std::less<>> covered;
  for (const GoldenCase& c : read_manifest()) covered.insert(std::string(activ::parse(c.spec).name()));
  for (const activ::FunctionInfo& f : activ::catalog()) {
    if (f.framework == activ::Framework::torch && f.kind == activ::Kind::elementwise) {  // axis: test_tensor_golden
      EXPECT_TRUE(covered.count(f.name)) << f.name << " has no golden in manifest.tsv";
    }
  }
}

// Every exclusion names a known reason, a case of the manifest and one of its inputs.
TEST(GoldenFiles, ExclusionsAreKnown) {
  std::map<std::string, std::set<std::uint32_t>> inputs;
  for (const GoldenCase& c : read_manifest()) {
    auto& bits = inputs[c.spec];
    for (float v : load(c.x).f32) bits.insert(std::bit_cast<std::uint32_t>(v));
  }
  for (const auto& f : read_tsv("excluded.tsv")) {
    ASSERT_GE(f.size(), 7u) << "excluded.tsv line with " << f.size() << " fields";
    EXPECT_TRUE(kReasons.count(f[3])) << "unknown reason '" << f[3] << "' for " << f[0];
    EXPECT_TRUE(f[1] == "forward" || f[1] == "derivative") << f[1];
    const auto it = inputs.find(f[0]);
    ASSERT_NE(it, inputs.end()) << f[0] << " is excluded but not in the manifest";
    EXPECT_TRUE(it->second.count(static_cast<std::uint32_t>(std::stoul(f[2], nullptr, 16))))
        << f[0] << ": excluded x = " << f[2] << " is not one of its inputs";
  }
}

}  // namespace
