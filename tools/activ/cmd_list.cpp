// activ list [--json] [--framework NAME]: every catalogue entry, as a table or as JSON.
#include <fmt/core.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <memory>

#include "common.hpp"

namespace activ::cli {
namespace {

struct ListOptions {
  bool json = false;
  std::string framework;  // empty: all
};

// ---- JSON -------------------------------------------------------------------------

std::string json_string(std::string_view s) {
  std::string out = "\"";
  for (const char c : s) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20)
          out += fmt::format("\\u{:04x}", static_cast<unsigned>(c));
        else
          out += c;  // UTF-8 passes through
    }
  }
  return out + "\"";
}

// JSON has no infinities: unbounded limits (+-DBL_MAX or +-inf in the registry) are null.
std::string json_bound(double v) {
  return std::isfinite(v) && std::fabs(v) < std::numeric_limits<double>::max() ? format_number(v) : "null";
}

std::string json_bool(bool b) { return b ? "true" : "false"; }

template <class Range, class Fn>
std::string json_array(const Range& items, Fn to_json) {
  std::vector<std::string> parts;
  for (const auto& item : items) parts.push_back(to_json(item));
  return "[" + join(parts, ", ") + "]";
}

std::string_view kind_name(ParamKind k) {
  switch (k) {
    case ParamKind::real:
      return "real";
    case ParamKind::integer:
      return "integer";
    case ParamKind::boolean:
      return "boolean";
    case ParamKind::choice:
      return "choice";
  }
  return "real";
}

// The default in its natural JSON type; null when required or None.
std::string json_default(const ParamInfo& p) {
  if (p.required) return "null";
  switch (p.kind) {
    case ParamKind::boolean:
      return json_bool(p.default_value != 0);
    case ParamKind::choice:
      return json_string(format_value(p, p.default_value));
    case ParamKind::real:
    case ParamKind::integer:
      break;
  }
  if (p.none_allowed && p.default_value == p.none_value) return "null";
  return json_bound(p.default_value);
}

std::string json_param(const ParamInfo& p) {
  const bool numeric = p.kind == ParamKind::real || p.kind == ParamKind::integer;
  return fmt::format(
      "{{\"name\": {}, \"kind\": {}, \"default\": {}, \"required\": {}, \"none_allowed\": {}, \"min\": {}, "
      "\"max\": {}, \"min_open\": {}, \"max_open\": {}, \"choices\": {}, \"description\": {}}}",
      json_string(p.name), json_string(kind_name(p.kind)), json_default(p), json_bool(p.required),
      json_bool(p.none_allowed), numeric ? json_bound(p.min) : "null", numeric ? json_bound(p.max) : "null",
      json_bool(p.min_open), json_bool(p.max_open), json_array(p.choices, json_string), json_string(p.description));
}

std::string json_function(const FunctionInfo& f) {
  return fmt::format(
      "{{\"name\": {}, \"family\": {}, \"framework\": {}, \"params\": {}, \"aliases\": {}, \"formula\": {}, "
      "\"derivative\": {}, \"notes\": {}, \"piecewise_linear\": {}, \"kind\": {}}}",
      json_string(f.name), json_string(f.family), json_string(framework_label(f.framework)),
      json_array(f.params, json_param), json_array(f.aliases, json_string), json_string(f.formula),
      json_string(f.derivative), json_string(f.notes), json_bool(f.piecewise_linear),
      json_string(f.kind == Kind::axis ? "axis" : "elementwise"));
}

// ---- the table ----------------------------------------------------------------------

void print_table(const std::vector<const FunctionInfo*>& functions) {
  struct Row {
    std::string name, params, aliases;
  };
  std::vector<Row> rows{{"NAME", "PARAMETERS (defaults)", "ALIASES"}};
  for (const FunctionInfo* f : functions) {
    std::vector<std::string> aliases(f->aliases.begin(), f->aliases.end());
    rows.push_back({std::string(f->name), format_defaults(*f), aliases.empty() ? "-" : join(aliases, ", ")});
  }
  std::size_t name_width = 0, params_width = 0;
  for (const Row& r : rows) {
    name_width = std::max(name_width, r.name.size());
    params_width = std::max(params_width, r.params.size());
  }
  for (const Row& r : rows) fmt::print("{:<{}}  {:<{}}  {}\n", r.name, name_width, r.params, params_width, r.aliases);
}

void run_list(const ListOptions& options) {
  std::vector<const FunctionInfo*> functions;
  std::vector<std::string> known;  // framework labels, from the catalogue itself
  for (const FunctionInfo& f : catalog()) {
    const std::string label = framework_label(f.framework);
    if (std::find(known.begin(), known.end(), label) == known.end()) known.push_back(label);
    if (options.framework.empty() || options.framework == label) functions.push_back(&f);
  }
  if (functions.empty()) fail("unknown framework '" + options.framework + "' (known: " + join(known, ", ") + ")");

  if (!options.json) return print_table(functions);
  std::vector<std::string> objects;
  for (const FunctionInfo* f : functions) objects.push_back("  " + json_function(*f));
  fmt::print("[\n{}\n]\n", join(objects, ",\n"));
}

}  // namespace

void add_list_command(CLI::App& app) {
  auto options = std::make_shared<ListOptions>();
  CLI::App* cmd = app.add_subcommand("list", "List every activation function with its parameters and aliases");
  cmd->add_flag("--json", options->json, "print a JSON array of the full catalogue entries");
  cmd->add_option("--framework", options->framework,
                  "only this framework's entries: activ (unqualified names), torch, keras, keras2, tf, jax");
  cmd->callback([options] { run_list(*options); });
}

}  // namespace activ::cli
