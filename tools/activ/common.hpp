// Shared by the subcommands of the activ CLI: error reporting, parameter text, and
// the plumbing eval and grad have in common (reading VALUES or -i, writing -o or stdout).
#pragma once

#include <CLI/CLI.hpp>
#include <activ/activ.hpp>
#include <stdexcept>
#include <memory>
#include <string>
#include <type_traits>
#include <vector>

#include "io/npy.hpp"

namespace activ::cli {

// Bad input of any kind. main prints "activ: <message>" on one line and exits with 2;
// it does the same for std::invalid_argument (bad spec) and io::NpyError.
struct InputError : std::runtime_error {
  using std::runtime_error::runtime_error;
};
[[noreturn]] void fail(const std::string& message);

// Each subcommand lives in its own file and registers itself with the app.
void add_list_command(CLI::App& app);
void add_info_command(CLI::App& app);
void add_eval_command(CLI::App& app);
void add_grad_command(CLI::App& app);
void add_train_command(CLI::App& app);
void add_compare_command(CLI::App& app);
void add_evaluate_command(CLI::App& app);

// ---- catalogue text shared by list and info ----------------------------------------

std::string format_number(double v);                     // shortest round-trip form
std::string framework_label(Framework f);                // "torch", ..., "activ"
std::string format_value(const ParamInfo& p, double v);  // "0.01", "None", "true", "tanh"
std::string format_default(const ParamInfo& p);          // "slope=0.01", "threshold (required)"
std::string format_defaults(const FunctionInfo& f);      // all of them, comma-separated, or "-"
std::string describe_range(const ParamInfo& p);          // ">= 0, or None", "one of none, tanh"
std::string join(const std::vector<std::string>& items, const std::string& separator);

// Writes `text` to `path` through a temporary file beside it renamed into place, so an
// existing file is replaced only by a complete one. Failures are InputErrors.
void write_text_file(const std::string& path, const std::string& text);

// ---- eval and grad --------------------------------------------------------------------

struct ArrayOptions {
  std::string spec;
  std::vector<std::string> values;  // numbers from the command line
  std::string input;                // -i
  std::string output;               // -o
  std::string dtype;                // --dtype; empty when not given
  std::string mask;                 // --mask; empty when not given
};

// --mask's array: bool elements (owned) and the view the Activation calls take.
struct LoadedMask {
  std::unique_ptr<bool[]> data;
  std::vector<std::size_t> shape;
  MaskView view() const { return MaskView(data.get(), shape); }
};

// Reads --mask: a .npy of dtype bool ('|b1'), any shape that broadcasts to x (the
// library checks that). Other dtypes are refused by name.
LoadedMask load_mask(const std::string& path);

// SPEC, VALUES..., -i, -o and --dtype; `input_name` names -i's array in the help text.
void add_array_options(CLI::App& cmd, ArrayOptions& options, const std::string& input_name);

// The input: VALUES as a 1-d array of --dtype (default f32), or the -i file, whose
// dtype --dtype must then match if given. Exactly one of the two must be present.
io::NpyArray load_input(const ArrayOptions& options);

// Reads a file that must have exactly `like`'s shape and dtype (`what` names it).
io::NpyArray load_matching(const std::string& path, const io::NpyArray& like, const std::string& what);

// An array of `like`'s shape and dtype with every element `value`.
io::NpyArray filled_like(const io::NpyArray& like, double value);

// Writes the result to -o (atomically: an existing file is replaced only on success),
// or prints one element per line in C order: %.9g for f32, %.17g for f64.
void emit(const io::NpyArray& result, const ArrayOptions& options);

// The element vector of the given type: elements<float>(a) is a.f32.
template <class T>
std::vector<T>& elements(io::NpyArray& a) {
  if constexpr (std::is_same_v<T, float>)
    return a.f32;
  else
    return a.f64;
}
template <class T>
const std::vector<T>& elements(const io::NpyArray& a) {
  return elements<T>(const_cast<io::NpyArray&>(a));
}

// Calls fn(float{}) or fn(double{}) by dtype, so one generic lambda serves both.
template <class Fn>
void with_element_type(io::DType dtype, Fn&& fn) {
  if (dtype == io::DType::f32)
    fn(float{});
  else
    fn(double{});
}

}  // namespace activ::cli
