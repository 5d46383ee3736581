// Reading docs/results/*.json for the report.
#include <fstream>
#include <sstream>

#include "common.hpp"
#include "report.hpp"

namespace activ::cli::report {
namespace {

std::optional<Json> read_json(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    if (std::filesystem::exists(path)) fail("cannot read '" + path.string() + "'");
    return std::nullopt;  // not measured yet: the report says how to produce it
  }
  std::ostringstream text;
  text << in.rdbuf();
  try {
    return Json::parse(text.str());
  } catch (const Json::parse_error& e) {
    fail("malformed JSON in '" + path.string() + "': " + e.what());
  }
}

void check_accuracy_shape(const Json& accuracy, const std::filesystem::path& path) {
  const auto bad = [&](const std::string& where) {
    fail("'" + path.string() + "': " + where +
         " (expected {\"SPEC\": {\"f32 fwd\": {\"max_ulp\": N, \"at_x\": X, \"points\": N}, ...}, ...})");
  };
  if (!accuracy.is_object()) bad("not an object");
  for (const auto& [spec, columns] : accuracy.items()) {
    if (!columns.is_object()) bad("'" + spec + "' is not an object");
    for (const auto& [column, cell] : columns.items())
      if (!cell.is_object() || !cell.contains("max_ulp") || !cell["max_ulp"].is_number())
        bad("'" + spec + "' / '" + column + "' has no numeric max_ulp");
  }
}

}  // namespace

Results load_results(const std::filesystem::path& dir) {
  Results r;
  r.dir = dir;
  r.accuracy = read_json(dir / "accuracy.json");
  r.performance = read_json(dir / "performance.json");
  r.compare = read_json(dir / "compare.json");
  if (!r.accuracy) return r;
  check_accuracy_shape(*r.accuracy, dir / "accuracy.json");
  for (const auto& [spec, columns] : r.accuracy->items()) {
    try {
      const std::string name(activ::parse(spec).name());
      auto& rows = r.accuracy_by_entry[name];
      const AccuracyRow row{spec, columns};
      if (spec == name)
        rows.insert(rows.begin(), row);
      else
        rows.push_back(row);
    } catch (const std::invalid_argument&) {
      r.unmatched_specs.push_back(spec);  // measured before a rename: shown, not fatal
    }
  }
  return r;
}

}  // namespace activ::cli::report
