// The report's Speed section and the speed rows of each card, from
// docs/results/performance.json as bench/run_bench.py writes it:
//   meta, sizes, copy_ns_per_element {fwd|bwd: {N: ns}},
//   functions {SPEC: {fwd|bwd: {N: {"LIB/tT": {ns_per_element, ratio_to_copy}}}}},
//   accuracy {SPEC: {fwd|bwd: {LIB: {max_ulp, at, nan_mismatches, inf_mismatches}}}}.
// Keys the report does not know are shown folded, as the generic renderer does.
#include <activ/activ.hpp>

#include <algorithm>
#include <cmath>
#include <fmt/format.h>
#include <limits>

#include "common.hpp"
#include "report.hpp"

namespace activ::cli::report {
namespace {

// The sizes the goals are set at: caches (2^20) and memory (2^26).
constexpr const char* kCacheN = "1048576";
constexpr const char* kMemoryN = "67108864";
// At 2^26 a forward must be within this factor of memcpy, a backward of the
// three-stream copy.
constexpr double kMemoryBar = 1.3;

const Json* member(const Json& object, const std::string& key) {
  if (!object.is_object()) return nullptr;
  const auto it = object.find(key);
  return it == object.end() ? nullptr : &*it;
}

double number(const Json* v, const char* key) {
  const Json* n = v ? member(*v, key) : nullptr;
  return n && n->is_number() ? n->get<double>() : std::numeric_limits<double>::quiet_NaN();
}

std::string num_cell(double v, int digits = 3) {
  if (std::isnan(v)) return "<td class=\"num\" data-value=\"\">&ndash;</td>";
  const std::string text = fmt::format("{:.{}f}", v, digits);
  return "<td class=\"num\" data-value=\"" + text + "\">" + text + "</td>";
}

// The fastest single-thread peer at size N: {library, ns per element}.
std::pair<std::string, double> fastest_peer(const Json& at_n) {
  std::pair<std::string, double> best{"", std::numeric_limits<double>::quiet_NaN()};
  for (const auto& [key, cell] : at_n.items()) {
    const auto slash = key.find('/');
    if (slash == std::string::npos || key.compare(slash, std::string::npos, "/t1") != 0) continue;
    if (key.compare(0, slash, "activ") == 0) continue;
    const double ns = number(&cell, "ns_per_element");
    if (!std::isnan(ns) && !(ns >= best.second)) best = {key.substr(0, slash), ns};
  }
  return best;
}

// One row: SPEC, direction, activ and the fastest peer at 2^20, activ against the copy at
// 2^26, and whether both goals are met.
std::string speed_row(const std::string& spec, const std::string& direction, const Json& by_n) {
  const Json empty = Json::object();
  const Json* cache = member(by_n, kCacheN);
  const Json* memory = member(by_n, kMemoryN);
  const Json& at_cache = cache ? *cache : empty;
  const Json* activ_cache = member(at_cache, "activ/t1");
  const Json* activ_memory = memory ? member(*memory, "activ/t1") : nullptr;
  const double ns = number(activ_cache, "ns_per_element");
  const auto [peer, peer_ns] = fastest_peer(at_cache);
  const double vs_peer = ns / peer_ns;
  const double vs_copy = number(activ_memory, "ratio_to_copy");
  const bool cache_goal = peer.empty() || vs_peer <= 1.0;
  const bool memory_goal = vs_copy <= kMemoryBar;
  const bool measured = !std::isnan(ns) && !std::isnan(vs_copy);
  const std::string goal = !measured ? "" : cache_goal && memory_goal ? "met" : "missed";
  return "<tr>" + tag("td", code(spec)) + tag("td", escape(direction)) + num_cell(ns) +
         tag("td", escape(peer.empty() ? "none" : peer)) + num_cell(peer_ns) + num_cell(vs_peer, 2) +
         num_cell(number(activ_memory, "ns_per_element")) + num_cell(vs_copy, 2) +
         tag("td", goal, "class=\"goal " + goal + "\"") + "</tr>\n";
}

const std::string kSpeedHead =
    "<thead><tr><th>spec</th><th>pass</th><th data-type=\"number\">activ ns/el 2^20</th><th>fastest peer</th>"
    "<th data-type=\"number\">peer ns/el 2^20</th><th data-type=\"number\">activ / peer</th>"
    "<th data-type=\"number\">activ ns/el 2^26</th><th data-type=\"number\">activ / copy 2^26</th>"
    "<th>goal</th></tr></thead>";

std::string speed_table(const Json& functions, std::string_view only_entry) {
  std::string rows;
  for (const auto& [spec, passes] : functions.items()) {
    if (!only_entry.empty()) {
      try {
        if (activ::parse(spec).name() != only_entry) continue;
      } catch (const std::invalid_argument&) {
        continue;  // benchmarked under a name the catalogue no longer has
      }
    }
    for (const char* direction : {"fwd", "bwd"})
      if (const Json* by_n = member(passes, direction)) rows += speed_row(spec, direction, *by_n);
  }
  if (rows.empty()) return "";
  return "<div class=\"table-wrap\"><table class=\"sortable speed\">" + kSpeedHead + "<tbody>\n" + rows +
         "</tbody></table></div>";
}

// max ULP of every implementation, per benchmarked spec and pass.
std::string peer_accuracy_table(const Json& accuracy) {
  std::vector<std::string> libraries;
  for (const auto& [spec, passes] : accuracy.items())
    for (const auto& [direction, libs] : passes.items())
      for (const auto& [lib, _] : libs.items())
        if (std::find(libraries.begin(), libraries.end(), lib) == libraries.end()) libraries.push_back(lib);
  std::string head = "<th>spec</th><th>pass</th>";
  for (const std::string& lib : libraries) head += "<th data-type=\"number\">" + escape(lib) + " max ULP</th>";
  std::string rows;
  for (const auto& [spec, passes] : accuracy.items()) {
    for (const auto& [direction, libs] : passes.items()) {
      std::string row = tag("td", code(spec)) + tag("td", escape(direction));
      for (const std::string& lib : libraries) {
        const Json* cell = member(libs, lib);
        const double ulp = number(cell, "max_ulp");
        if (std::isnan(ulp)) {
          row += "<td class=\"num\" data-value=\"\">&ndash;</td>";
          continue;
        }
        const double nan = number(cell, "nan_mismatches"), inf = number(cell, "inf_mismatches");
        std::string title = "worst at x = " + (cell->contains("at") ? scalar_text((*cell)["at"]) : "?");
        if (nan > 0 || inf > 0) title += fmt::format("; NaN mismatches {:.0f}, inf mismatches {:.0f}", nan, inf);
        const std::string text = format_number(ulp) + (nan > 0 || inf > 0 ? " *" : "");
        row += "<td class=\"num\" data-value=\"" + format_number(ulp) + "\" title=\"" + escape(title) + "\">" + text +
               "</td>";
      }
      rows += tag("tr", row) + "\n";
    }
  }
  return "<div class=\"table-wrap\"><table class=\"sortable\"><thead><tr>" + head + "</tr></thead><tbody>\n" + rows +
         "</tbody></table></div>";
}

// performance.json's "softmax": results {FUNCTION: {N: {ROW: {last|first: {"LIB/t1": {...}}}}}},
// CPU-time numbers preferred where the run recorded them (wall time on a loaded
// machine is mostly waiting).
std::string softmax_table(const Json& softmax) {
  const Json* results = member(softmax, "results");
  if (results == nullptr || !results->is_object()) return "";
  std::string rows;
  for (const auto& [function, by_n] : results->items()) {
    for (const auto& [n, by_row] : by_n.items()) {
      for (const auto& [row, by_axis] : by_row.items()) {
        for (const auto& [axis, libs] : by_axis.items()) {
          const auto ns_of = [](const Json& cell) {
            const double cpu = number(&cell, "cpu_ns_per_element");
            return std::isnan(cpu) ? number(&cell, "ns_per_element") : cpu;
          };
          const Json* activ_cell = member(libs, "activ/t1");
          const double ns = activ_cell ? ns_of(*activ_cell) : std::numeric_limits<double>::quiet_NaN();
          double ratio = activ_cell ? number(activ_cell, "cpu_ratio_to_memcpy") : std::numeric_limits<double>::quiet_NaN();
          if (std::isnan(ratio) && activ_cell) ratio = number(activ_cell, "ratio_to_memcpy");
          std::string peer;
          double peer_ns = std::numeric_limits<double>::quiet_NaN();
          for (const auto& [lib, cell] : libs.items()) {
            if (lib.rfind("activ/", 0) == 0) continue;
            const double v = ns_of(cell);
            if (!std::isnan(v) && !(v >= peer_ns)) {
              peer_ns = v;
              peer = lib.substr(0, lib.find('/'));
            }
          }
          rows += "<tr>" + tag("td", code(function)) + num_cell(std::stod(n), 0) + num_cell(std::stod(row), 0) +
                  tag("td", escape(axis)) + num_cell(ns) + num_cell(ratio, 2) +
                  tag("td", escape(peer.empty() ? "none" : peer)) + num_cell(peer_ns) + num_cell(ns / peer_ns, 2) +
                  "</tr>\n";
        }
      }
    }
  }
  return "<div class=\"table-wrap\"><table class=\"sortable speed-softmax\"><thead><tr><th>function</th>"
         "<th data-type=\"number\">N</th><th data-type=\"number\">row</th><th>axis</th>"
         "<th data-type=\"number\">activ ns/el</th><th data-type=\"number\">activ / memcpy</th><th>fastest peer</th>"
         "<th data-type=\"number\">peer ns/el</th><th data-type=\"number\">activ / peer</th></tr></thead><tbody>\n" +
         rows + "</tbody></table></div>";
}

std::string machine_paragraph(const Json& meta) {
  std::string s = "Measured";
  if (const Json* date = member(meta, "date")) s += " " + scalar_text(*date);
  if (const Json* cpu = member(meta, "cpu")) s += " on " + scalar_text(*cpu);
  if (const Json* cores = member(meta, "cores")) s += " (" + scalar_text(*cores) + " cores)";
  if (const Json* load = member(meta, "load_before")) s += ", load average " + json_html(*load) + " at the start";
  if (const Json* commit = member(meta, "commit")) s += ", commit " + code(scalar_text(*commit));
  return tag("p", s + ". Single thread; float32; median of repetitions. Hover a peer-accuracy cell for where "
                      "the worst error is (* marks NaN or infinity mismatches).");
}

}  // namespace

std::optional<std::string> speed_html(const std::optional<Json>& performance) {
  if (!performance || !performance->is_object()) return rendered(performance);
  const Json& p = *performance;
  std::string out;
  if (const Json* meta = member(p, "meta")) out += machine_paragraph(*meta);
  if (const Json* functions = member(p, "functions")) {
    out += tag("h3", "activ against the fastest peer and the copy") +
           tag("p", "Goals (issue 4): at N = 2^20 activ is at least as fast as the fastest peer (activ / peer "
                    "&le; 1); at N = 2^26 within " + format_number(kMemoryBar) +
                        "x of memcpy (forward) or of a three-stream copy (backward).",
               "class=\"note\"") +
           speed_table(*functions, "");
  }
  if (const Json* accuracy = member(p, "accuracy"))
    out += tag("h3", "Accuracy of the peers on the same points") + peer_accuracy_table(*accuracy);
  std::vector<std::string> shown{"meta", "functions", "accuracy"};
  if (const Json* softmax = member(p, "softmax")) {
    if (const std::string table = softmax_table(*softmax); !table.empty()) {
      std::string intro = "Rows along the last axis (shape N/row x row) or the first (row x N/row), one thread; "
                          "issue 5's goals: last axis, rows of 1024, N = 2^26 within 1.5x of memcpy; any other "
                          "axis within 2x of the last.";
      if (const Json* meta = member(*softmax, "meta")) intro = machine_paragraph(*meta) + tag("p", intro, "class=\"note\"");
      else intro = tag("p", intro, "class=\"note\"");
      out += tag("h3", "Softmax and log_softmax along an axis") + intro + table;
      shown.push_back("softmax");
    }
  }
  return out + rendered(performance, shown).value_or("");
}

std::string speed_rows_html(const std::optional<Json>& performance, std::string_view name) {
  if (!performance) return "";
  const Json* functions = member(*performance, "functions");
  return functions ? speed_table(*functions, name) : "";
}

}  // namespace activ::cli::report
