// activ report -o DIR [--results DIR] [--jobs N]: a static HTML gallery of every
// catalogue entry (DIR/index.html, style.css, report.js, plots/*.svg) that opens from
// the file system. Built in a temporary directory beside DIR and renamed into place,
// so DIR is never a half-written report.
#include <algorithm>
#include <fstream>
#include <memory>
#include <sstream>
#include <thread>

#include "cmd_plot.hpp"
#include "common.hpp"
#include "plot.hpp"
#include "plot_files.hpp"
#include "plot_samples.hpp"
#include "report.hpp"
#include "report_assets.hpp"

#ifndef ACTIV_RESULTS_DIR
#define ACTIV_RESULTS_DIR "docs/results"
#endif

namespace activ::cli {
namespace {

namespace fs = std::filesystem;

struct ReportOptions {
  std::string output;
  std::string results = ACTIV_RESULTS_DIR;
  unsigned jobs = std::clamp(std::thread::hardware_concurrency(), 1u, 8u);
};

// Values for required parameters (threshold's threshold and value) so such entries can
// be drawn: a kink at 0.5 and a jump down to -2 show what the parameters do.
constexpr double kExampleValues[] = {0.5, -2, 1.5, -1};

// The spec a card plots: the entry with its defaults, plus example required values.
std::string example_spec(const FunctionInfo& f) {
  std::vector<std::string> args;
  std::size_t i = 0;
  for (const ParamInfo& p : f.params)
    if (p.required) args.push_back(std::string(p.name) + "=" + format_number(kExampleValues[i++ % 4]));
  return std::string(f.name) + (args.empty() ? "" : "(" + join(args, ", ") + ")");
}

// Draws f and f' for every entry into plots/, spreading the figures over `jobs` gnuplot
// processes (each renders many figures, so gnuplot starts only `jobs` times).
void draw_plots(const fs::path& plots, unsigned jobs) {
  std::vector<std::string> scripts(std::max(1u, jobs));
  std::size_t id = 0;
  for (const FunctionInfo& f : catalog()) {
    plot::Figure figure;
    const std::string spec = example_spec(f);
    figure.curves.push_back({spec, activ::parse(spec)});
    figure.panels = plot::Panels::both;
    figure.width = 760;
    figure.height = 260;
    figure.samples = 801;
    if (spec != f.name) figure.title = spec;
    if (const std::string probe = plot::probe_description(figure.curves[0].f); !probe.empty())
      figure.title = spec + ": " + probe;
    const fs::path out = fs::absolute(plots / (report::slug(f.name) + ".svg"));
    scripts[id % scripts.size()] += plot::gnuplot_script(figure, out.string(), false, id);
    ++id;
  }
  plot::run_gnuplot(scripts, scripts.size());
  for (const FunctionInfo& f : catalog()) {
    const fs::path out = plots / (report::slug(f.name) + ".svg");
    std::error_code ec;
    if (fs::file_size(out, ec) == 0 || ec) fail("gnuplot did not draw '" + out.string() + "'");
  }
}

// DIR may be replaced when it is empty or an earlier report; anything else is kept.
bool replaceable(const fs::path& dir) {
  if (!fs::exists(dir)) return true;
  if (!fs::is_directory(dir)) return false;
  if (fs::is_empty(dir)) return true;
  std::ifstream in(dir / "index.html");
  std::stringstream text;
  text << in.rdbuf();
  return text.str().find("<meta name=\"generator\" content=\"activ report\">") != std::string::npos;
}

// Moves the finished report to `dir`, and an earlier report out of the way first.
void put_in_place(plot::TempDir& built, const fs::path& dir) {
  std::error_code ec;
  if (fs::exists(dir)) {
    // An empty directory as rename's target is replaced; the old report goes with it.
    plot::TempDir old(plot::parent_dir(dir), "." + dir.filename().string() + ".old-");
    fs::rename(dir, old.path(), ec);
    if (ec) fail("cannot replace '" + dir.string() + "': " + ec.message());
  }
  fs::rename(built.path(), dir, ec);
  if (ec) fail("cannot write '" + dir.string() + "': " + ec.message());
  built.release();
}

void run_report(const ReportOptions& o) {
  fs::path dir = fs::path(o.output).lexically_normal();
  if (dir.filename().empty()) dir = dir.parent_path();  // "report/"
  if (dir.empty() || dir == "." || dir == "..") fail("give -o a new directory name, e.g. -o report");
  if (!replaceable(dir))
    fail("'" + dir.string() + "' exists and is not an activ report; remove it or choose another directory");
  const report::Results results = report::load_results(o.results);

  plot::TempDir built(plot::parent_dir(dir), "." + dir.filename().string() + ".tmp-");
  fs::permissions(built.path(), fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec |
                                    fs::perms::others_read | fs::perms::others_exec);
  fs::create_directory(built.path() / "plots");
  draw_plots(built.path() / "plots", o.jobs);
  plot::write_file(built.path() / "style.css", report::kStyleCss);
  plot::write_file(built.path() / "report.js", report::kReportJs);
  plot::write_file(built.path() / "index.html", report::index_html(results));
  put_in_place(built, dir);
  std::printf("%s\n", fs::absolute(dir / "index.html").c_str());
}

}  // namespace

void add_report_command(CLI::App& app) {
  auto o = std::make_shared<ReportOptions>();
  CLI::App* cmd = app.add_subcommand("report", "Write a static HTML gallery of every function (plots, formulas, results)");
  cmd->add_option("-o,--output", o->output, "directory to write (replaced if it holds an earlier report)")->required();
  cmd->add_option("--results", o->results, "where the measured results are (accuracy.json, performance.json, "
                                           "compare.json; missing files are fine)")
      ->capture_default_str();
  cmd->add_option("-j,--jobs", o->jobs, "gnuplot processes to run at once")->capture_default_str()->check(CLI::Range(1u, 64u));
  cmd->callback([o] { run_report(*o); });
}

}  // namespace activ::cli
