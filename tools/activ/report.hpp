// activ report: the measured results it shows and the HTML page it writes. The command
// itself (cmd_report.cpp) draws the plots and puts the directory in place.
#pragma once

#include <activ/activ.hpp>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace activ::cli::report {

using Json = nlohmann::ordered_json;  // keeps the files' order (accuracy rows, tables)

// The accuracy columns of docs/results/accuracy.json, in display order.
inline constexpr std::string_view kAccuracyColumns[] = {"f32 fwd", "f32 deriv", "f64 fwd", "f64 deriv"};

// One measured spec: {"f32 fwd": {"max_ulp", "at_x", "points"}, ...}.
struct AccuracyRow {
  std::string spec;
  Json values;
};

// What the repository has measured (docs/results/). A missing file is nullopt; a file
// that is not valid JSON, or accuracy.json of the wrong shape, is an error.
struct Results {
  std::filesystem::path dir;
  std::optional<Json> accuracy, performance, compare;
  // accuracy rows by the catalogue entry their spec parses to; the entry's own name first
  std::map<std::string, std::vector<AccuracyRow>, std::less<>> accuracy_by_entry;
  std::vector<std::string> unmatched_specs;  // accuracy keys that no longer parse
};
Results load_results(const std::filesystem::path& dir);

// File-name form of an entry name: "torch:gelu" -> "torch-gelu".
std::string slug(std::string_view name);

// Whether a card shows a plot of f and f': elementwise entries only. Axis functions
// (softmax, glu, ...) map rows to rows and have no single-variable curve.
inline bool has_plot(const FunctionInfo& f) { return f.kind == Kind::elementwise; }

// The whole page. plots/<slug>.svg must exist beside it for every entry with has_plot.
std::string index_html(const Results& results);

// HTML text and attribute escaping.
std::string escape(std::string_view text);

}  // namespace activ::cli::report
