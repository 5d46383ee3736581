// Generic rendering of results JSON whose layout the report does not know (compare.json,
// the parts of performance.json the Speed section does not lay out itself).
#include <algorithm>

#include "common.hpp"
#include "report.hpp"

namespace activ::cli::report {

std::string scalar_text(const Json& v) {
  if (v.is_string()) return escape(v.get<std::string>());
  if (v.is_number_float()) return format_number(v.get<double>());
  return escape(v.dump());
}

// An array of objects is a table with a column per key; an object is key | value rows.
std::string json_html(const Json& v) {
  if (v.is_array() && !v.empty() && std::all_of(v.begin(), v.end(), [](const Json& e) { return e.is_object(); })) {
    std::vector<std::string> keys;
    for (const Json& e : v)
      for (const auto& [k, _] : e.items())
        if (std::find(keys.begin(), keys.end(), k) == keys.end()) keys.push_back(k);
    std::string head, body;
    for (const std::string& k : keys) head += tag("th", escape(k));
    for (const Json& e : v) {
      std::string row;
      for (const std::string& k : keys) {
        const bool has = e.contains(k);
        const bool num = has && e[k].is_number();
        row += tag("td", has ? json_html(e[k]) : "", num ? "class=\"num\" data-value=\"" + scalar_text(e[k]) + "\"" : "");
      }
      body += tag("tr", row);
    }
    return "<div class=\"table-wrap\"><table class=\"sortable\"><thead><tr>" + head + "</tr></thead><tbody>" + body +
           "</tbody></table></div>";
  }
  if (v.is_object()) {
    std::string rows;
    for (const auto& [k, e] : v.items()) rows += tag("tr", tag("th", escape(k)) + tag("td", json_html(e)));
    return tag("table", "<tbody>" + rows + "</tbody>");
  }
  if (v.is_array()) {
    std::vector<std::string> items;
    for (const Json& e : v) items.push_back(json_html(e));
    return join(items, ", ");
  }
  return scalar_text(v);
}

std::optional<std::string> rendered(const std::optional<Json>& data, const std::vector<std::string>& skip) {
  if (!data) return std::nullopt;
  if (!data->is_object()) return json_html(*data);
  std::string out;
  for (const auto& [key, value] : data->items()) {
    if (std::find(skip.begin(), skip.end(), key) != skip.end()) continue;
    if (value.is_primitive())
      out += tag("p", tag("strong", escape(key)) + ": " + scalar_text(value));
    else
      out += tag("details", tag("summary", escape(key)) + json_html(value));
  }
  return out;
}

}  // namespace activ::cli::report
