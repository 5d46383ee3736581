// activ eval SPEC [VALUES...] [-i IN.npy] [-o OUT.npy] [--dtype f32|f64] [--mask M.npy]: y = f(x).
#include <memory>

#include "common.hpp"

namespace activ::cli {
namespace {

void run_eval(const ArrayOptions& options) {
  const Activation f = activ::parse(options.spec);
  const io::NpyArray x = load_input(options);
  // Axis functions (softmax, glu, ...) apply along their axis of an input of any rank;
  // y has output_shape(x) (glu halves the axis, maxout divides it by k).
  io::NpyArray y = filled_like(x, 0);
  y.shape = f.output_shape(x.shape);
  const LoadedMask mask = options.mask.empty() ? LoadedMask{} : load_mask(options.mask);
  with_element_type(x.dtype, [&](auto tag) {
    using T = decltype(tag);
    elements<T>(y).assign(activ::shape_size(y.shape), T(0));
    const ConstTensorView<T> xv(elements<T>(x).data(), x.shape);
    const TensorView<T> yv(elements<T>(y).data(), y.shape);
    if (options.mask.empty())
      f.forward(xv, yv);
    else
      f.forward(xv, yv, mask.view());
  });
  emit(y, options);
}

}  // namespace

void add_eval_command(CLI::App& app) {
  // Shared with the callback, which runs after parsing, when add_eval_command is long gone.
  auto options = std::make_shared<ArrayOptions>();
  CLI::App* cmd =
      app.add_subcommand("eval", "Evaluate f(x): VALUES print one result per line; -i/-o read and write .npy");
  add_array_options(*cmd, *options, "x");
  cmd->callback([options] { run_eval(*options); });
}

}  // namespace activ::cli
