// activ plot's drawing code: default ranges, jump detection, gnuplot quoting, and an
// SVG drawn by gnuplot whose curve, mapped back through the axis ticks, is relu.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

#include "plot.hpp"
#include "plot_files.hpp"
#include "plot_samples.hpp"

namespace plot = activ::cli::plot;
using activ::parse;

namespace {

plot::Range range_of(const char* spec) { return plot::default_range(parse(spec)); }

TEST(DefaultRange, ShowsEveryKinkWithAMargin) {
  const plot::Range relu6 = range_of("relu6");  // kinks at 0 and 6
  EXPECT_LT(relu6.lo, 0);
  EXPECT_GT(relu6.hi, 6);
  EXPECT_LE(relu6.hi - relu6.lo, 12);
  const plot::Range hs = range_of("hard_sigmoid");  // PyTorch: kinks at -3 and 3
  EXPECT_LT(hs.lo, -3);
  EXPECT_GT(hs.hi, 3);
  EXPECT_GE(hs.lo, -6);
  EXPECT_LE(hs.hi, 6);
  const plot::Range th = range_of("threshold(threshold=4, value=-1)");  // a jump at 4
  EXPECT_GT(th.hi, 4);
}

TEST(DefaultRange, WiderForSlowTailsNarrowForKinks) {
  const plot::Range sigmoid = range_of("sigmoid"), hard_tanh = range_of("hard_tanh");
  EXPECT_GT(sigmoid.hi - sigmoid.lo, hard_tanh.hi - hard_tanh.lo);
  EXPECT_EQ(hard_tanh.hi - hard_tanh.lo, 6);  // kinks at +-1, widened to the minimum width
}

TEST(DefaultRange, ExponentialTailDoesNotTakeOver) {
  const plot::Range e = range_of("exponential");
  EXPECT_LE(e.hi, 6);  // e^6 ~ 400 already dwarfs the bend near 0
  EXPECT_LT(e.lo, -2);
}

TEST(DefaultRange, StartsWhereTheFunctionIsDefined) {
  EXPECT_EQ(range_of("log1mexp").lo, 0);  // NaN below 0
  const plot::Range linear = range_of("linear");  // nothing to show: the minimum width around 0
  EXPECT_EQ(linear.lo, -3);
  EXPECT_EQ(linear.hi, 3);
}

// Axis functions are drawn along a probe row: softmax's (x, 0) is sigmoid(x), glu's
// (x, x) is x * sigmoid(x), maxout's group (x, 0) is max(x, 0); f' is the total derivative.
TEST(AxisProbe, CurvesAreTheKnownScalarFunctions) {
  const std::vector<double> x = plot::linspace({-5, 5}, 41);
  const auto sigmoid = [](double v) { return 1 / (1 + std::exp(-v)); };
  const auto curve = [&](const char* spec, bool derivative) { return plot::evaluate(parse(spec), x, derivative); };
  const std::vector<double> softmax = curve("softmax", false), dsoftmax = curve("softmax", true);
  const std::vector<double> softmax2d = curve("softmax2d", false), log_softmax = curve("log_softmax", false);
  const std::vector<double> glu = curve("glu", false), dglu = curve("glu", true), maxout = curve("maxout(k=3)", false);
  for (std::size_t i = 0; i < x.size(); ++i) {
    const double s = sigmoid(x[i]);
    EXPECT_NEAR(softmax[i], s, 1e-15) << x[i];
    EXPECT_NEAR(softmax2d[i], s, 1e-15) << x[i];
    EXPECT_NEAR(dsoftmax[i], s * (1 - s), 1e-15) << x[i];
    EXPECT_NEAR(log_softmax[i], std::log(s), 1e-14) << x[i];
    EXPECT_NEAR(glu[i], x[i] * s, 1e-14) << x[i];
    EXPECT_NEAR(dglu[i], s + x[i] * s * (1 - s), 1e-14) << x[i];
    EXPECT_EQ(maxout[i], std::max(x[i], 0.0)) << x[i];
  }
  EXPECT_EQ(plot::probe_description(parse("relu")), "");
  EXPECT_NE(plot::probe_description(parse("softmax")).find("(x, 0)"), std::string::npos);
}

TEST(Jumps, FindsKinksOfTheDerivativeOnly) {
  const plot::Range r{-1, 1};
  const std::vector<double> x = plot::linspace(r, 201);
  EXPECT_EQ(x[100], 0);
  const auto count = [&](const char* spec, bool derivative) {
    const activ::Activation f = parse(spec);
    const std::vector<bool> j = plot::find_jumps(f, derivative, x, plot::evaluate(f, x, derivative));
    return std::count(j.begin(), j.end(), true);
  };
  EXPECT_EQ(count("relu", false), 0);
  EXPECT_EQ(count("relu", true), 1);
  EXPECT_EQ(count("hard_shrink", false), 2);  // f itself jumps at +-0.5
  EXPECT_EQ(count("gelu", true), 0);
  EXPECT_EQ(count("elu", true), 0);  // f' is continuous at 0 for alpha = 1
}

TEST(Quote, EscapesQuotesAndDropsLineBreaks) {
  EXPECT_EQ(plot::quote("relu"), "'relu'");
  EXPECT_EQ(plot::quote("it's"), "'it''s'");
  EXPECT_EQ(plot::quote("a\nset output '/etc/x'"), "'a set output ''/etc/x'''");
}

// ---- the drawn SVG -------------------------------------------------------------------

struct Point {
  double x, y;
};

// A linear map from two (pixel, value) ticks.
struct Axis {
  double p0 = 0, v0 = 0, p1 = 1, v1 = 1;
  double value(double p) const { return v0 + (p - p0) * (v1 - v0) / (p1 - p0); }
};

// Reads the axis ticks and the data curve of the first plot from gnuplot's SVG, in data
// coordinates. Each tick is its mark's path ("M x,y L ...") followed by its label:
// centred below the axis for x, right-aligned for y. The mark, not the label, sits
// exactly at the value.
std::vector<Point> curve_in_data_coordinates(const std::string& svg) {
  const std::regex tick(
      R"re(d='M([-0-9.]+),([-0-9.]+) L[-0-9., LM]*'/>\s*<g transform="translate\([-0-9.,]+\)"[^>]*text-anchor="(middle|end)">\s*<text>\s*([-0-9.]+)\s*</text>)re");
  std::vector<std::pair<double, double>> xt, yt;  // (pixel, value)
  for (auto it = std::sregex_iterator(svg.begin(), svg.end(), tick); it != std::sregex_iterator(); ++it) {
    const auto& m = *it;
    const double value = std::stod(m[4]);
    if (m[3] == "middle")
      xt.push_back({std::stod(m[1]), value});
    else
      yt.push_back({std::stod(m[2]), value});
  }
  if (xt.size() < 2 || yt.size() < 2) return {};
  const Axis ax{xt.front().first, xt.front().second, xt.back().first, xt.back().second};
  const Axis ay{yt.front().first, yt.front().second, yt.back().first, yt.back().second};

  // The curve's paths (gnuplot may split a long one) follow the plot's group id; the
  // legend's sample line is a two-point subpath among them. Plain string search: the
  // paths are too long for std::regex's recursive matcher.
  const auto plot_start = svg.find("id=\"gnuplot_plot_1\"");
  if (plot_start == std::string::npos) return {};
  std::vector<Point> points;
  for (auto at = svg.find("stroke='rgb(", plot_start); at != std::string::npos; at = svg.find("stroke='rgb(", at + 1)) {
    const auto begin = svg.find("d='", at), end = svg.find('\'', begin + 3);
    if (begin == std::string::npos || end == std::string::npos) break;
    std::istringstream d(svg.substr(begin + 3, end - begin - 3));
    std::vector<Point> subpath;
    const auto flush = [&] {
      if (subpath.size() > 2) points.insert(points.end(), subpath.begin(), subpath.end());
      subpath.clear();
    };
    std::string token;
    while (d >> token) {
      if (token[0] == 'M') flush();
      if (token[0] != 'M' && token[0] != 'L') continue;
      const auto comma = token.find(',');
      subpath.push_back({ax.value(std::stod(token.substr(1, comma - 1))), ay.value(std::stod(token.substr(comma + 1)))});
    }
    flush();
  }
  return points;
}

std::string draw_svg(const char* spec, plot::Range range) {
  plot::TempDir dir(std::filesystem::temp_directory_path(), "activ-test-plot-");
  plot::Figure figure;
  figure.curves.push_back({spec, parse(spec)});
  figure.range = range;
  const std::string path = (dir.path() / "curve.svg").string();
  plot::draw(figure, path);
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// Whether every vertex lies on relu, and the curve passes through (0, 0) and (1, 1).
bool looks_like_relu(const std::vector<Point>& points) {
  const double tolerance = 0.01;  // data units; a pixel is about 0.008 here
  bool at0 = false, at1 = false;
  for (const Point& p : points) {
    if (std::fabs(p.y - std::max(0.0, p.x)) > tolerance) return false;
    at0 = at0 || (std::fabs(p.x) < tolerance && std::fabs(p.y) < tolerance);
    at1 = at1 || (std::fabs(p.x - 1) < tolerance && std::fabs(p.y - 1) < tolerance);
  }
  return at0 && at1 && points.size() > 100;
}

TEST(Svg, CurveIsReluAtItsPoints) {
  const std::vector<Point> relu = curve_in_data_coordinates(draw_svg("relu", {-2, 2}));
  ASSERT_FALSE(relu.empty()) << "no ticks or curve found in gnuplot's SVG";
  EXPECT_TRUE(looks_like_relu(relu));
  EXPECT_GE(relu.front().x, -2.001);
  EXPECT_LE(relu.back().x, 2.001);
  // The same check rejects a curve that is not relu.
  const std::vector<Point> leaky = curve_in_data_coordinates(draw_svg("leaky_relu(negative_slope=0.5)", {-2, 2}));
  ASSERT_FALSE(leaky.empty());
  EXPECT_FALSE(looks_like_relu(leaky));
}

}  // namespace
