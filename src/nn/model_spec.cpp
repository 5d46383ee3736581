#include "nn/model_spec.hpp"

#include <activ/activation.hpp>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <map>
#include <stdexcept>

#include "nn/activation_layer.hpp"
#include "nn/bilinear.hpp"
#include "nn/dense.hpp"
#include "nn/dropout.hpp"
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
