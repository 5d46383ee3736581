// The report page: a summary table, the measured results, and a card per catalogue
// entry. Everything comes from the catalogue and docs/results, nothing is hand-listed.
#include <activ/version.hpp>

#include <algorithm>
#include <cctype>

#include "common.hpp"
#include "plot_samples.hpp"
#include "report.hpp"

namespace activ::cli::report {

std::string escape(std::string_view text) {
  std::string out;
  for (const char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string slug(std::string_view name) {
  std::string out;
  for (const char c : name) out += c == ':' ? '-' : (std::isalnum(static_cast<unsigned char>(c)) ? c : '_');
  return out;
}

std::string tag(const std::string& name, const std::string& body, const std::string& attributes) {
  return "<" + name + (attributes.empty() ? "" : " " + attributes) + ">" + body + "</" + name + ">";
}
std::string code(std::string_view text) { return tag("code", escape(text)); }

namespace {
std::string card_link(std::string_view name) {
  return "<a href=\"#fn-" + slug(name) + "\">" + escape(name) + "</a>";
}

// What the search box matches: names, aliases and family, lower case.
std::string search_text(const FunctionInfo& f) {
  std::string text = std::string(f.name) + " " + std::string(f.family);
  for (const std::string_view a : f.aliases) text += " " + std::string(a);
  for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return escape(text);
}

// ---- accuracy ---------------------------------------------------------------------

// A max-ULP cell; its tooltip says where the maximum is and how many points were tried.
std::string ulp_cell(const Json* cell) {
  if (cell == nullptr || !cell->is_object()) return "<td class=\"num\" data-value=\"\">&ndash;</td>";
  const std::string ulp = format_number((*cell)["max_ulp"].get<double>());
  std::string detail;
  if (cell->contains("at_x") && (*cell)["at_x"].is_number())
    detail += "at x = " + format_number((*cell)["at_x"].get<double>());
  if (cell->contains("points") && (*cell)["points"].is_number())
    detail += (detail.empty() ? "" : ", ") + std::to_string((*cell)["points"].get<long long>()) + " points";
  return "<td class=\"num\" data-value=\"" + ulp + "\" title=\"" + escape(detail) + "\">" + ulp + "</td>";
}

const Json* accuracy_cell(const AccuracyRow& row, std::string_view column) {
  const auto it = row.values.find(std::string(column));
  return it == row.values.end() ? nullptr : &*it;
}

std::string accuracy_header() {
  std::string cells;
  for (const std::string_view c : kAccuracyColumns) cells += "<th data-type=\"number\">" + escape(c) + " ULP</th>";
  return cells;
}

const AccuracyRow* primary_accuracy(const Results& r, std::string_view name) {
  const auto it = r.accuracy_by_entry.find(name);
  return it == r.accuracy_by_entry.end() || it->second.empty() ? nullptr : &it->second.front();
}

std::string accuracy_cells(const AccuracyRow* row) {
  std::string cells;
  for (const std::string_view c : kAccuracyColumns) cells += ulp_cell(row ? accuracy_cell(*row, c) : nullptr);
  return cells;
}

// A results section: `body` (from `file`), or, when the file is missing, how to produce it.
std::string results_section(const std::string& id, const std::string& title, const std::string& intro,
                            const std::filesystem::path& file, const std::string& how,
                            const std::optional<std::string>& body) {
  std::string s = "<section id=\"" + id + "\">" + tag("h2", escape(title)) + tag("p", intro, "class=\"lead\"");
  if (body)
    s += tag("p", "From " + code(file.string()) + ".") + *body;
  else
    s += tag("p", "Not measured yet: " + how + " writes " + code(file.string()) + "; run " + code("activ report") +
                      " again afterwards.",
             "class=\"missing\"");
  return s + "</section>\n";
}

// ---- the summary table and the cards -------------------------------------------------

std::string summary_table(const Results& r) {
  std::string body;
  for (const FunctionInfo& f : catalog()) {
    body += "<tr data-search=\"" + search_text(f) + "\">" + tag("td", card_link(f.name)) +
            tag("td", escape(framework_label(f.framework))) + tag("td", escape(f.family)) +
            tag("td", escape(format_defaults(f))) + tag("td", f.piecewise_linear ? "exact" : "") +
            accuracy_cells(primary_accuracy(r, f.name)) + "</tr>\n";
  }
  return "<section id=\"summary\"><h2>Summary</h2><p class=\"lead\">Every catalogue entry. Click a column to sort; "
         "the search box above filters this table and the cards. ULP columns: the largest error measured against "
         "the MPFR oracle (hover for where).</p>"
         "<div class=\"table-wrap\"><table id=\"summary-table\" class=\"sortable\"><thead><tr>"
         "<th>function</th><th>framework</th><th>family</th><th>parameters (defaults)</th><th>exact</th>" +
         accuracy_header() + "</tr></thead><tbody>\n" + body + "</tbody></table></div></section>\n";
}

std::string parameter_table(const FunctionInfo& f) {
  if (f.params.empty()) return tag("p", "No parameters.", "class=\"note\"");
  std::string rows;
  for (const ParamInfo& p : f.params) {
    const std::string def = p.required ? "required" : format_value(p, p.default_value);
    rows += tag("tr", tag("td", code(p.name)) + tag("td", code(def)) + tag("td", escape(describe_range(p))) +
                          tag("td", escape(p.description)));
  }
  return "<table><thead><tr><th>parameter</th><th>default</th><th>range</th><th>meaning</th></tr></thead><tbody>" +
         rows + "</tbody></table>";
}

std::string accuracy_table(const Results& r, const FunctionInfo& f) {
  const auto it = r.accuracy_by_entry.find(f.name);
  if (it == r.accuracy_by_entry.end())
    return tag("p", r.accuracy ? "Not in the measured results." : "Not measured yet (see Accuracy above).",
               "class=\"note\"");
  std::string rows;
  for (const AccuracyRow& row : it->second) rows += tag("tr", tag("td", code(row.spec)) + accuracy_cells(&row));
  return "<table><thead><tr><th>spec</th>" + accuracy_header() + "</tr></thead><tbody>" + rows + "</tbody></table>";
}

// How the frameworks differ: every entry of the same family, with defaults and notes.
std::string family_list(const FunctionInfo& self) {
  std::string items;
  for (const FunctionInfo& f : catalog()) {
    if (f.family != self.family) continue;
    const std::string params = f.params.empty() ? "" : " " + code("(" + format_defaults(f) + ")");
    const std::string notes = f.notes.empty() ? "" : " &mdash; " + escape(f.notes);
    items += tag("li", card_link(f.name) + params + notes, f.name == self.name ? "class=\"self\"" : "");
  }
  return "<ul class=\"family\">" + items + "</ul>";
}

std::string card(const Results& r, const FunctionInfo& f) {
  std::vector<std::string> aliases;
  for (const std::string_view a : f.aliases) aliases.push_back(code(a));
  const std::string id = slug(f.name);
  std::string s = "<article class=\"card\" id=\"fn-" + id + "\" data-search=\"" + search_text(f) + "\">";
  s += tag("h3", tag("a", escape(f.name), "href=\"#fn-" + id + "\"") + "<span class=\"badge\">" +
                     escape(framework_label(f.framework)) + "</span>" +
                     (f.piecewise_linear ? "<span class=\"badge exact\">exact</span>" : ""));
  s += tag("p", "family " + code(f.family) + (aliases.empty() ? "" : " &middot; aliases " + join(aliases, ", ")),
           "class=\"meta\"");
  s += "<img src=\"plots/" + id + ".svg\" alt=\"" + escape(f.name) +
       ": f(x) and f'(x)\" width=\"760\" height=\"260\" loading=\"lazy\">";
  if (f.kind == Kind::axis)
    s += tag("p", "Acts along an axis (" + code("axis") + " / " + code("dim") +
                      "): each output depends on a whole row. The plot follows " +
                      escape(plot::probe_description(activ::parse(f.name))) + ".",
             "class=\"probe note\"");
  s += "<dl>" + tag("dt", "f(x)") + tag("dd", code(f.formula)) + tag("dt", "f&prime;(x)") +
       tag("dd", code(f.derivative));
  if (!f.notes.empty()) s += tag("dt", "notes") + tag("dd", escape(f.notes));
  s += "</dl>";
  s += tag("h4", "Parameters") + parameter_table(f);
  s += tag("h4", "Measured accuracy (max ULP)") + accuracy_table(r, f);
  if (const std::string speed = speed_rows_html(r.performance, f.name); !speed.empty())
    s += tag("h4", "Measured speed (1 thread)") + speed;
  s += compare_line_html(r.compare, f.name);
  s += tag("h4", "How the frameworks differ (family " + escape(f.family) + ")") + family_list(f);
  return s + "</article>\n";
}

std::string accuracy_section(const Results& r) {
  std::optional<std::string> body;
  if (r.accuracy) {
    std::vector<std::string> specs;
    for (const std::string& s : r.unmatched_specs) specs.push_back(code(s));
    body = specs.empty() ? "" : tag("p", "Measured specs no longer in the catalogue: " + join(specs, ", ") + ".",
                                    "class=\"note\"");
  }
  return results_section(
      "accuracy", "Accuracy",
      "Largest error in ULP of forward and derivative, float32 and float64, against the 256-bit MPFR oracle "
      "(tests/test_accuracy; how it is measured: docs/accuracy.md). Per function in the summary above and on each "
      "card, with extra parameter settings on the cards.",
      r.dir / "accuracy.json",
      code("build/release/tests/test_accuracy | python3 scripts/accuracy_table.py --json > docs/results/accuracy.json"),
      body);
}

}  // namespace

std::string index_html(const Results& r) {
  std::string cards;
  for (const FunctionInfo& f : catalog()) cards += card(r, f);
  const std::string count = std::to_string(catalog().size());
  return "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
         "<meta name=\"generator\" content=\"activ report\">"
         "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
         "<title>activ " + std::string(kVersion) + ": activation functions</title>"
         "<link rel=\"stylesheet\" href=\"style.css\"></head>\n<body>\n<header><h1>activ " + std::string(kVersion) +
         "</h1><nav><a href=\"#summary\">Summary</a><a href=\"#accuracy\">Accuracy</a><a href=\"#speed\">Speed</a>"
         "<a href=\"#fashion-mnist\">Fashion-MNIST</a><a href=\"#functions\">Functions</a></nav><br>"
         "<input id=\"search\" type=\"search\" placeholder=\"Filter by name, alias or family, e.g. gelu\" "
         "aria-label=\"Filter functions\" autocomplete=\"off\"><span id=\"match-count\"></span></header>\n<main>\n"
         "<p class=\"lead\">" + count + " activation functions of PyTorch, Keras 3, TensorFlow and JAX, each as its "
         "framework defines it. Every plot is drawn from activ's own kernels (float64): the exact function activ "
         "computes.</p>\n" +
         summary_table(r) + accuracy_section(r) +
         results_section("speed", "Speed", "Throughput against memcpy and the peer libraries.",
                         r.dir / "performance.json", code("make bench"), speed_html(r.performance)) +
         results_section("fashion-mnist", "Fashion-MNIST",
                         "The same small network trained with each activation: accuracy and time.",
                         r.dir / "compare.json", code("activ compare"), compare_html(r.compare)) +
         "<section id=\"functions\"><h2>Functions</h2><div class=\"cards\">\n" + cards +
         "</div></section>\n</main>\n<script src=\"report.js\"></script>\n</body></html>\n";
}

}  // namespace activ::cli::report
