// activ info SPEC: one entry in full, the values SPEC binds, and how the other
// frameworks' spellings of the same family differ.
#include <fmt/core.h>

#include <memory>

#include "common.hpp"

namespace activ::cli {
namespace {

void print_field(std::string_view label, std::string_view text) {
  fmt::print("{:<12}{}\n", fmt::format("{}:", label), text.empty() ? "-" : text);
}

void print_parameters(const Activation& a) {
  const FunctionInfo& f = a.info();
  if (f.params.empty()) return print_field("parameters", "none");
  fmt::print("parameters:\n");
  for (const ParamInfo& p : f.params) {
    const std::string bound = format_value(p, a.param(p.name));
    const std::string def = p.required ? "required" : "default " + format_value(p, p.default_value);
    fmt::print("  {} = {}   ({}; {})\n", p.name, bound, def, describe_range(p));
    if (!p.description.empty()) fmt::print("      {}\n", p.description);
  }
}

void print_family(const FunctionInfo& self) {
  fmt::print("\nhow the frameworks differ (family {}):\n", self.family);
  for (const FunctionInfo& f : catalog()) {
    if (f.family != self.family) continue;
    const std::string params = f.params.empty() ? "" : "(" + format_defaults(f) + ")";
    fmt::print("  {}{}{}\n", f.name, params, f.name == self.name ? "   <- this entry" : "");
    if (!f.notes.empty()) fmt::print("      {}\n", f.notes);
  }
}

void run_info(const std::string& spec) {
  const Activation a = activ::parse(spec);
  const FunctionInfo& f = a.info();
  std::vector<std::string> aliases(f.aliases.begin(), f.aliases.end());
  print_field("name", f.name);
  print_field("spec", a.to_string());
  print_field("framework", framework_label(f.framework));
  print_field("family", f.family);
  print_field("formula", f.formula);
  print_field("derivative", f.derivative);
  if (f.kind == Kind::axis)  // measured against the MPFR row reference (docs/tensor.md)
    print_field("accuracy", f.piecewise_linear ? "exact" : "forward within 1 ULP; backward within 1 ULP (float32), 32 ULP (float64); see docs/tensor.md");
  else
    print_field("accuracy", f.piecewise_linear ? "exact (correctly rounded)" : "within 1 ULP (float32 and float64); derivative within 2 ULP");
  print_field("aliases", aliases.empty() ? "-" : join(aliases, ", "));
  print_field("notes", f.notes);
  print_parameters(a);
  print_family(f);
}

}  // namespace

void add_info_command(CLI::App& app) {
  auto spec = std::make_shared<std::string>();
  CLI::App* cmd = app.add_subcommand("info", "Describe one function, its parameters and how the frameworks differ");
  cmd->add_option("SPEC", *spec, "activation spec, e.g. gelu, jax:gelu, relu(max_value=6)")->required();
  cmd->callback([spec] { run_info(*spec); });
}

}  // namespace activ::cli
