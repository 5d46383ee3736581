// activ compare --model "dense(256),ACT,dense(128),ACT,dense(10)" --activations relu,gelu,...
// [--seeds N] [--seed FIRST] [--epochs E] [--batch B] [--optimizer O] [--lr L] [--threads T]
// [--json | --csv] [-o FILE] [--quiet]: trains the model once per activation and seed,
// with the activation in place of every ACT element, and reports each activation's final
// test accuracy (mean and sample standard deviation over the seeds), its mean training
// time, and the epoch at which the seeds' mean test accuracy peaked. Rows are sorted by
// mean accuracy, best first. The table, --json (docs/results/compare.json's layout, which
// `activ report` renders) or --csv goes to standard output or -o; one line per finished
// run goes to standard error unless --quiet. Seeds FIRST, FIRST+1, ... are the same seeds
// `activ train --seed` takes, so any run can be repeated on its own.
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <fstream>
#include <memory>
#include <set>

#include "common.hpp"
#include "nn/model_spec.hpp"
#include "training.hpp"

namespace activ::cli {
namespace {

constexpr const char* kPlaceholder = "ACT";

struct CompareOptions {
  std::string model;
  std::string activations;
  TrainingSetup setup;
  int seeds = 3;
  std::uint64_t first_seed = 1;
  bool json = false, csv = false, quiet = false;
  std::string output;
};

struct Row {
  std::string activation;
  double accuracy_mean = 0, accuracy_std = 0;  // final test accuracy over the seeds
  double train_time_s = 0;                     // mean over the seeds of the training time (evaluation excluded)
  int best_epoch = 0;                          // where the seeds' mean test accuracy peaked (first peak)
  double best_accuracy_mean = 0;               // that peak
};

// The model spec with `activation` for every ACT element.
std::string substitute(const std::vector<std::string>& elements, const std::string& activation) {
  std::vector<std::string> out;
  for (const std::string& e : elements) out.push_back(e == kPlaceholder ? activation : e);
  return join(out, ",");
}

double mean(const std::vector<double>& v) {
  double s = 0;
  for (double x : v) s += x;
  return s / static_cast<double>(v.size());
}

// Sample standard deviation (n - 1); 0 for a single value.
double sample_std(const std::vector<double>& v) {
  if (v.size() < 2) return 0;
  const double m = mean(v);
  double s = 0;
  for (double x : v) s += (x - m) * (x - m);
  return std::sqrt(s / static_cast<double>(v.size() - 1));
}

std::string first_line_of(const char* path, const std::string& key) {
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line))
    if (key.empty() || line.rfind(key, 0) == 0) {
      if (key.empty()) return line;
      const auto colon = line.find(':');
      if (colon == std::string::npos) continue;
      const auto start = line.find_first_not_of(" \t", colon + 1);
      return start == std::string::npos ? "" : line.substr(start);
    }
  return "";
}

std::string utc_now() {
  const std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::string csv_field(const std::string& s) {
  if (s.find_first_of(",\"\n") == std::string::npos) return s;
  std::string q = "\"";
  for (char c : s) q += c == '"' ? std::string("\"\"") : std::string(1, c);
  return q + "\"";
}

std::string table(const std::vector<Row>& rows, const CompareOptions& o) {
  std::size_t width = std::string("activation").size();
  for (const Row& r : rows) width = std::max(width, r.activation.size());
  const auto pad = [](const std::string& s, std::size_t w) { return s + std::string(w > s.size() ? w - s.size() : 0, ' '); };
  const std::string accuracy_head =
      "test accuracy (" + std::to_string(o.seeds) + (o.seeds == 1 ? " seed)" : " seeds)");
  // "0.8812 ± 0.0021" is 16 columns (the sign is one column, two bytes in UTF-8).
  const std::size_t accuracy_width = std::max<std::size_t>(16, accuracy_head.size());
  std::string out = "rank  " + pad("activation", width) + "  " + pad(accuracy_head, accuracy_width) +
                    "  train time  best epoch (mean accuracy)\n";
  int rank = 0;
  for (const Row& r : rows) {
    char line[512];
    std::snprintf(line, sizeof line, "%4d  %s  %.4f \u00b1 %.4f%s  %8.2f s  %d/%d (%.4f)\n", ++rank,
                  pad(r.activation, width).c_str(), r.accuracy_mean, r.accuracy_std,
                  std::string(accuracy_width - 16, ' ').c_str(), r.train_time_s, r.best_epoch, o.setup.epochs,
                  r.best_accuracy_mean);
    out += line;
  }
  return out;
}

void run_compare(const CompareOptions& o) {
  const TrainingSetup& s = o.setup;
  check_setup(s);
  if (o.seeds < 1) fail("--seeds must be at least 1");
  if (o.json && o.csv) fail("give --json or --csv, not both");
  const std::vector<std::string> elements = nn::split_model_spec(o.model);
  if (std::find(elements.begin(), elements.end(), kPlaceholder) == elements.end())
    fail("--model has no ACT element to put the activations in (e.g. \"dense(256),ACT,dense(10)\")");
  std::vector<std::string> activations;
  try {
    activations = nn::split_model_spec(o.activations);
  } catch (const std::invalid_argument& e) {
    fail(std::string("--activations: ") + e.what());
  }
  std::set<std::string> seen;
  for (const std::string& a : activations) {
    if (a == kPlaceholder) fail("--activations: ACT is the placeholder, not an activation");
    if (!seen.insert(a).second) fail("--activations: '" + a + "' is listed twice");
    try {
      (void)nn::parse_model<float>(substitute(elements, a));  // every spec is checked before the data loads
    } catch (const std::invalid_argument& e) {
      fail("activation '" + a + "': " + e.what());
    }
  }

  const std::string date = utc_now();
  std::string load = first_line_of("/proc/loadavg", "");  // "0.50 0.40 0.30 1/99 1234": keep the averages
  for (int fields = 0, i = 0; i < static_cast<int>(load.size()); ++i)
    if (load[static_cast<std::size_t>(i)] == ' ' && ++fields == 3) {
      load.resize(static_cast<std::size_t>(i));
      break;
    }
  const ClassificationData data = load_data(s);
  use_threads(s.threads);

  std::vector<Row> rows;
  for (const std::string& a : activations) {
    std::vector<double> finals, times, curve(static_cast<std::size_t>(s.epochs), 0.0);
    for (int k = 0; k < o.seeds; ++k) {
      const std::uint64_t seed = o.first_seed + static_cast<std::uint64_t>(k);
      nn::Sequential<float> model = nn::parse_model<float>(substitute(elements, a));
      double seconds = 0;
      nn::Evaluation last{};
      build_classifier(model, data, s, seed);
      train_classifier(model, data, s, seed, {}, [&](const EpochReport& r) {
        seconds += r.train.seconds;
        curve[static_cast<std::size_t>(r.epoch - 1)] += r.test.accuracy / o.seeds;
        last = r.test;
      });
      finals.push_back(last.accuracy);
      times.push_back(seconds);
      if (!o.quiet) {
        std::fprintf(stderr, "%s seed %llu: test accuracy %.4f, %.1f s\n", a.c_str(),
                     static_cast<unsigned long long>(seed), last.accuracy, seconds);
        std::fflush(stderr);
      }
    }
    Row r;
    r.activation = a;
    r.accuracy_mean = mean(finals);
    r.accuracy_std = sample_std(finals);
    r.train_time_s = mean(times);
    const auto best = std::max_element(curve.begin(), curve.end());  // the first of equal peaks
    r.best_epoch = static_cast<int>(best - curve.begin()) + 1;
    r.best_accuracy_mean = *best;
    rows.push_back(r);
  }
  std::stable_sort(rows.begin(), rows.end(),
                   [](const Row& x, const Row& y) { return x.accuracy_mean > y.accuracy_mean; });

  std::string text;
  if (o.json) {
    nlohmann::ordered_json meta = {{"date", date},
                                   {"cpu", first_line_of("/proc/cpuinfo", "model name")},
                                   {"threads", s.threads},
                                   {"load_average", load},
                                   {"data", s.data},
                                   {"epochs", s.epochs},
                                   {"batch", s.batch},
                                   {"optimizer", s.optimizer},
                                   {"lr", s.lr},
                                   {"seeds", o.seeds},
                                   {"first_seed", o.first_seed},
                                   {"model", o.model},
                                   {"activ_version", kVersion}};
    nlohmann::ordered_json results = nlohmann::ordered_json::array();
    for (const Row& r : rows)
      results.push_back({{"activation", r.activation},
                         {"accuracy_mean", r.accuracy_mean},
                         {"accuracy_std", r.accuracy_std},
                         {"train_time_s", r.train_time_s},
                         {"best_epoch", r.best_epoch},
                         {"best_accuracy_mean", r.best_accuracy_mean},
                         {"seeds", o.seeds},
                         {"epochs", s.epochs}});
    text = nlohmann::ordered_json{{"meta", meta}, {"results", results}}.dump(2) + "\n";
  } else if (o.csv) {
    text = "activation,accuracy_mean,accuracy_std,train_time_s,best_epoch,best_accuracy_mean,seeds,epochs\n";
    for (const Row& r : rows)
      text += csv_field(r.activation) + "," + format_number(r.accuracy_mean) + "," + format_number(r.accuracy_std) +
              "," + format_number(r.train_time_s) + "," + std::to_string(r.best_epoch) + "," +
              format_number(r.best_accuracy_mean) + "," + std::to_string(o.seeds) + "," + std::to_string(s.epochs) +
              "\n";
  } else {
    text = table(rows, o);
  }
  if (o.output.empty())
    std::fputs(text.c_str(), stdout);
  else
    write_text_file(o.output, text);
}

}  // namespace

void add_compare_command(CLI::App& app) {
  auto o = std::make_shared<CompareOptions>();
  CLI::App* cmd = app.add_subcommand(
      "compare", "Train one model with each of several activations (in place of ACT) over seeds; table, JSON or CSV");
  cmd->add_option("--model", o->model, "model spec with ACT where the activation goes, e.g. \"dense(256),ACT,dense(10)\"")
      ->required();
  cmd->add_option("--activations", o->activations, "activation specs separated by top-level commas, e.g. relu,gelu,elu(alpha=0.5)")
      ->required();
  cmd->add_option("--seeds", o->seeds, "runs per activation (seeds FIRST, FIRST+1, ...)")->capture_default_str();
  cmd->add_option("--seed", o->first_seed, "FIRST: the first seed")->capture_default_str();
  add_training_options(*cmd, o->setup);
  auto* json = cmd->add_flag("--json", o->json, "write JSON (docs/results/compare.json's layout)");
  cmd->add_flag("--csv", o->csv, "write CSV, one row per activation")->excludes(json);
  cmd->add_option("-o,--output", o->output, "write to this file (replaced only when complete) instead of standard output");
  cmd->add_flag("-q,--quiet", o->quiet, "no line per finished run on standard error");
  cmd->callback([o] { run_compare(*o); });
}

}  // namespace activ::cli
