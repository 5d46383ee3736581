// The report's Fashion-MNIST section and the per-card line, from docs/results/compare.json
// as `activ compare --json` writes it: {"meta": {...}, "results": [{"activation",
// "accuracy_mean", "accuracy_std", "train_time_s", "best_epoch", ...}, ...]}, sorted by
// mean test accuracy. Other layouts fall back to the generic rendering.
#include <fmt/format.h>

#include "common.hpp"
#include "report.hpp"

namespace activ::cli::report {
namespace {

const Json* results_of(const std::optional<Json>& compare) {
  if (!compare || !compare->is_object() || !compare->contains("results")) return nullptr;
  const Json& r = (*compare)["results"];
  return r.is_array() ? &r : nullptr;
}

double field(const Json& row, const char* key) {
  return row.contains(key) && row[key].is_number() ? row[key].get<double>() : std::nan("");
}

std::string cell(double v, const char* format) {
  if (std::isnan(v)) return "<td class=\"num\" data-value=\"\">&ndash;</td>";
  const std::string text = fmt::format(fmt::runtime(format), v);
  return "<td class=\"num\" data-value=\"" + fmt::format("{}", v) + "\">" + text + "</td>";
}

}  // namespace

std::optional<std::string> compare_html(const std::optional<Json>& compare) {
  const Json* results = results_of(compare);
  if (results == nullptr) return rendered(compare);
  std::string meta;
  if (const auto it = compare->find("meta"); it != compare->end() && it->is_object()) {
    std::vector<std::string> parts;
    for (const auto& [key, value] : it->items()) parts.push_back(escape(key) + " " + code(scalar_text(value)));
    meta = tag("p", "Run: " + join(parts, ", ") + ".", "class=\"note\"");
  }
  std::string rows;
  std::size_t rank = 0;
  for (const Json& row : *results) {
    const std::string name = row.contains("activation") ? scalar_text(row["activation"]) : "?";
    rows += "<tr>" + cell(static_cast<double>(++rank), "{:.0f}") + tag("td", code(name)) +
            cell(field(row, "accuracy_mean"), "{:.4f}") + cell(field(row, "accuracy_std"), "{:.4f}") +
            cell(field(row, "best_epoch"), "{:.0f}") + cell(field(row, "train_time_s"), "{:.1f}") + "</tr>\n";
  }
  return meta +
         "<div class=\"table-wrap\"><table class=\"sortable compare\"><thead><tr><th data-type=\"number\">rank</th>"
         "<th>activation</th><th data-type=\"number\">test accuracy (mean)</th><th data-type=\"number\">std over "
         "seeds</th><th data-type=\"number\">best epoch</th><th data-type=\"number\">train time (s)</th></tr></thead>"
         "<tbody>\n" +
         rows + "</tbody></table></div>" + rendered(compare, {"meta", "results"}).value_or("");
}

std::string compare_line_html(const std::optional<Json>& compare, std::string_view name) {
  const Json* results = results_of(compare);
  if (results == nullptr) return "";
  std::size_t rank = 0;
  for (const Json& row : *results) {
    ++rank;
    if (!row.contains("activation") || !row["activation"].is_string() || row["activation"].get<std::string>() != name)
      continue;
    return tag("p", fmt::format("Fashion-MNIST (activ compare, see above): test accuracy {:.4f} &plusmn; {:.4f}, "
                                "rank {} of {}.",
                                field(row, "accuracy_mean"), field(row, "accuracy_std"), rank, results->size()),
               "class=\"note\"");
  }
  return "";
}

}  // namespace activ::cli::report
