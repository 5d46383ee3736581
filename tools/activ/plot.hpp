// Plots of activations drawn by gnuplot from activ's own kernels, so a picture shows
// exactly the function a user would run. `activ plot` draws one figure; `activ report`
// draws one per catalogue entry through the same code. Failures throw PlotError, which
// the CLI prints as one "activ: ..." line.
#pragma once

#include <activ/activ.hpp>
#include <cstddef>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace activ::cli::plot {

struct PlotError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct Range {
  double lo = 0, hi = 0;
};

// The x range where `f` shows its shape: every kink, jump and bend (where the curvature
// is a noticeable fraction of its peak), padded, rounded outward to whole numbers, at
// least 6 wide, and cut to where f is defined (log1mexp starts at 0). Derived from
// samples of f and f', so a new registry entry needs no hand-picked range.
Range default_range(const Activation& f);

enum class Panels { function, derivative, both };  // f, f', or f and f' side by side

struct Curve {
  std::string label;  // legend text
  Activation f;
};

struct Figure {
  std::vector<Curve> curves;     // overlaid in each panel
  Panels panels = Panels::function;
  std::optional<Range> range;    // default: the union of the curves' default ranges
  std::string title;             // empty: none
  int width = 800, height = 500;  // pixels (SVG user units)
  std::size_t samples = 2001;    // points per curve, endpoints included
};

// The range a figure is drawn over.
Range figure_range(const Figure& figure);

// gnuplot commands drawing `figure` into `output` (SVG, or PNG when `png`), with the
// sampled data inline. `id` keeps data block names apart when scripts are concatenated.
std::string gnuplot_script(const Figure& figure, const std::string& output, bool png, std::size_t id = 0);

// A gnuplot string literal: single-quoted, so only ' needs escaping (as ''); control
// characters, which would end the command, become spaces.
std::string quote(const std::string& text);

// Runs gnuplot (or $ACTIV_GNUPLOT) on each script, at most `jobs` at a time, without a
// shell. Throws PlotError naming the first failure with gnuplot's first error line.
void run_gnuplot(const std::vector<std::string>& scripts, std::size_t jobs = 1);

// Draws `figure` into `path` (.svg or .png), atomically: a temporary file beside it is
// renamed over it on success and removed on failure.
void draw(const Figure& figure, const std::string& path);

}  // namespace activ::cli::plot
