// Sampling an activation for plotting: values of f or f' on a grid, and where the
// sampled curve really jumps (so a plot breaks the line there instead of drawing a
// vertical stroke, and the default range finds kinks). Internal to plot*.cpp.
#pragma once

#include <activ/activ.hpp>
#include <cstddef>
#include <string>
#include <vector>

#include "plot.hpp"

namespace activ::cli::plot {

// n evenly spaced points from r.lo to r.hi, both included (n >= 2).
std::vector<double> linspace(Range r, std::size_t n);

// f(x) or f'(x) at every x, through Activation::forward / backward in double. For an
// axis function (softmax, glu, maxout, ...) the curve is output 0 of a probe row that
// moves with x: softmax's row (x, 0) gives sigmoid(x), glu's (x, x) gives x*sigmoid(x),
// maxout's group (x, 0, ..., 0) gives max(x, 0); f' is the total derivative along it.
std::vector<double> evaluate(const Activation& f, const std::vector<double>& x, bool derivative);

// What an axis function's curve shows, in words for a caption ("output 0 of the row
// (x, 0)"); empty for elementwise functions.
std::string probe_description(const Activation& f);

// jump[i] is true when g (f, or f' if `derivative`) is discontinuous between x[i] and
// x[i+1], where y = g(x). A step much larger than its neighbours is a candidate; it is
// confirmed by bisection: a continuous g's gap shrinks with the interval, a jump's stays.
std::vector<bool> find_jumps(const Activation& f, bool derivative, const std::vector<double>& x,
                             const std::vector<double>& y);

}  // namespace activ::cli::plot
