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

// The whole page. plots/<slug>.svg must exist beside it for every entry (axis functions
// are drawn along a probe row, plot_samples.hpp).
std::string index_html(const Results& results);

// HTML text and attribute escaping.
std::string escape(std::string_view text);
// <name attributes>body</name>, and escaped text in <code>.
std::string tag(const std::string& name, const std::string& body, const std::string& attributes = "");
std::string code(std::string_view text);

// Generic rendering of JSON whose layout the report does not know (compare.json): an
// array of objects is a sortable table, an object key | value rows. `rendered` shows a
// file's top-level text fields as paragraphs and folds everything else under its key,
// leaving out the keys in `skip` (shown otherwise by the caller).
std::string json_html(const Json& v);
std::string scalar_text(const Json& v);
std::optional<std::string> rendered(const std::optional<Json>& data, const std::vector<std::string>& skip = {});

// performance.json (bench/run_bench.py): the run's machine, a table of activ against the
// copies and the fastest peer, the peers' accuracy, and anything else folded generically.
std::optional<std::string> speed_html(const std::optional<Json>& performance);
// The rows of that table whose benchmark spec names entry `name`, for its card; empty
// when there are none.
std::string speed_rows_html(const std::optional<Json>& performance, std::string_view name);

// compare.json (activ compare --json): the run and a table ranked by test accuracy; and
// the line for an entry's card when `name` was one of the compared activations.
std::optional<std::string> compare_html(const std::optional<Json>& compare);
std::string compare_line_html(const std::optional<Json>& compare, std::string_view name);

}  // namespace activ::cli::report
