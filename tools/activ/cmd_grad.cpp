// activ grad SPEC [VALUES...] [-i X.npy] [--dy DY.npy] [-o DX.npy] [--dtype f32|f64]:
// dx = dy * f'(x), through Activation::backward as an autograd engine would call it.
#include <memory>

#include "common.hpp"

namespace activ::cli {
namespace {

struct GradOptions : ArrayOptions {
  std::string dy;  // --dy; ones when empty, which gives f'(x) itself
};

void run_grad(const GradOptions& options) {
  const Activation f = activ::parse(options.spec);
  const io::NpyArray x = load_input(options);
  const io::NpyArray dy = options.dy.empty() ? filled_like(x, 1) : load_matching(options.dy, x, "dy");
  io::NpyArray dx = filled_like(x, 0);
  with_element_type(x.dtype, [&](auto tag) {
    using T = decltype(tag);
    f.backward(elements<T>(x), elements<T>(dy), elements<T>(dx));
  });
  emit(dx, options);
}

}  // namespace

void add_grad_command(CLI::App& app) {
  auto options = std::make_shared<GradOptions>();
  CLI::App* cmd = app.add_subcommand("grad", "Evaluate dx = dy * f'(x); dy defaults to ones, giving f'(x)");
  add_array_options(*cmd, *options, "x");
  cmd->add_option("--dy", options->dy, "upstream gradient dy as a .npy file with exactly x's shape and dtype");
  cmd->callback([options] { run_grad(*options); });
}

}  // namespace activ::cli
