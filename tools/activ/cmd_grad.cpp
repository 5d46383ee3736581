// activ grad SPEC [VALUES...] [-i X.npy] [--dy DY.npy] [-o DX.npy] [--dtype f32|f64] [--mask M.npy]:
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
  // dy has the forward's output shape (output_shape(x): half of x's axis for glu);
  // dx has x's shape. Axis functions work along their axis of an input of any rank.
  io::NpyArray out_like = filled_like(x, 1);
  out_like.shape = f.output_shape(x.shape);
  with_element_type(x.dtype, [&](auto tag) {
    using T = decltype(tag);
    elements<T>(out_like).assign(activ::shape_size(out_like.shape), T(1));
  });
  const io::NpyArray dy = options.dy.empty() ? out_like : load_matching(options.dy, out_like, "dy");
  io::NpyArray dx = filled_like(x, 0);
  const LoadedMask mask = options.mask.empty() ? LoadedMask{} : load_mask(options.mask);
  with_element_type(x.dtype, [&](auto tag) {
    using T = decltype(tag);
    const ConstTensorView<T> xv(elements<T>(x).data(), x.shape), dyv(elements<T>(dy).data(), dy.shape);
    const TensorView<T> dxv(elements<T>(dx).data(), dx.shape);
    if (options.mask.empty())
      f.backward(xv, dyv, dxv);
    else
      f.backward(xv, dyv, dxv, mask.view());
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
