// Finite-difference checks of every catalogue entry's derivative, in double: backward
// with dy = 1 against the central difference (f(x+h) - f(x-h)) / (2h) of forward, away
// from the kinks of the piecewise functions. Each entry is checked with its defaults and
// with non-default values of each of its parameters.
#include <gtest/gtest.h>

#include <activ/activ.hpp>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <limits>
#include <map>
#include <optional>
#include <span>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

namespace {

using activ::Activation;
using activ::FunctionInfo;
using activ::ParamInfo;
using activ::ParamKind;

std::string str(std::string_view s) { return std::string(s); }

std::string required_text(const ParamInfo& p) { return p.name == "threshold" ? "0.5" : "-2"; }

std::string spec_with(const FunctionInfo& f, std::string_view key = {}, const std::string& text = {}) {
  std::string args;
  for (const ParamInfo& p : f.params) {
    std::string v;
    if (!key.empty() && p.name == key) v = text;
    else if (p.required) v = required_text(p);
    else continue;
    args += (args.empty() ? "" : ", ") + str(p.name) + "=" + v;
  }
  return args.empty() ? str(f.name) : str(f.name) + "(" + args + ")";
}

// Non-default values per parameter name that change the function's shape.
std::vector<std::string> alternatives(const FunctionInfo& f, const ParamInfo& p) {
  if (p.kind == ParamKind::boolean) return {p.default_value != 0 ? "false" : "true"};
  if (p.kind == ParamKind::choice) {
    std::vector<std::string> out;
    for (std::size_t i = 0; i < p.choices.size(); ++i)
      if (static_cast<double>(i) != p.default_value) out.push_back(str(p.choices[i]));
    return out;
  }
  if (p.name == "threshold") {
    if (f.family == "softplus") return {"5", "-3.5", "None"};
    if (f.family == "hard_shrink" || f.family == "soft_shrink") return {"1.5", "0"};
    return {"-1.25", "2"};
  }
  static const std::map<std::string, std::vector<std::string>, std::less<>> table = {
      {"negative_slope", {"0.3", "-0.5"}},
      {"weight", {"0.1", "-0.3", "1.5"}},
      {"lower", {"0.05", "-0.25"}},
      {"upper", {"0.5", "2"}},
      {"seed", {"12345"}},
      {"alpha", {"0.5", "2", "0"}},
      {"beta", {"2", "0.5"}},
      {"min_val", {"-2", "0.5"}},
      {"max_val", {"3", "-0.5"}},
      {"max_value", {"6", "2.5"}},
      {"value", {"-2.5", "0.25"}},
      {"default_value", {"-2.5", "0.25"}},
      {"theta", {"0.5", "-1"}},
      {"lambd", {"1.5", "0"}},
      {"b", {"1", "0", "0.25"}},
  };
  const auto it = table.find(p.name);
  if (it == table.end()) return {};
  std::vector<std::string> out;
  for (const std::string& t : it->second) {  // keep values inside the parameter's range
    const double v = std::stod(t);
    const bool lo_ok = p.min_open ? v > p.min : v >= p.min;
    const bool hi_ok = p.max_open ? v < p.max : v <= p.max;
    if (lo_ok && hi_ok && (p.required || v != p.default_value)) out.push_back(t);
  }
  return out;
}

// Where the piecewise families have kinks, jumps or a threshold, given the bound
// parameters; nullopt for a family this test does not know (a new family must be
// added here, so that no entry goes unchecked by accident).
std::optional<std::vector<double>> kinks(const Activation& a) {
  const std::string_view fam = a.info().family;
  std::vector<double> k;
  // Every finite parameter value and its negation: thresholds, +-lambda, bounds.
  for (const ParamInfo& p : a.info().params) {
    const double v = a.param(p.name);
    if (std::isfinite(v)) k.insert(k.end(), {v, -v});
  }
  static const std::map<std::string_view, std::vector<double>> fixed = {
      {"linear", {}},      {"exponential", {}}, {"gelu", {}},      {"sigmoid", {}},          {"log_sigmoid", {}},
      {"swish", {}},       {"mish", {}},        {"tanh", {}},      {"tanh_shrink", {}},      {"softplus", {}},
      {"relu", {0}},       {"clip", {0, 6, -1, 1}}, {"leaky_relu", {0}}, {"rrelu", {0}},    {"elu", {0}},
      {"softsign", {0}},   {"squareplus", {0}}, {"hard_sigmoid", {-3, 3, -2.5, 2.5}},     {"hard_swish", {-3, 3}},
      {"threshold", {}},   {"thresholded_relu", {}}, {"hard_shrink", {}}, {"soft_shrink", {}},
      {"sparse_plus", {-1, 1}}, {"sparse_sigmoid", {-1, 1}}, {"log1mexp", {0}},
  };
  const auto it = fixed.find(fam);
  if (it == fixed.end()) return std::nullopt;
  k.insert(k.end(), it->second.begin(), it->second.end());
  if (fam == "softplus") {  // torch's switch to x where beta*x > threshold
    double beta = 1, threshold = std::numeric_limits<double>::infinity();
    for (const ParamInfo& p : a.info().params) {
      if (p.name == "beta") beta = a.param("beta");
      if (p.name == "threshold") threshold = a.param("threshold");
    }
    if (std::isfinite(threshold)) k.push_back(threshold / beta);
  }
  return k;
}

std::vector<double> points() {
  std::vector<double> x;
  for (int i = 0; i <= 256; ++i) x.push_back(-8.0 + 0.0113 + i * 0.0625);
  for (double v : {1e-5, 3e-3, 1e-2, 0.3, 1.0 + 1.0 / 64, 12.5, 20.3, 35.7, 60.1, 150.3}) {
    x.push_back(v);
    x.push_back(-v);
  }
  return x;
}

struct Result {
  std::size_t checked = 0;
  std::size_t failed = 0;
};

// One spec over every point: arrays x, x+h, x-h of the same length, so that an
// element's index (rrelu's per-element slope) is the same in all three calls.
Result check_spec(const std::string& spec) {
  Result r;
  const Activation a = activ::parse(spec);
  const auto k = kinks(a);
  if (!k) {
    ADD_FAILURE() << spec << ": family '" << a.info().family << "' has no kink list in this test";
    return r;
  }
  // log1mexp is defined for x >= 0 only: mirror the points into its domain.
  const bool positive_only = a.info().family == "log1mexp";
  std::vector<double> x, xp, xm;
  for (double v : points()) {
    if (positive_only) v = std::fabs(v);
    const bool near_kink =
        std::any_of(k->begin(), k->end(), [&](double c) { return std::fabs(v - c) < 1e-3 * std::max(1.0, std::fabs(c)); });
    if (near_kink) continue;
    const double h = 1e-6 * std::max(1.0, std::fabs(v));
    x.push_back(v);
    xp.push_back(v + h);
    xm.push_back(v - h);
  }
  const std::size_t n = x.size();
  std::vector<double> fp(n), fm(n), f0(n), d(n), ones(n, 1.0);
  a.forward(std::span<const double>(xp), std::span<double>(fp));
  a.forward(std::span<const double>(xm), std::span<double>(fm));
  a.forward(std::span<const double>(x), std::span<double>(f0));
  a.backward(std::span<const double>(x), std::span<const double>(ones), std::span<double>(d));
  for (std::size_t i = 0; i < n; ++i) {
    if (!std::isfinite(fp[i]) || !std::isfinite(fm[i])) {
      ADD_FAILURE() << spec << ": f is not finite near x = " << x[i];
      ++r.failed;
      continue;
    }
    const double width = xp[i] - xm[i];  // the exact spacing of the rounded points
    const double fd = (fp[i] - fm[i]) / width;
    // Relative 1e-6, plus the rounding noise of the difference quotient, plus a small
    // absolute term for the truncation error where f' itself is near 0.
    const double noise = 8 * std::numeric_limits<double>::epsilon() * (std::fabs(fp[i]) + std::fabs(fm[i])) / width;
    const double tol = 1e-6 * std::fabs(d[i]) + noise + 1e-11;
    ++r.checked;
    if (!(std::fabs(fd - d[i]) <= tol)) {
      ++r.failed;
      if (r.failed <= 5)
        ADD_FAILURE() << spec << ": at x = " << x[i] << " backward gives " << d[i] << " but the central difference is "
                      << fd << " (f(x) = " << f0[i] << ", tolerance " << tol << ")";
    }
  }
  if (r.failed > 5) ADD_FAILURE() << spec << ": " << r.failed << " of " << r.checked << " points failed in all";
  return r;
}

std::vector<std::string> entry_names() {
  std::vector<std::string> names;
  for (const FunctionInfo& f : activ::catalog())
    if (f.kind == activ::Kind::elementwise) names.push_back(str(f.name));  // axis entries: test_tensor_*
  return names;
}

class Derivative : public ::testing::TestWithParam<std::string> {};

TEST_P(Derivative, MatchesCentralDifference) {
  const FunctionInfo* f = activ::find_function(GetParam());
  ASSERT_NE(f, nullptr);
  std::vector<std::string> specs = {spec_with(*f)};
  for (const ParamInfo& p : f->params) {
    const auto alts = alternatives(*f, p);
    EXPECT_FALSE(alts.empty()) << "no test values for parameter " << p.name << " of " << f->name;
    for (const std::string& v : alts) specs.push_back(spec_with(*f, p.name, v));
  }
  for (const std::string& spec : specs) {
    SCOPED_TRACE(spec);
    Result r;
    ASSERT_NO_THROW(r = check_spec(spec)) << spec;
    // Fail rather than pass silently if the kink filter removed (nearly) everything.
    EXPECT_GE(r.checked, 250u) << spec << ": too few points checked";
  }
}

std::string test_name(const ::testing::TestParamInfo<std::string>& info) {
  std::string s = info.param;
  for (char& c : s)
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  return s;
}

INSTANTIATE_TEST_SUITE_P(Catalog, Derivative, ::testing::ValuesIn(entry_names()), test_name);

// Every catalogue entry is instantiated above, and every family has a kink list.
TEST(DerivativeCoverage, EveryEntryIsChecked) {
  const auto names = entry_names();
  std::size_t elementwise = 0;
  for (const FunctionInfo& f : activ::catalog()) elementwise += f.kind == activ::Kind::elementwise;
  EXPECT_EQ(names.size(), elementwise);
  std::size_t instantiated = 0;
  const ::testing::UnitTest& ut = *::testing::UnitTest::GetInstance();
  for (int i = 0; i < ut.total_test_suite_count(); ++i) {
    const ::testing::TestSuite* ts = ut.GetTestSuite(i);
    if (std::string(ts->name()) == "Catalog/Derivative") instantiated = static_cast<std::size_t>(ts->total_test_count());
  }
  EXPECT_EQ(instantiated, elementwise) << "a catalogue entry has no derivative test";
  for (const FunctionInfo& f : activ::catalog()) {
    if (f.kind != activ::Kind::elementwise) continue;
    std::string spec = spec_with(f);
    EXPECT_TRUE(kinks(activ::parse(spec)).has_value()) << f.name << " (family " << f.family << ")";
  }
}

}  // namespace
