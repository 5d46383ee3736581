// activ plot SPEC [SPEC...] [--derivative | --both] [--range A:B] [--sweep KEY=V1,V2,...]
// [--title T] -o FILE.svg|FILE.png: curves from activ's kernels, drawn by gnuplot.
#include "cmd_plot.hpp"

#include <cmath>
#include <cstdlib>
#include <memory>

#include "common.hpp"
#include "plot.hpp"
#include "plot_samples.hpp"

namespace activ::cli {
namespace {

struct PlotOptions {
  std::vector<std::string> specs;
  bool derivative = false, both = false;
  std::string range;  // "A:B"
  std::string sweep;  // "KEY=V1,V2,..."
  std::string title;
  std::string output;
};

std::string trim(const std::string& s) {
  const auto b = s.find_first_not_of(" \t"), e = s.find_last_not_of(" \t");
  return b == std::string::npos ? "" : s.substr(b, e - b + 1);
}

std::vector<std::string> split(const std::string& s, char separator) {
  std::vector<std::string> parts;
  std::size_t start = 0;
  for (std::size_t i = 0; i <= s.size(); ++i)
    if (i == s.size() || s[i] == separator) {
      parts.push_back(trim(s.substr(start, i - start)));
      start = i + 1;
    }
  return parts;
}

plot::Range parse_range(const std::string& text) {
  const std::vector<std::string> ends = split(text, ':');
  const auto bad = [&] { fail("bad range '" + text + "' (expected A:B with finite numbers A < B, e.g. -6:6)"); };
  if (ends.size() != 2) bad();
  double v[2];
  for (int i = 0; i < 2; ++i) {
    char* end = nullptr;
    v[i] = std::strtod(ends[i].c_str(), &end);
    if (ends[i].empty() || *end != '\0' || !std::isfinite(v[i])) bad();
  }
  if (!(v[0] < v[1])) bad();
  return {v[0], v[1]};
}

// One curve per value of KEY: SPEC with KEY replaced, every other parameter as SPEC set it.
std::vector<plot::Curve> sweep_curves(const std::string& spec, const std::string& sweep) {
  const Activation base = activ::parse(spec);
  const auto eq = sweep.find('=');
  const std::string key = trim(sweep.substr(0, eq));
  std::vector<std::string> names;
  bool known = false;
  for (const ParamInfo& p : base.info().params) {
    names.push_back(std::string(p.name));
    known = known || p.name == key;
  }
  if (eq == std::string::npos || key.empty())
    fail("bad sweep '" + sweep + "' (expected KEY=V1,V2,..., e.g. alpha=0.1,0.5,1)");
  if (!known)
    fail("unknown sweep key '" + key + "' for " + std::string(base.name()) +
         (names.empty() ? " (it has no parameters)" : " (parameters: " + join(names, ", ") + ")"));
  std::vector<plot::Curve> curves;
  for (const std::string& value : split(sweep.substr(eq + 1), ',')) {
    if (value.empty()) fail("bad sweep '" + sweep + "': empty value");
    std::vector<std::string> args;
    for (const ParamInfo& p : base.info().params)
      args.push_back(std::string(p.name) + "=" + (p.name == key ? value : format_value(p, base.param(p.name))));
    curves.push_back({key + "=" + value, activ::parse(std::string(base.name()) + "(" + join(args, ", ") + ")")});
  }
  return curves;
}

void run_plot(const PlotOptions& o) {
  plot::Figure figure;
  if (!o.sweep.empty()) {
    if (o.specs.size() != 1) fail("--sweep takes exactly one SPEC");
    figure.curves = sweep_curves(o.specs[0], o.sweep);
    figure.title = std::string(activ::parse(o.specs[0]).name());
  } else {
    for (const std::string& spec : o.specs) figure.curves.push_back({trim(spec), activ::parse(spec)});
  }
  // An axis function's curve follows a probe row (plot_samples.hpp); the title says which.
  if (figure.title.empty() && figure.curves.size() == 1)
    if (const std::string probe = plot::probe_description(figure.curves[0].f); !probe.empty())
      figure.title = std::string(figure.curves[0].f.name()) + ": " + probe;
  if (!o.title.empty()) figure.title = o.title;
  if (!o.range.empty()) figure.range = parse_range(o.range);
  figure.panels = o.both ? plot::Panels::both : o.derivative ? plot::Panels::derivative : plot::Panels::function;
  if (o.both) figure.width = 1100;
  plot::draw(figure, o.output);
}

}  // namespace

void add_plot_command(CLI::App& app) {
  auto o = std::make_shared<PlotOptions>();
  CLI::App* cmd = app.add_subcommand("plot", "Plot functions (overlaid), their derivatives or a parameter sweep with gnuplot");
  cmd->add_option("SPEC", o->specs, "activation specs, e.g. gelu jax:gelu \"elu(alpha=0.5)\"")->required();
  CLI::Option* deriv = cmd->add_flag("--derivative", o->derivative, "plot f'(x) instead of f(x)");
  cmd->add_flag("--both", o->both, "plot f(x) and f'(x) side by side")->excludes(deriv);
  cmd->add_option("--range", o->range, "x range A:B (default: from the functions' kinks and bends); "
                                       "write --range=-6:6 for a negative A");
  cmd->add_option("--sweep", o->sweep, "one curve per value of a parameter of the single SPEC, e.g. alpha=0.1,0.5,1");
  cmd->add_option("--title", o->title, "title above the plot");
  cmd->add_option("-o,--output", o->output, "output file, .svg or .png (written atomically)")->required();
  cmd->callback([o] { run_plot(*o); });
}

}  // namespace activ::cli
