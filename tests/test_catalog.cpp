// The catalogue and spec strings: every entry is well formed and reachable by name and
// alias, the framework spellings of ../shared/catalogue.md exist with their parameter
// names and defaults (checked numerically through forward), spec strings round-trip
// through to_string(), and every malformed spec throws std::invalid_argument naming
// the problem.
#include <gtest/gtest.h>

#include <activ/activ.hpp>

#include <algorithm>
#include <cmath>
#include <initializer_list>
#include <limits>
#include <map>
#include <set>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace {

using activ::Activation;
using activ::Framework;
using activ::FunctionInfo;
using activ::ParamInfo;
using activ::ParamKind;

constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr long double kPi = 3.141592653589793238462643383279502884L;
constexpr long double kSeluAlpha = 1.6732632423543772848170429916717L;
constexpr long double kSeluScale = 1.0507009873554804934193349852946L;

std::string str(std::string_view s) { return std::string(s); }

// ---- spec-string construction shared by several tests ------------------------------

// A value for a required parameter (the catalogue's required parameters are the
// threshold and the replacement value of `threshold`).
std::string required_text(const ParamInfo& p) {
  if (p.name == "threshold") return "0.5";
  return "-2";
}

// `name` with every required parameter filled in.
std::string default_spec(const FunctionInfo& f) {
  std::string args;
  for (const ParamInfo& p : f.params)
    if (p.required) args += (args.empty() ? "" : ", ") + str(p.name) + "=" + required_text(p);
  return args.empty() ? str(f.name) : str(f.name) + "(" + args + ")";
}

bool in_range(const ParamInfo& p, double v) {
  if (p.none_allowed && v == p.none_value) return true;
  const bool lo_ok = p.min_open ? v > p.min : v >= p.min;
  const bool hi_ok = p.max_open ? v < p.max : v <= p.max;
  return lo_ok && hi_ok;
}

// The numeric value a text stands for (as the parser should read it).
double text_value(const ParamInfo& p, std::string_view text) {
  std::string t(text);
  if (t.size() >= 2 && (t.front() == '\'' || t.front() == '"')) t = t.substr(1, t.size() - 2);
  if (p.kind == ParamKind::boolean) return (t == "true" || t == "True" || t == "1") ? 1.0 : 0.0;
  if (p.kind == ParamKind::choice) {
    for (std::size_t i = 0; i < p.choices.size(); ++i)
      if (p.choices[i] == t) return static_cast<double>(i);
    return -1;
  }
  if (t == "None") return p.none_value;
  return std::stod(t);
}

// Valid values (as spec text) that differ from the parameter's default. An empty
// result for a parameter means this test does not know the parameter yet.
std::vector<std::string> alternative_texts(const FunctionInfo& f, const ParamInfo& p) {
  std::vector<std::string> candidates;
  if (p.kind == ParamKind::boolean) {
    if (p.default_value != 0) candidates = {"false", "False", "0"};
    else candidates = {"true", "True", "1"};
  } else if (p.kind == ParamKind::choice) {
    for (std::size_t i = 0; i < p.choices.size(); ++i) {
      if (static_cast<double>(i) == p.default_value) continue;
      candidates.push_back(str(p.choices[i]));
      candidates.push_back("'" + str(p.choices[i]) + "'");
      candidates.push_back("\"" + str(p.choices[i]) + "\"");
    }
  } else {
    static const std::map<std::string, std::vector<std::string>, std::less<>> table = {
        {"negative_slope", {"0.3", "-0.5", "0", "0.1"}},
        {"weight", {"0.1", "-0.3"}},
        {"lower", {"0.05", "0", "-0.25"}},
        {"upper", {"0.5", "0.125", "2"}},
        {"seed", {"1", "12345", "9007199254740992"}},
        {"alpha", {"0.5", "2", "0", "0.30000000000000004"}},
        {"beta", {"2", "0.5", "3.25"}},
        {"min_val", {"-2", "0.5", "-1e-3"}},
        {"max_val", {"3", "-0.5"}},
        {"max_value", {"6", "2.5", "0", "None"}},
        {"value", {"-2", "0.25"}},
        {"default_value", {"-2", "0.25"}},
        {"theta", {"0.5", "-1", "2"}},
        {"lambd", {"1.5", "0", "0.1"}},
        {"b", {"1", "0", "0.25"}},
        {"axis", {"0", "1", "-2"}},
        {"dim", {"0", "-1", "2"}},
        {"temperature", {"0.5", "2"}},
        {"k", {"3", "4"}},
    };
    if (p.name == "threshold") {
      if (f.family == "softplus") candidates = {"5", "-3.5", "None"};
      else if (f.family == "hard_shrink" || f.family == "soft_shrink") candidates = {"1.5", "0"};
      else candidates = {"-1.25", "2", "0.5"};
    } else if (auto it = table.find(p.name); it != table.end()) {
      candidates = it->second;
    }
  }
  std::vector<std::string> out;
  for (const std::string& c : candidates) {
    const double v = text_value(p, c);
    if (!p.required && v == p.default_value) continue;
    if (p.required && c == required_text(p)) continue;
    if (p.kind != ParamKind::choice && p.kind != ParamKind::boolean && !in_range(p, v)) continue;
    out.push_back(c);
  }
  return out;
}

// `f` with parameter `key` set to `text` and the other required parameters filled in.
std::string spec_with(const FunctionInfo& f, std::string_view key, const std::string& text) {
  std::string args;
  for (const ParamInfo& p : f.params) {
    std::string v;
    if (p.name == key) v = text;
    else if (p.required) v = required_text(p);
    else continue;
    args += (args.empty() ? "" : ", ") + str(p.name) + "=" + v;
  }
  return str(f.name) + "(" + args + ")";
}

void expect_invalid(const std::string& spec, std::initializer_list<std::string_view> substrings) {
  SCOPED_TRACE("spec: \"" + spec + "\"");
  try {
    const Activation a = activ::parse(spec);
    ADD_FAILURE() << "parse(\"" << spec << "\") should throw std::invalid_argument but gave " << a.to_string();
  } catch (const std::invalid_argument& e) {
    const std::string what = e.what();
    for (std::string_view s : substrings)
      EXPECT_NE(what.find(s), std::string::npos) << "message \"" << what << "\" lacks \"" << s << "\"";
  } catch (const std::exception& e) {
    ADD_FAILURE() << "parse(\"" << spec << "\") threw a non-invalid_argument exception: " << e.what();
  }
}

double f64(const std::string& spec, double x) {
  const Activation a = activ::parse(spec);
  double y = std::numeric_limits<double>::quiet_NaN();
  a.forward(std::span<const double>(&x, 1), std::span<double>(&y, 1));
  return y;
}
float f32(const std::string& spec, float x) {
  const Activation a = activ::parse(spec);
  float y = std::numeric_limits<float>::quiet_NaN();
  a.forward(std::span<const float>(&x, 1), std::span<float>(&y, 1));
  return y;
}

// |got - want| within a few units in the last place of double (the library claims
// correct rounding; 4 ULP leaves room for the long double reference formulas).
void expect_close(double got, long double want, const std::string& what) {
  const double w = static_cast<double>(want);
  if (std::isinf(w) || w == 0) {
    EXPECT_EQ(got, w) << what;
    return;
  }
  EXPECT_NEAR(got, w, 4 * std::numeric_limits<double>::epsilon() * std::fabs(w)) << what;
}

// ---- the catalogue itself -----------------------------------------------------------

TEST(Catalog, IsNotEmptyAndStable) {
  const auto c1 = activ::catalog();
  const auto c2 = activ::catalog();
  EXPECT_GT(c1.size(), 100u);
  EXPECT_EQ(c1.data(), c2.data());
  EXPECT_EQ(c1.size(), c2.size());
}

TEST(Catalog, EveryEntryHasTextsAndFamily) {
  for (const FunctionInfo& f : activ::catalog()) {
    SCOPED_TRACE(str(f.name));
    EXPECT_FALSE(f.name.empty());
    EXPECT_FALSE(f.family.empty());
    EXPECT_FALSE(f.formula.empty());
    EXPECT_FALSE(f.derivative.empty());
    EXPECT_LE(f.params.size(), 4u);  // detail::kMaxParams
    std::set<std::string_view> names;
    for (const ParamInfo& p : f.params) {
      EXPECT_FALSE(p.name.empty());
      EXPECT_FALSE(p.description.empty()) << p.name;
      EXPECT_TRUE(names.insert(p.name).second) << "parameter " << p.name << " appears twice";
    }
  }
}

TEST(Catalog, NamesAndAliasesAreUniqueAcrossTheCatalogue) {
  std::map<std::string, std::string> owner;
  for (const FunctionInfo& f : activ::catalog()) {
    std::vector<std::string_view> spellings{f.name};
    spellings.insert(spellings.end(), f.aliases.begin(), f.aliases.end());
    for (std::string_view s : spellings) {
      const auto [it, inserted] = owner.emplace(str(s), str(f.name));
      EXPECT_TRUE(inserted) << "'" << s << "' is used by both " << it->second << " and " << f.name;
    }
  }
}

TEST(Catalog, NamesCarryTheirFrameworkPrefix) {
  EXPECT_EQ(activ::framework_prefix(Framework::activ), "");
  EXPECT_EQ(activ::framework_prefix(Framework::torch), "torch");
  EXPECT_EQ(activ::framework_prefix(Framework::keras), "keras");
  EXPECT_EQ(activ::framework_prefix(Framework::keras2), "keras2");
  EXPECT_EQ(activ::framework_prefix(Framework::tf), "tf");
  EXPECT_EQ(activ::framework_prefix(Framework::jax), "jax");
  for (const FunctionInfo& f : activ::catalog()) {
    const std::string prefix = str(activ::framework_prefix(f.framework));
    std::vector<std::string_view> spellings{f.name};
    spellings.insert(spellings.end(), f.aliases.begin(), f.aliases.end());
    for (std::string_view s : spellings) {
      const auto colon = s.find(':');
      if (prefix.empty()) {
        EXPECT_EQ(colon, std::string_view::npos) << s << " is unqualified but has a prefix";
      } else {
        ASSERT_NE(colon, std::string_view::npos) << s << " lacks the prefix " << prefix;
        EXPECT_EQ(s.substr(0, colon), prefix) << s;
      }
    }
  }
}

TEST(Catalog, UnqualifiedEntriesComeFirst) {
  bool seen_prefixed = false;
  for (const FunctionInfo& f : activ::catalog()) {
    if (f.framework != Framework::activ) seen_prefixed = true;
    else EXPECT_FALSE(seen_prefixed) << f.name << " follows a framework-qualified entry";
  }
}

TEST(Catalog, DefaultsLieInsideTheirOwnRanges) {
  for (const FunctionInfo& f : activ::catalog()) {
    for (const ParamInfo& p : f.params) {
      SCOPED_TRACE(str(f.name) + " " + str(p.name));
      EXPECT_LE(p.min, p.max);
      EXPECT_FALSE(std::isnan(p.min) || std::isnan(p.max));
      if (p.none_allowed) EXPECT_TRUE(in_range(p, p.none_value)) << "none_value outside the range";
      if (p.required) continue;
      EXPECT_FALSE(std::isnan(p.default_value));
      EXPECT_TRUE(in_range(p, p.default_value)) << "default " << p.default_value << " outside [" << p.min << ", " << p.max << "]";
      switch (p.kind) {
        case ParamKind::boolean:
          EXPECT_TRUE(p.default_value == 0 || p.default_value == 1);
          break;
        case ParamKind::choice:
          ASSERT_FALSE(p.choices.empty());
          EXPECT_EQ(p.default_value, std::floor(p.default_value));
          EXPECT_GE(p.default_value, 0);
          EXPECT_LT(p.default_value, static_cast<double>(p.choices.size()));
          break;
        case ParamKind::integer:
          EXPECT_EQ(p.default_value, std::floor(p.default_value));
          break;
        case ParamKind::real:
          if (!p.none_allowed) {
            EXPECT_TRUE(std::isfinite(p.default_value));
          }
          break;
      }
      if (p.kind != ParamKind::choice) {
        EXPECT_TRUE(p.choices.empty());
      }
    }
  }
}

TEST(Catalog, EveryNameAndAliasIsFoundAndParses) {
  for (const FunctionInfo& f : activ::catalog()) {
    SCOPED_TRACE(str(f.name));
    // find_function and info() may hand out a different FunctionInfo object than
    // catalog() (the API does not promise identity), but it must describe the same
    // entry: same name and the same parameter table.
    auto same_entry = [&](const FunctionInfo* g) {
      return g != nullptr && g->name == f.name && g->params.data() == f.params.data() &&
             g->params.size() == f.params.size() && g->family == f.family && g->framework == f.framework;
    };
    const FunctionInfo* found = activ::find_function(f.name);
    ASSERT_NE(found, nullptr);
    EXPECT_TRUE(same_entry(found));
    const Activation a = activ::parse(default_spec(f));
    EXPECT_EQ(a.name(), f.name);
    EXPECT_TRUE(same_entry(&a.info()));
    EXPECT_EQ(&a.info(), found) << "info() and find_function() disagree";
    for (std::string_view alias : f.aliases) {
      SCOPED_TRACE("alias " + str(alias));
      EXPECT_EQ(activ::find_function(alias), found);
      const std::string alias_spec = str(alias) + default_spec(f).substr(f.name.size());
      const Activation b = activ::parse(alias_spec);
      EXPECT_EQ(b.name(), f.name) << "an alias must resolve to its entry's name";
      EXPECT_TRUE(b == a);
      EXPECT_EQ(&b.info(), found);
    }
  }
  EXPECT_EQ(activ::find_function("no_such_function"), nullptr);
  EXPECT_EQ(activ::find_function(""), nullptr);
  EXPECT_EQ(activ::find_function("torch:"), nullptr);
}

// A framework spelling belongs to the same mathematical family as the unqualified
// function of that name (torch:gelu and gelu are both "gelu").
TEST(Catalog, FrameworkSpellingsShareTheUnqualifiedFamily) {
  for (const FunctionInfo& f : activ::catalog()) {
    if (f.framework == Framework::activ) continue;
    const std::string_view base = f.name.substr(f.name.find(':') + 1);
    const FunctionInfo* plain = activ::find_function(base);
    if (!plain) continue;
    EXPECT_EQ(f.family, plain->family) << f.name << " vs " << plain->name;
  }
}

TEST(Catalog, ContainsEveryUnqualifiedNameActivClaims) {
  for (const char* name :
       {"linear", "identity", "relu", "relu6", "leaky_relu", "prelu", "rrelu", "elu", "celu", "selu", "gelu", "silu",
        "swish", "hard_swish", "hard_silu", "sigmoid", "hard_sigmoid", "log_sigmoid", "tanh", "hard_tanh",
        "tanh_shrink", "softsign", "softplus", "mish", "exponential", "threshold", "thresholded_relu", "hard_shrink",
        "soft_shrink", "squareplus", "sparse_plus", "sparse_sigmoid"}) {
    const FunctionInfo* f = activ::find_function(name);
    ASSERT_NE(f, nullptr) << name;
    EXPECT_EQ(f->framework, Framework::activ) << name;
  }
  // Aliases that name the same function.
  EXPECT_EQ(activ::find_function("identity"), activ::find_function("linear"));
  EXPECT_EQ(activ::find_function("hard_silu"), activ::find_function("hard_swish"));
}

TEST(Catalog, ContainsTheFrameworkSpellings) {
  const std::map<std::string, std::vector<std::string>> spellings = {
      // torch.nn.functional
      {"torch",
       {"relu", "relu6", "leaky_relu", "prelu", "rrelu", "elu", "celu", "selu", "gelu", "silu", "hardswish", "sigmoid",
        "hardsigmoid", "logsigmoid", "tanh", "hardtanh", "tanhshrink", "softsign", "softplus", "mish", "threshold",
        "hardshrink", "softshrink"}},
      // keras.activations (Keras 3), with the get() aliases swish and hard_swish
      {"keras",
       {"relu", "leaky_relu", "relu6", "elu", "selu", "celu", "gelu", "sigmoid", "hard_sigmoid", "hard_silu",
        "hard_swish", "silu", "swish", "softplus", "softsign", "log_sigmoid", "tanh", "tanh_shrink", "hard_tanh",
        "hard_shrink", "soft_shrink", "threshold", "squareplus", "sparse_plus", "sparse_sigmoid", "mish",
        "exponential", "linear"}},
      // tf_keras.activations where they differ from Keras 3
      {"keras2", {"hard_sigmoid", "relu"}},
      // tf.nn / tf.math
      {"tf",
       {"relu", "relu6", "leaky_relu", "elu", "selu", "gelu", "silu", "swish", "sigmoid", "tanh", "softsign",
        "softplus", "log_sigmoid"}},
      // jax.nn
      {"jax",
       {"relu", "relu6", "hard_tanh", "hard_sigmoid", "hard_silu", "hard_swish", "leaky_relu", "elu", "celu", "selu",
        "gelu", "squareplus", "softplus", "sparse_plus", "sparse_sigmoid", "soft_sign", "sigmoid", "log_sigmoid",
        "silu", "swish", "mish", "identity"}},
  };
  for (const auto& [prefix, names] : spellings) {
    for (const std::string& n : names) {
      const std::string full = prefix + ":" + n;
      const FunctionInfo* f = activ::find_function(full);
      ASSERT_NE(f, nullptr) << full << " is missing";
      EXPECT_EQ(activ::framework_prefix(f->framework), prefix) << full;
      EXPECT_NO_THROW((void)activ::parse(default_spec(*f))) << full;
    }
  }
  // The swish/hard_swish aliases resolve to silu/hard_silu.
  EXPECT_EQ(activ::parse("keras:swish").name(), "keras:silu");
  EXPECT_EQ(activ::parse("keras:hard_swish").name(), "keras:hard_silu");
  EXPECT_EQ(activ::parse("jax:swish").name(), "jax:silu");
  EXPECT_EQ(activ::parse("jax:hard_swish").name(), "jax:hard_silu");
  EXPECT_EQ(activ::find_function("tf:swish"), activ::find_function("tf:silu"));
}

// Parameter names, order, kinds and defaults of the framework spellings.
TEST(Catalog, FrameworkParameterNamesAndDefaults) {
  struct P {
    const char* name;
    double def;  // NaN: required
    ParamKind kind = ParamKind::real;
  };
  const double req = std::numeric_limits<double>::quiet_NaN();
  const std::vector<std::pair<std::string, std::vector<P>>> table = {
      {"leaky_relu", {{"negative_slope", 0.01}}},
      {"torch:leaky_relu", {{"negative_slope", 0.01}}},
      {"jax:leaky_relu", {{"negative_slope", 0.01}}},
      {"keras:leaky_relu", {{"negative_slope", 0.2}}},
      {"tf:leaky_relu", {{"alpha", 0.2}}},
      {"prelu", {{"weight", 0.25}}},
      {"torch:prelu", {{"weight", 0.25}}},
      {"torch:rrelu",
       {{"lower", 1.0 / 8}, {"upper", 1.0 / 3}, {"training", 0, ParamKind::boolean}, {"seed", 0, ParamKind::integer}}},
      {"rrelu", {{"lower", 1.0 / 8}, {"upper", 1.0 / 3}, {"training", 0, ParamKind::boolean}, {"seed", 0, ParamKind::integer}}},
      {"elu", {{"alpha", 1}}},
      {"torch:elu", {{"alpha", 1}}},
      {"keras:elu", {{"alpha", 1}}},
      {"jax:elu", {{"alpha", 1}}},
      {"tf:elu", {}},
      {"celu", {{"alpha", 1}}},
      {"torch:celu", {{"alpha", 1}}},
      {"keras:celu", {{"alpha", 1}}},
      {"jax:celu", {{"alpha", 1}}},
      {"selu", {}},
      {"torch:selu", {}},
      {"keras:selu", {}},
      {"tf:selu", {}},
      {"jax:selu", {}},
      {"gelu", {{"approximate", 0, ParamKind::choice}}},
      {"torch:gelu", {{"approximate", 0, ParamKind::choice}}},
      {"keras:gelu", {{"approximate", 0, ParamKind::boolean}}},
      {"tf:gelu", {{"approximate", 0, ParamKind::boolean}}},
      {"jax:gelu", {{"approximate", 1, ParamKind::boolean}}},
      {"softplus", {{"beta", 1}, {"threshold", 20}}},
      {"torch:softplus", {{"beta", 1}, {"threshold", 20}}},
      {"keras:softplus", {}},
      {"tf:softplus", {}},
      {"jax:softplus", {}},
      {"silu", {}},
      {"torch:silu", {}},
      {"keras:silu", {}},
      {"jax:silu", {}},
      {"tf:silu", {{"beta", 1}}},
      {"swish", {{"beta", 1}}},
      {"hard_tanh", {{"min_val", -1}, {"max_val", 1}}},
      {"torch:hardtanh", {{"min_val", -1}, {"max_val", 1}}},
      {"keras:hard_tanh", {}},
      {"jax:hard_tanh", {}},
      {"hard_shrink", {{"lambd", 0.5}}},
      {"soft_shrink", {{"lambd", 0.5}}},
      {"torch:hardshrink", {{"lambd", 0.5}}},
      {"torch:softshrink", {{"lambd", 0.5}}},
      {"keras:hard_shrink", {{"threshold", 0.5}}},
      {"keras:soft_shrink", {{"threshold", 0.5}}},
      {"threshold", {{"threshold", req}, {"value", req}}},
      {"torch:threshold", {{"threshold", req}, {"value", req}}},
      {"keras:threshold", {{"threshold", req}, {"default_value", req}}},
      {"thresholded_relu", {{"theta", 1}}},
      {"relu", {{"negative_slope", 0}, {"max_value", kInf}, {"threshold", 0}}},
      {"keras:relu", {{"negative_slope", 0}, {"max_value", kInf}, {"threshold", 0}}},
      {"keras2:relu", {{"alpha", 0}, {"max_value", kInf}, {"threshold", 0}}},
      {"torch:relu", {}},
      {"tf:relu", {}},
      {"jax:relu", {}},
      {"squareplus", {{"b", 4}}},
      {"keras:squareplus", {{"b", 4}}},
      {"jax:squareplus", {{"b", 4}}},
      {"relu6", {}},
      {"torch:relu6", {}},
      {"hard_sigmoid", {}},
      {"keras:hard_sigmoid", {}},
      {"keras2:hard_sigmoid", {}},
      {"torch:hardsigmoid", {}},
      {"torch:hardswish", {}},
      {"sparse_plus", {}},
      {"sparse_sigmoid", {}},
  };
  for (const auto& [name, params] : table) {
    SCOPED_TRACE(name);
    const FunctionInfo* f = activ::find_function(name);
    ASSERT_NE(f, nullptr);
    ASSERT_EQ(f->params.size(), params.size());
    for (std::size_t i = 0; i < params.size(); ++i) {
      const ParamInfo& p = f->params[i];
      EXPECT_EQ(p.name, params[i].name) << "parameter " << i;
      EXPECT_EQ(p.kind, params[i].kind) << p.name;
      if (std::isnan(params[i].def)) {
        EXPECT_TRUE(p.required) << p.name;
      } else {
        EXPECT_FALSE(p.required) << p.name;
        EXPECT_EQ(p.default_value, params[i].def) << p.name;
      }
    }
  }
  const FunctionInfo* tg = activ::find_function("torch:gelu");
  ASSERT_NE(tg, nullptr);
  ASSERT_EQ(tg->params.size(), 1u);
  ASSERT_EQ(tg->params[0].choices.size(), 2u);
  EXPECT_EQ(tg->params[0].choices[0], "none");
  EXPECT_EQ(tg->params[0].choices[1], "tanh");
  // None stands for "no bound" in the optional bounds.
  for (const char* name : {"relu", "keras:relu", "keras2:relu"}) {
    const ParamInfo& mv = activ::find_function(name)->params[1];
    EXPECT_TRUE(mv.none_allowed) << name;
    EXPECT_EQ(mv.none_value, kInf) << name;
  }
  EXPECT_TRUE(activ::find_function("torch:softplus")->params[1].none_allowed);
}

// ---- framework definitions, checked through forward ---------------------------------

long double gelu_exact(long double x) { return 0.5L * x * std::erfc(-x / std::sqrt(2.0L)); }
long double gelu_tanh(long double x) {
  return 0.5L * x * (1 + std::tanh(std::sqrt(2 / kPi) * (x + 0.044715L * x * x * x)));
}
long double sigmoid(long double x) { return 1 / (1 + std::exp(-x)); }

TEST(FrameworkDefinitions, ForwardValues) {
  struct Case {
    std::string spec;
    double x;
    long double want;
  };
  const long double e = std::exp(1.0L);
  const std::vector<Case> cases = {
      // leaky_relu defaults: 0.01 (torch, jax, activ), 0.2 (tf, keras)
      {"leaky_relu", -2, -0.02L},
      {"torch:leaky_relu", -2, -0.02L},
      {"jax:leaky_relu", -2, -0.02L},
      {"tf:leaky_relu", -2, -0.4L},
      {"keras:leaky_relu", -2, -0.4L},
      {"tf:leaky_relu(alpha=0.3)", -2, -0.6L},
      {"keras:leaky_relu(negative_slope=0.3)", -2, -0.6L},
      {"torch:leaky_relu", 3, 3},
      {"prelu", -2, -0.5L},
      {"torch:prelu(weight=0.1)", -2, -0.2L},
      {"rrelu", -2, -2 * (1.0L / 8 + static_cast<long double>(1.0 / 3)) / 2},
      // gelu: exact by default except jax
      {"gelu", 1, gelu_exact(1)},
      {"torch:gelu", 1, gelu_exact(1)},
      {"torch:gelu", -2.5, gelu_exact(-2.5L)},
      {"torch:gelu(approximate='tanh')", 1, gelu_tanh(1)},
      {"keras:gelu", 1, gelu_exact(1)},
      {"keras:gelu(approximate=true)", 1, gelu_tanh(1)},
      {"tf:gelu", 1, gelu_exact(1)},
      {"jax:gelu", 1, gelu_tanh(1)},
      {"jax:gelu", -2.5, gelu_tanh(-2.5L)},
      {"jax:gelu(approximate=false)", 1, gelu_exact(1)},
      // softplus: torch's threshold 20 (x itself above it), exact elsewhere
      {"torch:softplus", 1, std::log1p(e)},
      {"torch:softplus", 21, 21},
      {"torch:softplus", 20, std::log1p(std::exp(20.0L))},
      {"softplus", 21, 21},
      {"torch:softplus(beta=2, threshold=5)", 3, 3},
      {"torch:softplus(beta=2, threshold=5)", 2, std::log1p(std::exp(4.0L)) / 2},
      {"torch:softplus(beta=2)", 1, std::log1p(std::exp(2.0L)) / 2},
      {"softplus(threshold=None)", 21, 21 + std::log1p(std::exp(-21.0L))},
      {"keras:softplus", 21, 21 + std::log1p(std::exp(-21.0L))},
      {"jax:softplus", 21, 21 + std::log1p(std::exp(-21.0L))},
      {"tf:softplus", 21, 21 + std::log1p(std::exp(-21.0L))},
      {"keras:softplus", -3, std::log1p(std::exp(-3.0L))},
      // hard_sigmoid: relu6(x+3)/6 except Keras 2's clip(0.2x + 0.5, 0, 1)
      {"keras:hard_sigmoid", 1, 4.0L / 6},
      {"keras:hard_sigmoid", 2.9, (2.9L + 3) / 6},
      {"keras:hard_sigmoid", 3, 1},
      {"keras:hard_sigmoid", -3, 0},
      {"hard_sigmoid", 1, 4.0L / 6},
      {"torch:hardsigmoid", 1, 4.0L / 6},
      {"jax:hard_sigmoid", 1, 4.0L / 6},
      {"keras2:hard_sigmoid", 1, 0.7L},
      {"keras2:hard_sigmoid", 2, 0.9L},
      {"keras2:hard_sigmoid", 2.5, 1},
      {"keras2:hard_sigmoid", 2.9, 1},
      {"keras2:hard_sigmoid", -2.5, 0},
      {"keras2:hard_sigmoid", -2, 0.1L},
      // hard_swish
      {"hard_swish", 1, 4.0L / 6},
      {"torch:hardswish", 4, 4},
      {"keras:hard_silu", -4, 0},
      {"jax:hard_silu", 2, 2 * 5.0L / 6},
      // elu family
      {"elu", -1, std::expm1(-1.0L)},
      {"torch:elu(alpha=2)", -1, 2 * std::expm1(-1.0L)},
      {"jax:elu(alpha=0.5)", -1, 0.5L * std::expm1(-1.0L)},
      {"keras:elu", 2, 2},
      {"tf:elu", -1, std::expm1(-1.0L)},
      {"selu", -1, kSeluScale * kSeluAlpha * std::expm1(-1.0L)},
      {"selu", 1, kSeluScale},
      {"tf:selu", -1, kSeluScale * kSeluAlpha * std::expm1(-1.0L)},
      {"keras:selu", 2, 2 * kSeluScale},
      {"celu", -1, std::expm1(-1.0L)},
      {"torch:celu(alpha=2)", -1, 2 * std::expm1(-0.5L)},
      {"jax:celu(alpha=0.5)", -1, 0.5L * std::expm1(-2.0L)},
      // relu and Keras's relu parameters
      {"relu", -1, 0},
      {"relu", 2, 2},
      {"torch:relu", -1, 0},
      {"keras:relu", 7, 7},
      {"keras:relu(max_value=6)", 7, 6},
      {"keras:relu(negative_slope=0.1)", -2, -0.2L},
      {"keras:relu(negative_slope=0.1, max_value=6, threshold=1)", 0, -0.1L},
      {"keras:relu(negative_slope=0.1, max_value=6, threshold=1)", 0.5, -0.05L},
      {"keras:relu(negative_slope=0.1, max_value=6, threshold=1)", 3, 3},
      {"keras:relu(negative_slope=0.1, max_value=6, threshold=1)", 10, 6},
      {"keras:relu(threshold=1)", 0.5, 0},
      {"keras:relu(threshold=1)", 1.5, 1.5},
      {"keras2:relu(alpha=0.1)", -2, -0.2L},
      {"relu(negative_slope=0.1, threshold=1)", 0.5, -0.05L},
      {"relu6", 7, 6},
      {"relu6", -1, 0},
      {"relu6", 3, 3},
      {"hard_tanh", 5, 1},
      {"torch:hardtanh(min_val=-2, max_val=3)", -5, -2},
      {"torch:hardtanh(min_val=-2, max_val=3)", 5, 3},
      {"keras:hard_tanh", -5, -1},
      {"jax:hard_tanh", 0.5, 0.5},
      // swish / silu
      {"silu", 1, sigmoid(1)},
      {"torch:silu", -2, -2 * sigmoid(-2)},
      {"swish(beta=2)", 1, sigmoid(2)},
      {"tf:silu(beta=0.5)", 2, 2 * sigmoid(1)},
      {"tf:swish(beta=0.5)", 2, 2 * sigmoid(1)},
      {"keras:swish", 1, sigmoid(1)},
      // the rest
      {"sigmoid", 1, sigmoid(1)},
      {"log_sigmoid", 0, -std::log(2.0L)},
      {"torch:logsigmoid", -1, -std::log1p(e)},
      {"tanh", 0.5, std::tanh(0.5L)},
      {"tanh_shrink", 1, 1 - std::tanh(1.0L)},
      {"torch:tanhshrink", 0.25, 0.25L - std::tanh(0.25L)},
      {"softsign", 1, 0.5L},
      {"jax:soft_sign", -3, -0.75L},
      {"mish", 1, std::tanh(std::log1p(e))},
      {"exponential", 1, e},
      {"keras:exponential", -1, 1 / e},
      {"squareplus", 1, (1 + std::sqrt(5.0L)) / 2},
      {"jax:squareplus(b=1)", 1, (1 + std::sqrt(2.0L)) / 2},
      {"keras:squareplus(b=0)", -1, 0},
      {"sparse_plus", 0, 0.25L},
      {"sparse_plus", 2, 2},
      {"sparse_plus", -2, 0},
      {"jax:sparse_plus", 0.5, 1.5L * 1.5L / 4},
      {"sparse_sigmoid", 0, 0.5L},
      {"keras:sparse_sigmoid", 0.5, 0.75L},
      {"jax:sparse_sigmoid", 3, 1},
      {"threshold(threshold=0.5, value=-2)", 0.5, -2},
      {"threshold(threshold=0.5, value=-2)", 0.75, 0.75L},
      {"torch:threshold(0.5, -2)", 0.25, -2},
      {"keras:threshold(threshold=0.5, default_value=-2)", 0.25, -2},
      {"thresholded_relu", 1, 0},
      {"thresholded_relu", 1.5, 1.5L},
      {"thresholded_relu(theta=0.5)", 0.75, 0.75L},
      {"hard_shrink", 0.5, 0},
      {"hard_shrink", 0.75, 0.75L},
      {"torch:hardshrink(lambd=1)", -1.5, -1.5L},
      {"keras:hard_shrink(threshold=1)", 1, 0},
      {"soft_shrink", 0.75, 0.25L},
      {"soft_shrink", -0.75, -0.25L},
      {"torch:softshrink(lambd=1)", 0.9, 0},
      {"keras:soft_shrink(threshold=1)", -3, -2},
      {"linear", -3.5, -3.5L},
      {"identity", 2, 2},
      {"jax:identity", 7, 7},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.spec + " at x = " + std::to_string(c.x));
    double got = 0;
    ASSERT_NO_THROW(got = f64(c.spec, c.x));
    expect_close(got, c.want, "double");
    const float xf = static_cast<float>(c.x);
    if (static_cast<double>(xf) == c.x) {
      const float gf = f32(c.spec, xf);
      const float wf = static_cast<float>(c.want);
      EXPECT_NEAR(gf, wf, 2 * std::numeric_limits<float>::epsilon() * std::fabs(wf)) << "float";
    }
  }
}

// The distinctions the defaults make, stated as inequalities so that a wrong default
// cannot pass by accident.
TEST(FrameworkDefinitions, DefaultsDistinguishFrameworks) {
  EXPECT_NE(f64("torch:leaky_relu", -1), f64("tf:leaky_relu", -1));
  EXPECT_EQ(f64("keras:leaky_relu", -1), f64("tf:leaky_relu", -1));
  EXPECT_NE(f64("jax:gelu", 1), f64("torch:gelu", 1));
  EXPECT_EQ(f64("jax:gelu", 1), f64("torch:gelu(approximate=tanh)", 1));
  EXPECT_EQ(f64("torch:softplus", 25), 25.0);
  EXPECT_GT(f64("keras:softplus", 25), 25.0);
  EXPECT_NE(f64("keras:hard_sigmoid", 1), f64("keras2:hard_sigmoid", 1));
  EXPECT_EQ(f64("keras:hard_sigmoid", 1), f64("torch:hardsigmoid", 1));
}

// ---- spec strings --------------------------------------------------------------------

TEST(SpecString, DefaultsRoundTrip) {
  for (const FunctionInfo& f : activ::catalog()) {
    SCOPED_TRACE(str(f.name));
    const Activation a = activ::parse(default_spec(f));
    const std::string s = a.to_string();
    bool has_required = false;
    for (const ParamInfo& p : f.params) has_required |= p.required;
    if (!has_required) {
      EXPECT_EQ(s, f.name) << "defaults print as the bare name";
      EXPECT_TRUE(activ::parse(str(f.name) + "()") == a);
    }
    EXPECT_TRUE(activ::parse(s) == a) << s;
    for (const ParamInfo& p : f.params) {
      if (p.required) {
        EXPECT_NE(s.find(str(p.name) + "="), std::string::npos) << "required parameters always print: " << s;
        EXPECT_EQ(a.param(p.name), text_value(p, required_text(p)));
      } else {
        EXPECT_EQ(a.param(p.name), p.default_value) << p.name;
      }
    }
  }
}

TEST(SpecString, EveryNonDefaultValueRoundTrips) {
  std::size_t checked = 0;
  for (const FunctionInfo& f : activ::catalog()) {
    const Activation defaults = activ::parse(default_spec(f));
    for (const ParamInfo& p : f.params) {
      const std::vector<std::string> alts = alternative_texts(f, p);
      EXPECT_FALSE(alts.empty()) << "no non-default test value for parameter " << p.name << " of " << f.name;
      for (const std::string& text : alts) {
        const std::string spec = spec_with(f, p.name, text);
        SCOPED_TRACE(spec);
        Activation a = defaults;
        ASSERT_NO_THROW(a = activ::parse(spec));
        EXPECT_EQ(a.param(p.name), text_value(p, text));
        EXPECT_FALSE(a == defaults);
        const std::string s = a.to_string();
        EXPECT_NE(s.find(str(p.name) + "="), std::string::npos) << "to_string must show a non-default value: " << s;
        Activation b = defaults;
        ASSERT_NO_THROW(b = activ::parse(s)) << s;
        EXPECT_TRUE(b == a) << s;
        EXPECT_EQ(b.to_string(), s);
        ++checked;
      }
    }
  }
  EXPECT_GT(checked, 150u);
}

// All parameters at once, by keyword and positionally; positional values then keywords.
TEST(SpecString, PositionalArgumentsEqualKeywords) {
  for (const FunctionInfo& f : activ::catalog()) {
    if (f.params.empty()) continue;
    SCOPED_TRACE(str(f.name));
    std::vector<std::string> values;
    for (const ParamInfo& p : f.params) {
      const std::vector<std::string> alts = alternative_texts(f, p);
      ASSERT_FALSE(alts.empty()) << p.name;
      values.push_back(alts.front());
    }
    std::string kw, pos, mixed;
    for (std::size_t i = 0; i < values.size(); ++i) {
      kw += (i ? ", " : "") + str(f.params[i].name) + "=" + values[i];
      pos += (i ? ", " : "") + values[i];
      mixed += (i ? ", " : "") + (i == 0 ? values[i] : str(f.params[i].name) + "=" + values[i]);
    }
    const Activation a = activ::parse(str(f.name) + "(" + kw + ")");
    EXPECT_TRUE(activ::parse(str(f.name) + "(" + pos + ")") == a) << pos;
    EXPECT_TRUE(activ::parse(str(f.name) + "(" + mixed + ")") == a) << mixed;
    EXPECT_TRUE(activ::parse(a.to_string()) == a) << a.to_string();
    // Keywords in reverse order.
    std::string rev;
    for (std::size_t i = values.size(); i-- > 0;)
      rev += (rev.empty() ? "" : ", ") + str(f.params[i].name) + "=" + values[i];
    EXPECT_TRUE(activ::parse(str(f.name) + "(" + rev + ")") == a) << rev;
  }
  EXPECT_TRUE(activ::parse("hard_tanh(-2, 3)") == activ::parse("hard_tanh(min_val=-2, max_val=3)"));
  EXPECT_TRUE(activ::parse("rrelu(0.1, 0.2, true, 7)") ==
              activ::parse("rrelu(lower=0.1, upper=0.2, training=true, seed=7)"));
  EXPECT_TRUE(activ::parse("torch:threshold(0.5, -2)") == activ::parse("torch:threshold(value=-2, threshold=0.5)"));
}

TEST(SpecString, WhitespaceIsIgnored) {
  const Activation a = activ::parse("hard_tanh(min_val=-2, max_val=3)");
  for (const char* spec : {"hard_tanh(min_val=-2,max_val=3)", "  hard_tanh ( min_val = -2 , max_val = 3 )  ",
                           "\thard_tanh(\tmin_val=-2,\n max_val=3\n)\r\n", "hard_tanh (-2, 3)", "hard_tanh(-2, 3,)"}) {
    SCOPED_TRACE(spec);
    Activation b = activ::parse("relu");
    ASSERT_NO_THROW(b = activ::parse(spec));
    EXPECT_TRUE(b == a);
  }
  EXPECT_TRUE(activ::parse("  torch:gelu  ") == activ::parse("torch:gelu"));
  EXPECT_TRUE(activ::parse("elu( )") == activ::parse("elu"));
}

TEST(SpecString, QuotesForChoicesAndBooleans) {
  const Activation t = activ::parse("gelu(approximate=tanh)");
  EXPECT_EQ(t.param("approximate"), 1.0);
  EXPECT_TRUE(activ::parse("gelu(approximate='tanh')") == t);
  EXPECT_TRUE(activ::parse("gelu(approximate=\"tanh\")") == t);
  EXPECT_TRUE(activ::parse("gelu('tanh')") == t);
  EXPECT_TRUE(activ::parse("torch:gelu(approximate='none')") == activ::parse("torch:gelu"));
  EXPECT_EQ(t.to_string(), "gelu(approximate=tanh)");
  EXPECT_TRUE(activ::parse("jax:gelu(approximate=False)") == activ::parse("jax:gelu(approximate=false)"));
  EXPECT_TRUE(activ::parse("jax:gelu(approximate=0)") == activ::parse("jax:gelu(approximate=false)"));
  EXPECT_EQ(activ::parse("jax:gelu(approximate=false)").to_string(), "jax:gelu(approximate=false)");
  EXPECT_EQ(activ::parse("keras:gelu(approximate=True)").to_string(), "keras:gelu(approximate=true)");
}

TEST(SpecString, NoneForOptionalBounds) {
  EXPECT_TRUE(activ::parse("relu(max_value=None)") == activ::parse("relu"));
  EXPECT_EQ(activ::parse("relu(max_value=None)").param("max_value"), kInf);
  EXPECT_EQ(activ::parse("keras:relu(max_value=None)").to_string(), "keras:relu");
  EXPECT_TRUE(activ::parse("keras:relu(0, None)") == activ::parse("keras:relu"));
  const Activation sp = activ::parse("softplus(threshold=None)");
  EXPECT_EQ(sp.param("threshold"), kInf);
  EXPECT_EQ(sp.to_string(), "softplus(threshold=None)");
  EXPECT_TRUE(activ::parse(sp.to_string()) == sp);
  EXPECT_FALSE(sp == activ::parse("softplus"));
  EXPECT_TRUE(activ::parse("torch:softplus(threshold='None')") == activ::parse("torch:softplus(threshold=None)"));
  expect_invalid("keras:relu(negative_slope=None)", {"'negative_slope'"});
  expect_invalid("elu(alpha=None)", {"'alpha'"});
}

TEST(SpecString, ShortestRoundTripOfDoubles) {
  for (const char* v : {"0.1", "0.30000000000000004", "1e-300", "123456789.125", "-2.5e-7", "0.3333333333333333"}) {
    const Activation a = activ::parse(std::string("leaky_relu(negative_slope=") + v + ")");
    EXPECT_EQ(a.param("negative_slope"), std::stod(v)) << v;
    EXPECT_TRUE(activ::parse(a.to_string()) == a) << a.to_string();
  }
}

// ---- errors -----------------------------------------------------------------------

TEST(SpecErrors, UnknownNameSuggestsTheNearest) {
  expect_invalid("gelu2", {"unknown activation", "'gelu2'", "did you mean", "'gelu'"});
  expect_invalid("leaky_rellu", {"unknown activation", "did you mean", "'leaky_relu'"});
  expect_invalid("torch:hardswsh", {"unknown activation", "'torch:hardswsh'", "did you mean", "'torch:hardswish'"});
  expect_invalid("softpluss", {"did you mean", "'softplus'"});
  expect_invalid("xyzzyqqqwww", {"unknown activation", "'xyzzyqqqwww'"});
  // A known prefix with a name that framework does not have.
  expect_invalid("torch:sparse_plus", {"unknown activation", "'torch:sparse_plus'"});
}

TEST(SpecErrors, UnknownPrefix) {
  expect_invalid("pytorch:relu", {"unknown framework prefix", "'pytorch'"});
  expect_invalid("activ:relu", {"unknown framework prefix", "'activ'"});
  expect_invalid("TORCH:relu", {"unknown framework prefix", "'TORCH'"});
}

TEST(SpecErrors, UnknownRepeatedAndMisplacedArguments) {
  expect_invalid("elu(beta=1)", {"unknown parameter", "'beta'", "elu", "alpha"});
  expect_invalid("relu6(max_value=1)", {"unknown parameter", "'max_value'"});
  expect_invalid("torch:hardshrink(threshold=1)", {"unknown parameter", "'threshold'", "lambd"});
  expect_invalid("keras:hard_shrink(lambd=1)", {"unknown parameter", "'lambd'", "threshold"});
  expect_invalid("tf:leaky_relu(negative_slope=0.1)", {"unknown parameter", "'negative_slope'", "alpha"});
  expect_invalid("elu(alpha=1, alpha=2)", {"'alpha'", "twice"});
  expect_invalid("elu(2, alpha=3)", {"'alpha'", "twice"});
  expect_invalid("hard_tanh(min_val=-2, 3)", {"positional", "'3'", "keyword"});
  expect_invalid("elu(1, 2)", {"elu", "takes 1 parameter", "got 2"});
  expect_invalid("relu6(1)", {"relu6", "takes 0 parameters"});
  expect_invalid("hard_tanh(-2, 3, 4)", {"takes 2 parameters", "got 3"});
  expect_invalid("threshold", {"missing required parameter", "'threshold'"});
  expect_invalid("threshold(0.5)", {"missing required parameter", "'value'"});
  expect_invalid("torch:threshold(value=1)", {"missing required parameter", "'threshold'"});
  expect_invalid("keras:threshold(threshold=1)", {"missing required parameter", "'default_value'"});
}

TEST(SpecErrors, MalformedSyntax) {
  expect_invalid("", {"empty"});
  expect_invalid("   ", {"empty"});
  expect_invalid("elu(alpha=1", {"malformed", "missing ')'"});
  expect_invalid("elu(", {"malformed"});
  expect_invalid("elu)", {"malformed", "')'"});
  expect_invalid("elu(alpha=1))", {"malformed", "')'"});
  expect_invalid("elu(alpha=1) x", {"malformed"});
  expect_invalid("elu(alpha=1)(2)", {"malformed"});
  expect_invalid("elu x", {"malformed", "'x'"});
  expect_invalid("elu;", {"malformed"});
  expect_invalid("elu(alpha=(1))", {"malformed", "'('"});
  expect_invalid("elu((1))", {"malformed", "'('"});
  expect_invalid("hard_tanh(-2,,3)", {"malformed", "empty argument"});
  expect_invalid("hard_tanh(,-2)", {"malformed", "empty argument"});
  expect_invalid("elu(alpha=1,,)", {"malformed", "empty argument"});
  expect_invalid("elu(alpha=)", {"'alpha'", "empty value"});
  expect_invalid("elu(=1)", {"unknown parameter"});
  expect_invalid("(alpha=1)", {"malformed", "function name"});
  expect_invalid("1elu", {"malformed", "function name"});
  expect_invalid("torch:", {"malformed", "function name"});
  expect_invalid(":relu", {"malformed"});
  expect_invalid("torch:relu:x", {"malformed", "':'"});
  expect_invalid("gelu(approximate='tanh)", {"malformed", "unterminated quote"});
  expect_invalid("elu(alpha=1 2)", {"'alpha'", "number"});
  expect_invalid("elu(alpha=abc)", {"'alpha'", "must be a number", "'abc'"});
  expect_invalid("elu(alpha=0x10)", {"'alpha'", "number"});
}

// "f(,)" has an empty argument list with a comma in it: Python rejects it, and so must
// the parser (it accepts the Python-style trailing comma only after an argument).
TEST(SpecErrors, LoneCommaIsAnEmptyArgument) {
  expect_invalid("elu(,)", {"malformed", "empty argument"});
  expect_invalid("relu6(,)", {"malformed", "empty argument"});
}

TEST(SpecErrors, NaNAndInfinity) {
  expect_invalid("elu(alpha=nan)", {"'alpha'", "NaN"});
  expect_invalid("elu(alpha=NaN)", {"'alpha'", "NaN"});
  expect_invalid("hard_tanh(min_val=-nan)", {"'min_val'", "NaN"});
  expect_invalid("softplus(threshold=nan)", {"'threshold'", "NaN"});
  expect_invalid("leaky_relu(nan)", {"'negative_slope'", "NaN"});
  expect_invalid("elu(alpha=inf)", {"'alpha'", "finite"});
  expect_invalid("leaky_relu(negative_slope=-inf)", {"'negative_slope'", "finite"});
  expect_invalid("hard_tanh(max_val=inf)", {"'max_val'", "finite"});
  expect_invalid("rrelu(upper=inf)", {"'upper'", "finite"});
  expect_invalid("rrelu(lower=-inf)", {"'lower'", "finite"});
  expect_invalid("softplus(threshold=-inf)", {"'threshold'", "finite"});
  expect_invalid("squareplus(b=infinity)", {"'b'", "finite"});
  expect_invalid("elu(alpha=1e400)", {"'alpha'", "range"});
  // inf is the spelling of "no bound" where None is allowed.
  EXPECT_TRUE(activ::parse("relu(max_value=inf)") == activ::parse("relu"));
  EXPECT_TRUE(activ::parse("softplus(threshold=inf)") == activ::parse("softplus(threshold=None)"));
}

TEST(SpecErrors, OutOfRange) {
  expect_invalid("elu(alpha=-1)", {"'alpha'", "elu", ">= 0", "'-1'"});
  expect_invalid("torch:elu(alpha=-0.5)", {"'alpha'", ">= 0"});
  expect_invalid("keras:elu(alpha=-0.5)", {"'alpha'"});
  expect_invalid("jax:elu(alpha=-0.5)", {"'alpha'"});
  expect_invalid("celu(alpha=0)", {"'alpha'", "celu", "> 0"});
  expect_invalid("torch:celu(alpha=0)", {"'alpha'", "> 0"});
  expect_invalid("jax:celu(alpha=-1)", {"'alpha'"});
  expect_invalid("celu(alpha=-0)", {"'alpha'"});
  expect_invalid("softplus(beta=0)", {"'beta'", "> 0"});
  expect_invalid("torch:softplus(beta=-1)", {"'beta'"});
  expect_invalid("hard_shrink(lambd=-0.5)", {"'lambd'", ">= 0"});
  expect_invalid("soft_shrink(lambd=-1)", {"'lambd'"});
  expect_invalid("torch:hardshrink(lambd=-0.1)", {"'lambd'"});
  expect_invalid("torch:softshrink(lambd=-0.1)", {"'lambd'"});
  expect_invalid("keras:soft_shrink(threshold=-0.5)", {"'threshold'"});
  expect_invalid("keras:hard_shrink(threshold=-0.5)", {"'threshold'"});
  expect_invalid("squareplus(b=-1)", {"'b'"});
  expect_invalid("jax:squareplus(b=-1)", {"'b'"});
  expect_invalid("relu(max_value=-1)", {"'max_value'"});
  expect_invalid("keras:relu(max_value=-1)", {"'max_value'"});
  expect_invalid("hard_tanh(min_val=1, max_val=1)", {"max_val", "min_val"});
  expect_invalid("hard_tanh(min_val=2)", {"max_val", "min_val"});
  expect_invalid("torch:hardtanh(min_val=0.5, max_val=-0.5)", {"max_val", "min_val"});
  expect_invalid("rrelu(lower=0.5, upper=0.25)", {"lower", "upper"});
  expect_invalid("torch:rrelu(lower=0.4)", {"lower", "upper"});
  expect_invalid("rrelu(upper=0.1)", {"lower", "upper"});
}

TEST(SpecErrors, IntegersBooleansAndChoices) {
  expect_invalid("rrelu(seed=1.5)", {"'seed'", "integer"});
  expect_invalid("torch:rrelu(seed=0.25)", {"'seed'", "integer"});
  expect_invalid("rrelu(seed=-1)", {"'seed'"});
  expect_invalid("rrelu(seed=abc)", {"'seed'", "number"});
  expect_invalid("keras:gelu(approximate=maybe)", {"'approximate'", "true or false", "'maybe'"});
  expect_invalid("jax:gelu(approximate=2)", {"'approximate'", "true or false"});
  expect_invalid("tf:gelu(approximate=tanh)", {"'approximate'", "true or false"});
  expect_invalid("rrelu(training=yes)", {"'training'", "true or false"});
  expect_invalid("gelu(approximate='erf')", {"'approximate'", "one of", "'none'", "'tanh'", "'erf'"});
  expect_invalid("torch:gelu(approximate=true)", {"'approximate'", "one of"});
  expect_invalid("gelu(approximate=1)", {"'approximate'", "one of"});
}

}  // namespace
