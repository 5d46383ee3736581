// Spec strings: NAME, prefix:NAME, NAME(key=value, ...) -> activ::Activation.
#include <algorithm>
#include <array>
#include <cctype>
#include <limits>
#include <charconv>
#include <cmath>
#include <stdexcept>
#include <string>
#include <vector>

#include "catalog/entry.hpp"

namespace activ {
namespace {

[[noreturn]] void fail(const std::string& message) { throw std::invalid_argument(message); }

std::string quoted(std::string_view s) { return "'" + std::string(s) + "'"; }

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }
bool is_ident_start(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
bool is_ident(char c) { return is_ident_start(c) || (c >= '0' && c <= '9'); }

std::string_view trim(std::string_view s) {
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return s;
}

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

// Optimal-string-alignment distance: insertions, deletions, substitutions and
// transpositions of neighbours ("gleu" is one step from "gelu") each cost 1.
std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::vector<std::size_t>> d(a.size() + 1, std::vector<std::size_t>(b.size() + 1));
  for (std::size_t i = 0; i <= a.size(); ++i) d[i][0] = i;
  for (std::size_t j = 0; j <= b.size(); ++j) d[0][j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    for (std::size_t j = 1; j <= b.size(); ++j) {
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] == b[j - 1] ? 0u : 1u)});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.size()][b.size()];
}

std::string suggestion(std::string_view name) {
  std::string_view best;
  std::size_t best_d = ~std::size_t{0};
  // Ties go to the candidate closest in length ("gleu": "gelu" before "elu").
  auto consider = [&](std::string_view candidate) {
    const std::size_t d = edit_distance(name, candidate);
    const auto length_gap = [&](std::string_view c) { return c.size() > name.size() ? c.size() - name.size() : name.size() - c.size(); };
    if (d < best_d || (d == best_d && length_gap(candidate) < length_gap(best))) best_d = d, best = candidate;
  };
  for (const auto& e : detail::entries()) {
    consider(e.info.name);
    for (std::string_view a : e.info.aliases) consider(a);
  }
  if (best.empty() || best_d > std::max<std::size_t>(3, name.size() / 2)) return "; 'activ list' shows every name";
  return " (did you mean " + quoted(best) + "?)";
}

std::string format_number(double v) {
  std::array<char, 64> buf;
  const auto r = std::to_chars(buf.data(), buf.data() + buf.size(), v);
  return std::string(buf.data(), r.ptr);
}

std::string describe_range(const ParamInfo& p) {
  std::string s;
  const bool has_lo = p.min > -std::numeric_limits<double>::max();
  const bool has_hi = p.max < std::numeric_limits<double>::max();
  if (has_lo && has_hi) return "in " + std::string(p.min_open ? "(" : "[") + format_number(p.min) + ", " +
                               format_number(p.max) + (p.max_open ? ")" : "]");
  if (has_lo) return (p.min_open ? "> " : ">= ") + format_number(p.min);
  if (has_hi) return (p.max_open ? "< " : "<= ") + format_number(p.max);
  return "finite";
}

double parse_value(const FunctionInfo& f, const ParamInfo& p, std::string_view text) {
  const std::string where = "parameter " + quoted(p.name) + " of " + std::string(f.name);
  std::string_view v = trim(text);
  if (v.size() >= 2 && (v.front() == '\'' || v.front() == '"') && v.back() == v.front())
    v = v.substr(1, v.size() - 2);
  if (v.empty()) fail(where + " has an empty value");
  switch (p.kind) {
    case ParamKind::boolean:
      if (iequals(v, "true") || v == "1") return 1.0;
      if (iequals(v, "false") || v == "0") return 0.0;
      fail(where + " must be true or false, got " + quoted(v));
    case ParamKind::choice:
      for (std::size_t i = 0; i < p.choices.size(); ++i)
        if (iequals(v, p.choices[i])) return static_cast<double>(i);
      {
        std::string list;
        for (std::string_view c : p.choices) list += (list.empty() ? "" : ", ") + quoted(c);
        fail(where + " must be one of " + list + ", got " + quoted(v));
      }
    case ParamKind::real:
    case ParamKind::integer: break;
  }
  if (p.none_allowed && iequals(v, "none")) return p.none_value;
  double x = 0;
  std::string_view digits = v;
  if (digits.front() == '+') digits.remove_prefix(1);
  const auto r = std::from_chars(digits.data(), digits.data() + digits.size(), x);
  if (r.ec == std::errc::result_out_of_range) fail(where + " is out of the range of double: " + quoted(v));
  if (r.ec != std::errc() || r.ptr != digits.data() + digits.size())
    fail(where + " must be a number" + std::string(p.none_allowed ? " or None" : "") + ", got " + quoted(v));
  if (std::isnan(x)) fail(where + " must not be NaN");
  if (std::isinf(x) && !(p.none_allowed && x == p.none_value))
    fail(where + " must be finite, got " + quoted(v));
  if (p.kind == ParamKind::integer && x != std::floor(x)) fail(where + " must be an integer, got " + quoted(v));
  const bool below = p.min_open ? !(x > p.min) : !(x >= p.min);
  const bool above = p.max_open ? !(x < p.max) : !(x <= p.max);
  if ((below || above) && !(p.none_allowed && x == p.none_value))
    fail(where + " must be " + describe_range(p) + ", got " + quoted(v));
  return x;
}

// Splits "a=1, b=(2), c" at top-level commas.
std::vector<std::string_view> split_arguments(std::string_view body, std::string_view spec) {
  std::vector<std::string_view> out;
  std::size_t start = 0;
  char quote = 0;
  for (std::size_t i = 0; i <= body.size(); ++i) {
    const char c = i < body.size() ? body[i] : ',';
    if (quote) {
      if (c == quote) quote = 0;
      continue;
    }
    if (c == '\'' || c == '"') {
      quote = c;
    } else if (c == '(' || c == ')') {
      fail("malformed spec " + quoted(spec) + ": unexpected " + quoted(std::string(1, c)) + " inside the argument list");
    } else if (c == ',') {
      out.push_back(trim(body.substr(start, i - start)));
      start = i + 1;
    }
  }
  if (quote) fail("malformed spec " + quoted(spec) + ": unterminated quote");
  // A trailing comma after an argument, as Python allows: "f(a=1,)" (but not "f(,)").
  if (out.size() > 1 && out.back().empty() && !out[out.size() - 2].empty()) out.pop_back();
  if (out.size() == 1 && out.front().empty()) out.clear();  // "f()
  return out;
}

}  // namespace

Activation parse(std::string_view spec) {
  const std::string_view s = trim(spec);
  if (s.empty()) fail("empty activation spec");
  std::size_t i = 0;
  auto read_ident = [&] {
    const std::size_t b = i;
    if (i < s.size() && is_ident_start(s[i]))
      while (i < s.size() && is_ident(s[i])) ++i;
    return s.substr(b, i - b);
  };
  const std::string_view first = read_ident();
  if (first.empty()) fail("malformed spec " + quoted(spec) + ": expected a function name at position " + std::to_string(i));
  std::size_t name_end = i;
  if (i < s.size() && s[i] == ':') {
    ++i;
    const std::string_view second = read_ident();
    if (second.empty()) fail("malformed spec " + quoted(spec) + ": expected a function name after " + quoted(first) + ":");
    bool known_prefix = false;
    for (Framework f : {Framework::torch, Framework::keras, Framework::keras2, Framework::tf, Framework::jax})
      known_prefix |= framework_prefix(f) == first;
    if (!known_prefix)
      fail("unknown framework prefix " + quoted(first) + " in " + quoted(spec) + " (known: torch, keras, keras2, tf, jax)");
    name_end = i;
  }
  const std::string_view name = s.substr(0, name_end);
  const detail::Entry* entry = detail::find_entry(name);
  if (!entry) fail("unknown activation " + quoted(name) + suggestion(name));
  const FunctionInfo& info = entry->info;

  std::vector<std::string_view> args;
  while (i < s.size() && is_space(s[i])) ++i;
  if (i < s.size()) {
    if (s[i] != '(')
      fail("malformed spec " + quoted(spec) + ": unexpected " + quoted(s.substr(i, 1)) + " after " + quoted(name));
    if (s.back() != ')') fail("malformed spec " + quoted(spec) + ": missing ')'");
    args = split_arguments(s.substr(i + 1, s.size() - i - 2), spec);
  }

  std::array<double, detail::kMaxParams> values{};
  std::array<bool, detail::kMaxParams> given{};
  const auto& params = info.params;
  bool seen_keyword = false;
  for (std::size_t a = 0; a < args.size(); ++a) {
    const std::string_view arg = args[a];
    if (arg.empty()) fail("malformed spec " + quoted(spec) + ": empty argument");
    const std::size_t eq = arg.find('=');
    std::size_t index;
    std::string_view text;
    if (eq == std::string_view::npos) {
      if (seen_keyword) fail("malformed spec " + quoted(spec) + ": positional argument " + quoted(arg) + " after a keyword argument");
      if (a >= params.size())
        fail(std::string(info.name) + " takes " + std::to_string(params.size()) + " parameter" + (params.size() == 1 ? "" : "s") +
             ", got " + std::to_string(args.size()) + " in " + quoted(spec));
      index = a;
      text = arg;
    } else {
      seen_keyword = true;
      const std::string_view key = trim(arg.substr(0, eq));
      text = arg.substr(eq + 1);
      const auto it = std::find_if(params.begin(), params.end(), [&](const ParamInfo& p) { return p.name == key; });
      if (it == params.end()) {
        std::string known;
        for (const ParamInfo& p : params) known += (known.empty() ? "" : ", ") + std::string(p.name);
        fail("unknown parameter " + quoted(key) + " for " + std::string(info.name) +
             (known.empty() ? " (it takes no parameters)" : " (parameters: " + known + ")"));
      }
      index = static_cast<std::size_t>(it - params.begin());
    }
    if (given[index]) fail("parameter " + quoted(params[index].name) + " of " + std::string(info.name) + " is given twice");
    given[index] = true;
    values[index] = parse_value(info, params[index], text);
  }
  for (std::size_t p = 0; p < params.size(); ++p) {
    if (given[p]) continue;
    if (params[p].required)
      fail("missing required parameter " + quoted(params[p].name) + " of " + std::string(info.name) + ", e.g. " +
           std::string(info.name) + "(" + std::string(params[0].name) + "=...)");
    values[p] = params[p].default_value;
  }
  if (const std::string_view problem = entry->check(values.data()); !problem.empty())
    fail("invalid parameters for " + std::string(info.name) + ": " + std::string(problem));
  return Activation(entry, values);
}

std::string Activation::to_string() const {
  const FunctionInfo& f = info();
  std::string args;
  for (std::size_t p = 0; p < f.params.size(); ++p) {
    const ParamInfo& pi = f.params[p];
    const double v = values_[p];
    if (!pi.required && v == pi.default_value) continue;
    std::string text;
    switch (pi.kind) {
      case ParamKind::boolean: text = v != 0 ? "true" : "false"; break;
      case ParamKind::choice: text = pi.choices[static_cast<std::size_t>(v)]; break;
      case ParamKind::real:
      case ParamKind::integer: text = pi.none_allowed && v == pi.none_value ? "None" : format_number(v); break;
    }
    args += (args.empty() ? "" : ", ") + std::string(pi.name) + "=" + text;
  }
  std::string out(f.name);
  if (!args.empty()) out += "(" + args + ")";
  return out;
}

}  // namespace activ
