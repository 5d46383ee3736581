#include "nn/model_spec.hpp"

#include <activ/activation.hpp>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>
#include <map>
#include <stdexcept>

#include "nn/activation_layer.hpp"
#include "nn/bilinear.hpp"
#include "nn/dense.hpp"
#include "nn/dropout.hpp"
#include "nn/format.hpp"
#include "nn/keras_prelu.hpp"
#include "nn/maxout.hpp"
#include "nn/prelu.hpp"
#include "nn/rrelu.hpp"
#include "nn/swish.hpp"

namespace activ::nn {
namespace {

std::string trim(std::string_view s) {
  const auto first = s.find_first_not_of(" \t");
  if (first == std::string_view::npos) return "";
  const auto last = s.find_last_not_of(" \t");
  return std::string(s.substr(first, last - first + 1));
}

// NAME or NAME(ARGS): the name and the argument text (empty without parentheses).
struct Element {
  std::string name;
  std::vector<std::string> positional;
  std::map<std::string, std::string> keyed;
  bool has_parens = false;
};

Element split_element(const std::string& text) {
  Element e;
  const auto open = text.find('(');
  e.name = trim(std::string_view(text).substr(0, open));
  if (open == std::string::npos) return e;
  if (text.back() != ')') throw std::invalid_argument("text after the closing parenthesis");
  e.has_parens = true;
  const std::string inner = text.substr(open + 1, text.size() - open - 2);
  if (trim(inner).empty()) return e;
  for (const std::string& arg : split_model_spec(inner)) {
    const auto eq = arg.find('=');
    if (eq == std::string::npos) {
      if (!e.keyed.empty()) throw std::invalid_argument("positional argument '" + arg + "' after a keyword argument");
      e.positional.push_back(arg);
    } else {
      const std::string key = trim(std::string_view(arg).substr(0, eq));
      if (!e.keyed.emplace(key, trim(std::string_view(arg).substr(eq + 1))).second)
        throw std::invalid_argument("argument '" + key + "' given twice");
    }
  }
  return e;
}

// Binds positional then keyword arguments to `names`; rejects unknown or repeated ones.
std::map<std::string, std::string> bind(const Element& e, const std::vector<std::string>& names) {
  if (e.positional.size() > names.size())
    throw std::invalid_argument("takes at most " + std::to_string(names.size()) + " arguments");
  std::map<std::string, std::string> args;
  for (std::size_t i = 0; i < e.positional.size(); ++i) args[names[i]] = e.positional[i];
  for (const auto& [key, value] : e.keyed) {
    if (std::find(names.begin(), names.end(), key) == names.end())
      throw std::invalid_argument("unknown argument '" + key + "'");
    if (!args.emplace(key, value).second) throw std::invalid_argument("argument '" + key + "' given twice");
  }
  return args;
}

double to_real(const std::string& key, const std::string& text) {
  double v = 0;
  const auto r = std::from_chars(text.data(), text.data() + text.size(), v);
  if (text.empty() || r.ec != std::errc() || r.ptr != text.data() + text.size() || !std::isfinite(v))
    throw std::invalid_argument(key + "=" + text + " is not a finite number");
  return v;
}

std::size_t to_count(const std::string& key, const std::string& text) {
  std::size_t v = 0;
  const auto r = std::from_chars(text.data(), text.data() + text.size(), v);
  if (text.empty() || r.ec != std::errc() || r.ptr != text.data() + text.size() || v == 0 || v > (1u << 24))
    throw std::invalid_argument(key + "=" + text + " is not a whole number in [1, 16777216]");
  return v;
}

bool to_bool(const std::string& key, const std::string& text) {
  if (text == "true" || text == "True") return true;
  if (text == "false" || text == "False") return false;
  throw std::invalid_argument(key + "=" + text + " is not true or false");
}

// ---- Keras 3 layers and their weight options (keras_prelu.hpp, weight_options.hpp).

bool is_none(const std::string& text) { return text == "None" || text == "none"; }

// An int axis of Keras's arguments.
int to_axis(const std::string& key, const std::string& text) {
  int v = 0;
  const auto r = std::from_chars(text.data(), text.data() + text.size(), v);
  if (text.empty() || r.ec != std::errc() || r.ptr != text.data() + text.size() || v < -64 || v > 64)
    throw std::invalid_argument(key + "=" + text + " is not an integer axis");
  return v;
}

// AXIS or a tuple (A, B, ...) of them.
std::vector<int> to_axes(const std::string& key, const std::string& text) {
  const Element tuple = split_element(text);
  if (!tuple.has_parens) return {to_axis(key, text)};
  if (!tuple.name.empty() || !tuple.keyed.empty() || tuple.positional.empty())
    throw std::invalid_argument(key + "=" + text + " is not an axis or a tuple of axes such as (1, 2)");
  std::vector<int> axes;
  for (const std::string& a : tuple.positional) axes.push_back(to_axis(key, a));
  return axes;
}

// A tuple (D1, D2, ...) of dimensions, or one dimension.
std::vector<std::size_t> to_shape(const std::string& key, const std::string& text) {
  const Element tuple = split_element(text);
  if (!tuple.has_parens) return {to_count(key, text)};
  if (!tuple.name.empty() || !tuple.keyed.empty() || tuple.positional.empty())
    throw std::invalid_argument(key + "=" + text + " is not a shape such as (28, 28, 1)");
  std::vector<std::size_t> shape;
  for (const std::string& d : tuple.positional) shape.push_back(to_count(key, d));
  return shape;
}

// Keras's validate_float_arg for the regularizers' factors: finite and >= 0.
double to_nonnegative(const std::string& key, const std::string& text) {
  const double v = to_real(key, text);
  if (v < 0) throw std::invalid_argument(key + "=" + text + " must be >= 0");
  return v;
}

// keras.initializers.get: the snake_case or the class name; constant takes its value.
Initializer to_initializer(const std::string& text) {
  const Element e = split_element(text);
  Initializer init;
  if (e.name == "constant" || e.name == "Constant") {
    const auto args = bind(e, {"value"});
    init.kind = Initializer::Kind::constant;
    init.value = args.count("value") ? to_real("value", args.at("value")) : 0.0;  // Constant(value=0.0)
    return init;
  }
  if (e.has_parens) bind(e, {});  // zeros() and the like take no arguments
  if (e.name == "zeros" || e.name == "Zeros") return init;
  if (e.name == "ones" || e.name == "Ones") init.kind = Initializer::Kind::ones;
  else if (e.name == "glorot_uniform" || e.name == "GlorotUniform") init.kind = Initializer::Kind::glorot_uniform;
  else
    throw std::invalid_argument("not one of zeros, ones, constant(VALUE), glorot_uniform");
  return init;
}

// keras.regularizers.get: l1(l1=0.01), l2(l2=0.01), l1_l2(l1=0.0, l2=0.0), or None.
Regularizer to_regularizer(const std::string& text) {
  Regularizer r;
  if (is_none(text)) return r;
  const Element e = split_element(text);
  if (e.name == "l1" || e.name == "L1") {
    const auto args = bind(e, {"l1"});
    r.kind = Regularizer::Kind::l1;
    r.l1 = args.count("l1") ? to_nonnegative("l1", args.at("l1")) : 0.01;
  } else if (e.name == "l2" || e.name == "L2") {
    const auto args = bind(e, {"l2"});
    r.kind = Regularizer::Kind::l2;
    r.l2 = args.count("l2") ? to_nonnegative("l2", args.at("l2")) : 0.01;
  } else if (e.name == "l1_l2" || e.name == "L1L2") {
    const auto args = bind(e, {"l1", "l2"});
    r.kind = Regularizer::Kind::l1_l2;
    r.l1 = args.count("l1") ? to_nonnegative("l1", args.at("l1")) : 0.0;
    r.l2 = args.count("l2") ? to_nonnegative("l2", args.at("l2")) : 0.0;
  } else {
    throw std::invalid_argument("not one of l1(V), l2(V), l1_l2(l1=A, l2=B), None");
  }
  return r;
}

// keras.constraints.get: non_neg, max_norm(max_value=2, axis=0),
// min_max_norm(min_value=0.0, max_value=1.0, rate=1.0, axis=0), or None.
Constraint to_constraint(const std::string& text) {
  Constraint c;
  if (is_none(text)) return c;
  const Element e = split_element(text);
  if (e.name == "non_neg" || e.name == "NonNeg") {
    if (e.has_parens) bind(e, {});
    c.kind = Constraint::Kind::non_neg;
  } else if (e.name == "max_norm" || e.name == "MaxNorm") {
    const auto args = bind(e, {"max_value", "axis"});
    c.kind = Constraint::Kind::max_norm;
    c.max_value = args.count("max_value") ? to_real("max_value", args.at("max_value")) : 2.0;
    if (c.max_value < 0) throw std::invalid_argument("max_norm: max_value must be >= 0");
    if (args.count("axis")) c.axes = to_axes("axis", args.at("axis"));
  } else if (e.name == "min_max_norm" || e.name == "MinMaxNorm") {
    const auto args = bind(e, {"min_value", "max_value", "rate", "axis"});
    c.kind = Constraint::Kind::min_max_norm;
    c.min_value = args.count("min_value") ? to_real("min_value", args.at("min_value")) : 0.0;
    c.max_value = args.count("max_value") ? to_real("max_value", args.at("max_value")) : 1.0;
    c.rate = args.count("rate") ? to_real("rate", args.at("rate")) : 1.0;
    if (!(0 <= c.min_value && c.min_value <= c.max_value))
      throw std::invalid_argument("min_max_norm: needs 0 <= min_value <= max_value");
    if (!(0 <= c.rate && c.rate <= 1)) throw std::invalid_argument("min_max_norm: rate must be in [0, 1]");
    if (args.count("axis")) c.axes = to_axes("axis", args.at("axis"));
  } else {
    throw std::invalid_argument(
        "not one of non_neg, max_norm(max_value, axis), min_max_norm(min_value, max_value, rate, axis), None");
  }
  return c;
}

// The Keras activation layers that a keras: catalogue function computes exactly: the
// layer's argument names and defaults (keras/src/layers/activations/*.py; ThresholdedReLU
// from keras/src/legacy/layers.py), checked as the layer's __init__ checks them.
constexpr double kNone = std::numeric_limits<double>::infinity();  // max_value=None
struct KerasArgument {
  enum class Kind {
    nonnegative,     // a float the layer rejects below 0 (ValueError)
    real,            // any float (activ's catalogue may still check it)
    optional_bound,  // a float >= 0 or None (kNone)
    feature_axis,    // an int axis; on (batch, features) only the features, -1 or 1
  };
  const char* name;
  double default_value;
  Kind kind;
};
struct KerasActivation {
  const char* layer;
  const char* function;  // the catalogue function
  std::vector<KerasArgument> arguments;
};

const std::vector<KerasActivation>& keras_activations() {
  using K = KerasArgument::Kind;
  static const std::vector<KerasActivation> table{
      {"ReLU",
       "keras:relu",
       {{"max_value", kNone, K::optional_bound},
        {"negative_slope", 0.0, K::nonnegative},
        {"threshold", 0.0, K::nonnegative}}},
      {"LeakyReLU", "keras:leaky_relu", {{"negative_slope", 0.3, K::nonnegative}}},
      {"ELU", "keras:elu", {{"alpha", 1.0, K::real}}},
      {"Softmax", "keras:softmax", {{"axis", -1.0, K::feature_axis}}},
      {"ThresholdedReLU", "thresholded_relu", {{"theta", 1.0, K::nonnegative}}},
  };
  return table;
}

double to_keras_argument(const KerasActivation& layer, const KerasArgument& a, const std::string& text) {
  using K = KerasArgument::Kind;
  if (a.kind == K::optional_bound && is_none(text)) return kNone;
  if (a.kind == K::feature_axis) {
    const int axis = to_axis(a.name, text);
    if (axis != -1 && axis != 1)
      throw std::invalid_argument(std::string(layer.layer) +
                                  ": axis must be -1 or 1, the features of a (batch, features) input");
    return axis;
  }
  const double v = to_real(a.name, text);
  if (a.kind != K::real && v < 0)
    throw std::invalid_argument(std::string(layer.layer) + ": " + a.name + " must be >= 0 (Keras raises ValueError)");
  return v;
}

template <class T>
std::unique_ptr<Layer<T>> make_keras_activation(const Element& e, const KerasActivation& k) {
  std::vector<std::string> names;
  for (const KerasArgument& a : k.arguments) names.push_back(a.name);
  const auto args = bind(e, names);
  std::string function_args, layer_args;
  for (const KerasArgument& a : k.arguments) {
    const double v = args.count(a.name) ? to_keras_argument(k, a, args.at(a.name)) : a.default_value;
    const std::string text = std::string(a.name) + "=" + (v == kNone ? "None" : format_real(v));
    function_args += (function_args.empty() ? "" : ", ") + text;
    if (v != a.default_value) layer_args += (layer_args.empty() ? "" : ", ") + text;
  }
  const std::string spec = layer_args.empty() ? k.layer : std::string(k.layer) + "(" + layer_args + ")";
  return std::make_unique<ActivationLayer<T>>(activ::parse(std::string(k.function) + "(" + function_args + ")"), spec);
}

template <class T>
std::unique_ptr<Layer<T>> make_keras_prelu(const Element& e) {
  const auto args =
      bind(e, {"alpha_initializer", "alpha_regularizer", "alpha_constraint", "shared_axes", "feature_shape"});
  // Parses one option, naming it in the error.
  const auto option = [&](const std::string& key, auto& field, const auto& parse) {
    if (!args.count(key)) return;
    try {
      field = parse(args.at(key));
    } catch (const std::invalid_argument& error) {
      throw std::invalid_argument(key + "=" + args.at(key) + ": " + error.what());
    }
  };
  KerasPReLUOptions o;
  option("alpha_initializer", o.alpha_initializer, to_initializer);
  option("alpha_regularizer", o.alpha_regularizer, to_regularizer);
  option("alpha_constraint", o.alpha_constraint, to_constraint);
  option("shared_axes", o.shared_axes, [](const std::string& text) {
    return is_none(text) ? std::vector<int>{} : to_axes("shared_axes", text);
  });
  option("feature_shape", o.feature_shape, [](const std::string& text) {
    return is_none(text) ? std::vector<std::size_t>{} : to_shape("feature_shape", text);
  });
  return std::make_unique<KerasPReLU<T>>(o);
}

template <class T>
std::unique_ptr<Layer<T>> make_layer(const std::string& text) {
  const Element e = split_element(text);
  if (e.name == "dense" || e.name == "linear") {
    const auto args = bind(e, {"units", "bias", "init"});
    if (!args.count("units")) throw std::invalid_argument("needs the number of units, e.g. dense(128)");
    const Init init = args.count("init") ? parse_init(args.at("init"))
                                         : (e.name == "dense" ? Init::glorot_uniform : Init::kaiming_uniform);
    return std::make_unique<Dense<T>>(to_count("units", args.at("units")),
                                      args.count("bias") ? to_bool("bias", args.at("bias")) : true, init);
  }
  if (e.name == "bilinear") {
    const auto args = bind(e, {"out_features", "bias"});
    if (!args.count("out_features")) throw std::invalid_argument("needs the number of outputs, e.g. bilinear(16)");
    return std::make_unique<BilinearLayer<T>>(to_count("out_features", args.at("out_features")),
                                              args.count("bias") ? to_bool("bias", args.at("bias")) : true);
  }
  if (e.name == "dropout") {
    const auto args = bind(e, {"p"});
    if (!args.count("p")) throw std::invalid_argument("needs the drop probability, e.g. dropout(0.2)");
    return std::make_unique<Dropout<T>>(to_real("p", args.at("p")));
  }
  if (e.name == "prelu") {
    const auto args = bind(e, {"num_parameters", "init"});
    return std::make_unique<PReLU<T>>(
        args.count("num_parameters") ? to_count("num_parameters", args.at("num_parameters")) : 1,
        args.count("init") ? to_real("init", args.at("init")) : 0.25);
  }
  if (e.name == "swish_learnable") {
    const auto args = bind(e, {"num_parameters", "init"});
    return std::make_unique<LearnableSwish<T>>(
        args.count("num_parameters") ? to_count("num_parameters", args.at("num_parameters")) : 1,
        args.count("init") ? to_real("init", args.at("init")) : 1.0);
  }
  if (e.name == "rrelu") {
    const auto args = bind(e, {"lower", "upper"});
    return std::make_unique<RReLU<T>>(args.count("lower") ? to_real("lower", args.at("lower")) : 1.0 / 8,
                                      args.count("upper") ? to_real("upper", args.at("upper")) : 1.0 / 3);
  }
  if (e.name == "PReLU") return make_keras_prelu<T>(e);
  for (const KerasActivation& k : keras_activations())
    if (e.name == k.layer) return make_keras_activation<T>(e, k);
  // maxout with units is the layer with weights; maxout[(k=K, axis=A)] the activation.
  if (e.name == "maxout" && (!e.positional.empty() || e.keyed.count("units") || e.keyed.count("pieces"))) {
    const auto args = bind(e, {"units", "pieces", "bias", "init"});
    if (!args.count("units")) throw std::invalid_argument("needs the number of units, e.g. maxout(64, pieces=2)");
    return std::make_unique<Maxout<T>>(to_count("units", args.at("units")),
                                       args.count("pieces") ? to_count("pieces", args.at("pieces")) : 2,
                                       args.count("bias") ? to_bool("bias", args.at("bias")) : true,
                                       args.count("init") ? parse_init(args.at("init")) : Init::glorot_uniform);
  }
  return std::make_unique<ActivationLayer<T>>(activ::parse(text));
}

}  // namespace

std::vector<std::string> split_model_spec(std::string_view spec) {
  std::vector<std::string> parts;
  int depth = 0;
  std::size_t start = 0;
  for (std::size_t i = 0; i <= spec.size(); ++i) {
    const char c = i < spec.size() ? spec[i] : ',';
    if (c == '(') ++depth;
    if (c == ')' && --depth < 0) throw std::invalid_argument("unbalanced ')' at offset " + std::to_string(i));
    if (c == ',' && depth == 0) {
      std::string part = trim(spec.substr(start, i - start));
      if (part.empty())
        throw std::invalid_argument(spec.empty() ? std::string("empty model spec")
                                                 : "empty element at offset " + std::to_string(start));
      parts.push_back(std::move(part));
      start = i + 1;
    }
  }
  if (depth != 0) throw std::invalid_argument("unbalanced '(': missing ')'");
  return parts;
}

template <class T>
Sequential<T> parse_model(std::string_view spec) {
  std::vector<std::string> elements;
  try {
    elements = split_model_spec(spec);
  } catch (const std::invalid_argument& e) {
    throw std::invalid_argument("model spec '" + std::string(spec) + "': " + e.what());
  }
  Sequential<T> model;
  for (std::size_t i = 0; i < elements.size(); ++i) {
    try {
      model.add(make_layer<T>(elements[i]));
    } catch (const std::invalid_argument& e) {
      throw std::invalid_argument("model element " + std::to_string(i + 1) + " '" + elements[i] + "': " + e.what());
    }
  }
  return model;
}

template Sequential<float> parse_model(std::string_view);
template Sequential<double> parse_model(std::string_view);

}  // namespace activ::nn
