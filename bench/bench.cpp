// Google Benchmark harness: activ's float32 forward and backward for every unqualified
// catalogue entry, memcpy of the same bytes and a three-stream copy (the speed limits),
// and, when built as activ_bench_peers, the same functions in oneDNN, libtorch and
// XNNPACK side by side in the same run.
//
// Benchmark names: DIR/FUNCTION/IMPL/tT/N, e.g. fwd/gelu/onednn/t1/1048576, with
// FUNCTION an activ spec (the definition every implementation in the row computes),
// IMPL one of activ, onednn, libtorch, xnnpack, and the copies as
// fwd/memcpy/copy/t1/N and bwd/copy3/copy/t1/N. DIR is fwd or bwd (float32, backward
// from x), bwdy (float32 backward from the forward's output y, as PyTorch's autograd and
// oneDNN's *_use_dst_for_bwd do), or fwd_bf16 / bwd_bf16 / fwd_f16 / bwd_f16 (16-bit
// storage); each DIR has its own copy row of the same bytes (DIR/memcpy/copy or
// DIR/copy3/copy), so every ratio compares like with like. Softmax and log_softmax along an axis
// are softmax/FUNCTION/ROW/AXIS/IMPL/t1/N (see register_softmax_size; --softmax-sizes
// picks their N, --sizes the elementwise N, either may be empty). bench/run_bench.py
// turns the JSON output into docs/results/performance.json and docs/performance.md.
//
// With --accuracy=FILE (peer build only) it instead sweeps every --stride-th float32
// bit pattern through each implementation and writes the max ULP error of each against
// activ's float64 path (x87 long double inside) as JSON.
#include <benchmark/benchmark.h>

#include <activ/activ.hpp>
#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <functional>
#include <limits>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "verify_compare.hpp"

#if ACTIV_BENCH_ONEDNN
#include <omp.h>

#include <oneapi/dnnl/dnnl.hpp>
#endif
#if ACTIV_BENCH_LIBTORCH
#include <ATen/ATen.h>
#include <ATen/Parallel.h>
#endif
#if ACTIV_BENCH_XNNPACK
#include <pthreadpool.h>
#include <xnnpack.h>
#endif

namespace {

// ---- buffers ------------------------------------------------------------------------------

// One size at a time (2^26 floats are 256 MB per array): x in [-10, 10], dy in [-1, 1],
// y and dx outputs. Benchmarks are registered size by size, so each size is filled once.
struct Buffers {
  std::size_t n = 0;
  std::vector<float> x, dy, y, dx, aux;  // aux: a forward result some backward ops read
};

Buffers& buffers(std::size_t n) {
  static Buffers b;
  if (b.n != n) {
    b = Buffers{};
    b.n = n;
    b.x.resize(n), b.dy.resize(n), b.y.resize(n), b.dx.resize(n), b.aux.resize(n);
    std::mt19937 rng(12345);
    std::uniform_real_distribution<float> ux(-10.f, 10.f), ud(-1.f, 1.f);
    for (std::size_t i = 0; i < n; ++i) b.x[i] = ux(rng), b.dy[i] = ud(rng);
    std::fill(b.y.begin(), b.y.end(), 0.f);  // touch the pages before timing
    std::fill(b.dx.begin(), b.dx.end(), 0.f);
    std::fill(b.aux.begin(), b.aux.end(), 0.f);
  }
  return b;
}

// The same x and dy in 16-bit storage, for the fwd_bf16 / bwd_bf16 / fwd_f16 / bwd_f16
// rows; made on first use for a size (most rows do not need them).
struct Buffers16 {
  std::size_t n = 0;
  std::vector<activ::bfloat16> bx, bdy, by, bdx;
  std::vector<activ::float16> hx, hdy, hy, hdx;
};

Buffers16& buffers16(const Buffers& b) {
  static Buffers16 h;
  if (h.n != b.n) {
    h = Buffers16{};
    h.n = b.n;
    for (std::size_t i = 0; i < b.n; ++i) {
      h.bx.push_back(activ::to_bfloat16(b.x[i])), h.bdy.push_back(activ::to_bfloat16(b.dy[i]));
      h.hx.push_back(activ::to_float16(b.x[i])), h.hdy.push_back(activ::to_float16(b.dy[i]));
    }
    h.by.resize(b.n), h.bdx.resize(b.n), h.hy.resize(b.n), h.hdx.resize(b.n);  // zero: pages touched
  }
  return h;
}

// Read x, read dy, write dx: the memory traffic of any backward pass. Vectorised by the
// compiler (-O3), for AVX2 where the machine has it.
__attribute__((target_clones("avx2", "default"))) void copy3(const float* __restrict a, const float* __restrict b,
                                                             float* __restrict c, std::size_t n) {
  for (std::size_t i = 0; i < n; ++i) c[i] = a[i] + b[i];
}
// The same traffic for 16-bit elements.
__attribute__((target_clones("avx2", "default"))) void copy3_16(const std::uint16_t* __restrict a,
                                                                const std::uint16_t* __restrict b,
                                                                std::uint16_t* __restrict c, std::size_t n) {
  for (std::size_t i = 0; i < n; ++i) c[i] = static_cast<std::uint16_t>(a[i] + b[i]);
}

// ---- implementations ------------------------------------------------------------------------

// A prepared forward or backward: called with the buffers, does one pass over n.
using Pass = std::function<void(Buffers&)>;

struct Impl {
  std::string dir;       // fwd | bwd | bwdy | fwd_bf16 | bwd_bf16 | fwd_f16 | bwd_f16
  std::string function;  // the activ spec of the definition
  std::string impl;      // activ | onednn | libtorch | xnnpack | copy
  int threads;           // 1, or the hardware concurrency
  // Builds the pass for size n (called once per benchmark, outside the timing).
  std::function<Pass(Buffers&)> prepare;
};

std::vector<Impl>& registry() {
  static std::vector<Impl> r;
  return r;
}

void add(std::string dir, std::string function, std::string impl, int threads, std::function<Pass(Buffers&)> prepare) {
  registry().push_back({std::move(dir), std::move(function), std::move(impl), threads, std::move(prepare)});
}

// Sets every threading knob there is (they share libgomp where they use OpenMP).
void set_threads(int t) {
  activ::set_num_threads(t);
#if ACTIV_BENCH_ONEDNN
  omp_set_num_threads(t);
#endif
#if ACTIV_BENCH_LIBTORCH
  at::set_num_threads(t);
#endif
  (void)t;
}

// Every unqualified entry; required parameters get the values of the accuracy test.
std::vector<std::string> activ_specs() {
  std::vector<std::string> specs;
  for (const activ::FunctionInfo& f : activ::catalog()) {
    if (f.framework != activ::Framework::activ) continue;
    bool required = false;
    for (const activ::ParamInfo& p : f.params) required |= p.required;
    std::string spec = required ? (f.name == "threshold" ? "threshold(threshold=0.5, value=-2)" : "") : std::string(f.name);
    if (spec.empty()) continue;
    // Elementwise entries only: functions along an axis (where the catalogue has them)
    // are not comparable with memcpy element by element.
    const bool axis = [](const auto& info) {
      if constexpr (requires { info.kind; })
        return info.kind != decltype(info.kind){};  // Kind::elementwise is the first
      else
        return false;
    }(f);
    if (axis) continue;
    specs.push_back(spec);
  }
  return specs;
}

int hardware_threads() { return static_cast<int>(std::max(1u, std::thread::hardware_concurrency())); }

void add_activ(const std::string& spec) {
  const activ::Activation a = activ::parse(spec);
  for (const int t : {1, hardware_threads()}) {
    add("fwd", spec, "activ", t, [a](Buffers&) {
      return Pass([a](Buffers& b) { a.forward(std::span<const float>(b.x), std::span<float>(b.y)); });
    });
    add("bwd", spec, "activ", t, [a](Buffers&) {
      return Pass([a](Buffers& b) {
        a.backward(std::span<const float>(b.x), std::span<const float>(b.dy), std::span<float>(b.dx));
      });
    });
    if (hardware_threads() == 1) break;
  }
}

// Backward from the output and 16-bit storage (one thread): for the entries whose
// derivative follows from y, and for the functions the peers offer in 16 bits.
const std::vector<std::string> kFromOutputSpecs = {"sigmoid", "tanh", "exponential", "elu", "selu", "relu"};
const std::vector<std::string> kStorage16Specs = {"relu", "sigmoid", "tanh", "gelu", "silu", "elu", "mish", "softplus"};

template <class T>
std::span<const T> cspan(const std::vector<T>& v) {
  return std::span<const T>(v);
}

void add_activ_extra() {
  for (const std::string& spec : kFromOutputSpecs) {
    const activ::Activation a = activ::parse(spec);
    add("bwdy", spec, "activ", 1, [a](Buffers& b) {
      a.forward(cspan(b.x), std::span<float>(b.aux));  // the saved forward result, outside the timing
      return Pass([a](Buffers& b) { a.backward_from_output(cspan(b.aux), cspan(b.dy), std::span<float>(b.dx)); });
    });
  }
  for (const std::string& spec : kStorage16Specs) {
    const activ::Activation a = activ::parse(spec);
    add("fwd_bf16", spec, "activ", 1, [a](Buffers& b) {
      Buffers16& h = buffers16(b);
      return Pass([a, &h](Buffers&) { a.forward(cspan(h.bx), std::span<activ::bfloat16>(h.by)); });
    });
    add("bwd_bf16", spec, "activ", 1, [a](Buffers& b) {
      Buffers16& h = buffers16(b);
      return Pass([a, &h](Buffers&) { a.backward(cspan(h.bx), cspan(h.bdy), std::span<activ::bfloat16>(h.bdx)); });
    });
    add("fwd_f16", spec, "activ", 1, [a](Buffers& b) {
      Buffers16& h = buffers16(b);
      return Pass([a, &h](Buffers&) { a.forward(cspan(h.hx), std::span<activ::float16>(h.hy)); });
    });
    add("bwd_f16", spec, "activ", 1, [a](Buffers& b) {
      Buffers16& h = buffers16(b);
      return Pass([a, &h](Buffers&) { a.backward(cspan(h.hx), cspan(h.hdy), std::span<activ::float16>(h.hdx)); });
    });
  }
}

#if ACTIV_BENCH_ONEDNN
// ---- oneDNN eltwise (v2.6 API): forward_inference, and backward from src ---------------------
struct Dnnl {
  dnnl::engine engine{dnnl::engine::kind::cpu, 0};
  dnnl::stream stream{engine};
};
Dnnl& dnnl_ctx() {
  static Dnnl d;
  return d;
}

void add_onednn(const std::string& spec, dnnl::algorithm alg, float alpha, float beta, bool backward = true) {
  const int hw = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  for (const int t : {1, hw}) {
    if (t == hw && hw == 1) break;
    add("fwd", spec, "onednn", t, [=](Buffers& b) {
      Dnnl& d = dnnl_ctx();
      const dnnl::memory::desc md({static_cast<dnnl::memory::dim>(b.n)}, dnnl::memory::data_type::f32,
                                  dnnl::memory::format_tag::a);
      const dnnl::eltwise_forward::primitive_desc pd(
          dnnl::eltwise_forward::desc(dnnl::prop_kind::forward_inference, alg, md, alpha, beta), d.engine);
      auto prim = std::make_shared<dnnl::eltwise_forward>(pd);
      auto src = std::make_shared<dnnl::memory>(md, d.engine, b.x.data());
      auto dst = std::make_shared<dnnl::memory>(md, d.engine, b.y.data());
      return Pass([=, &d](Buffers&) {
        prim->execute(d.stream, {{DNNL_ARG_SRC, *src}, {DNNL_ARG_DST, *dst}});
        d.stream.wait();
      });
    });
    if (!backward) continue;
    add("bwd", spec, "onednn", t, [=](Buffers& b) {
      Dnnl& d = dnnl_ctx();
      const dnnl::memory::desc md({static_cast<dnnl::memory::dim>(b.n)}, dnnl::memory::data_type::f32,
                                  dnnl::memory::format_tag::a);
      const dnnl::eltwise_forward::primitive_desc fpd(
          dnnl::eltwise_forward::desc(dnnl::prop_kind::forward_training, alg, md, alpha, beta), d.engine);
      const dnnl::eltwise_backward::primitive_desc pd(dnnl::eltwise_backward::desc(alg, md, md, alpha, beta),
                                                      d.engine, fpd);
      auto prim = std::make_shared<dnnl::eltwise_backward>(pd);
      auto src = std::make_shared<dnnl::memory>(md, d.engine, b.x.data());
      auto ddst = std::make_shared<dnnl::memory>(md, d.engine, b.dy.data());
      auto dsrc = std::make_shared<dnnl::memory>(md, d.engine, b.dx.data());
      return Pass([=, &d](Buffers&) {
        prim->execute(d.stream, {{DNNL_ARG_SRC, *src}, {DNNL_ARG_DIFF_DST, *ddst}, {DNNL_ARG_DIFF_SRC, *dsrc}});
        d.stream.wait();
      });
    });
  }
}

// oneDNN in the extra rows: backward from dst (the *_use_dst_for_bwd algorithms), and
// bf16 / f16 storage where this oneDNN and CPU implement it (probed on a small tensor:
// rows it rejects are left out rather than failing the run).
using DnnlType = dnnl::memory::data_type;
bool onednn_supports(dnnl::algorithm alg, float alpha, float beta, DnnlType type, bool backward) {
  try {
    Dnnl& d = dnnl_ctx();
    const dnnl::memory::desc md({64}, type, dnnl::memory::format_tag::a);
    const dnnl::eltwise_forward::primitive_desc fpd(
        dnnl::eltwise_forward::desc(dnnl::prop_kind::forward_training, alg, md, alpha, beta), d.engine);
    if (backward) dnnl::eltwise_backward::primitive_desc(dnnl::eltwise_backward::desc(alg, md, md, alpha, beta), d.engine, fpd);
    return true;
  } catch (const dnnl::error&) {
    return false;
  }
}

// One oneDNN eltwise pass over n elements of `type` at the given pointers: forward
// (src -> dst) when diff_dst is null, else backward (from src, or from dst for the
// *_use_dst_for_bwd algorithms).
Pass onednn_pass(dnnl::algorithm alg, float alpha, float beta, DnnlType type, std::size_t n, void* src, void* dst,
                 void* diff_dst = nullptr, void* diff_src = nullptr, bool from_dst = false) {
  Dnnl& d = dnnl_ctx();
  const dnnl::memory::desc md({static_cast<dnnl::memory::dim>(n)}, type, dnnl::memory::format_tag::a);
  const dnnl::eltwise_forward::primitive_desc fpd(
      dnnl::eltwise_forward::desc(diff_dst ? dnnl::prop_kind::forward_training : dnnl::prop_kind::forward_inference,
                                  alg, md, alpha, beta),
      d.engine);
  auto m = [&](void* p) { return std::make_shared<dnnl::memory>(md, d.engine, p); };
  if (!diff_dst) {
    auto prim = std::make_shared<dnnl::eltwise_forward>(fpd);
    auto s = m(src), t = m(dst);
    return [=, &d](Buffers&) {
      prim->execute(d.stream, {{DNNL_ARG_SRC, *s}, {DNNL_ARG_DST, *t}});
      d.stream.wait();
    };
  }
  const dnnl::eltwise_backward::primitive_desc pd(dnnl::eltwise_backward::desc(alg, md, md, alpha, beta), d.engine, fpd);
  auto prim = std::make_shared<dnnl::eltwise_backward>(pd);
  auto data = m(from_dst ? dst : src), dd = m(diff_dst), ds = m(diff_src);
  const int data_arg = from_dst ? DNNL_ARG_DST : DNNL_ARG_SRC;
  return [=, &d](Buffers&) {
    prim->execute(d.stream, {{data_arg, *data}, {DNNL_ARG_DIFF_DST, *dd}, {DNNL_ARG_DIFF_SRC, *ds}});
    d.stream.wait();
  };
}

void add_onednn_extra(const std::string& spec, dnnl::algorithm alg, dnnl::algorithm use_dst_alg, float alpha,
                      float beta) {
  if (std::find(kFromOutputSpecs.begin(), kFromOutputSpecs.end(), spec) != kFromOutputSpecs.end() &&
      onednn_supports(use_dst_alg, alpha, beta, DnnlType::f32, true))
    add("bwdy", spec, "onednn", 1, [=](Buffers& b) {
      onednn_pass(use_dst_alg, alpha, beta, DnnlType::f32, b.n, b.x.data(), b.aux.data())(b);  // y, untimed
      return onednn_pass(use_dst_alg, alpha, beta, DnnlType::f32, b.n, b.x.data(), b.aux.data(), b.dy.data(),
                         b.dx.data(), true);
    });
  if (std::find(kStorage16Specs.begin(), kStorage16Specs.end(), spec) == kStorage16Specs.end()) return;
  for (const bool bf16 : {true, false}) {
    const DnnlType type = bf16 ? DnnlType::bf16 : DnnlType::f16;
    const std::string suffix = bf16 ? "_bf16" : "_f16";
    if (onednn_supports(alg, alpha, beta, type, false))
      add("fwd" + suffix, spec, "onednn", 1, [=](Buffers& b) {
        Buffers16& h = buffers16(b);
        return bf16 ? onednn_pass(alg, alpha, beta, type, b.n, h.bx.data(), h.by.data())
                    : onednn_pass(alg, alpha, beta, type, b.n, h.hx.data(), h.hy.data());
      });
    if (onednn_supports(alg, alpha, beta, type, true))
      add("bwd" + suffix, spec, "onednn", 1, [=](Buffers& b) {
        Buffers16& h = buffers16(b);
        return bf16 ? onednn_pass(alg, alpha, beta, type, b.n, h.bx.data(), h.by.data(), h.bdy.data(), h.bdx.data())
                    : onednn_pass(alg, alpha, beta, type, b.n, h.hx.data(), h.hy.data(), h.hdy.data(), h.hdx.data());
      });
  }
}

void add_onednn_all() {
  using A = dnnl::algorithm;
  add_onednn_extra("relu", A::eltwise_relu, A::eltwise_relu_use_dst_for_bwd, 0, 0);
  add_onednn_extra("sigmoid", A::eltwise_logistic, A::eltwise_logistic_use_dst_for_bwd, 0, 0);
  add_onednn_extra("tanh", A::eltwise_tanh, A::eltwise_tanh_use_dst_for_bwd, 0, 0);
  add_onednn_extra("elu", A::eltwise_elu, A::eltwise_elu_use_dst_for_bwd, 1, 0);
  add_onednn_extra("exponential", A::eltwise_exp, A::eltwise_exp_use_dst_for_bwd, 0, 0);
  add_onednn_extra("gelu", A::eltwise_gelu_erf, A::eltwise_gelu_erf, 0, 0);
  add_onednn_extra("silu", A::eltwise_swish, A::eltwise_swish, 1, 0);
  add_onednn_extra("mish", A::eltwise_mish, A::eltwise_mish, 0, 0);
  add_onednn("relu", A::eltwise_relu, 0, 0);
  add_onednn("leaky_relu", A::eltwise_relu, 0.01f, 0);
  add_onednn("elu", A::eltwise_elu, 1, 0);
  add_onednn("relu6", A::eltwise_clip, 0, 6);
  add_onednn("hard_tanh", A::eltwise_clip, -1, 1);
  add_onednn("tanh", A::eltwise_tanh, 0, 0);
  add_onednn("sigmoid", A::eltwise_logistic, 0, 0);
  add_onednn("gelu", A::eltwise_gelu_erf, 0, 0);
  add_onednn("gelu(approximate=tanh)", A::eltwise_gelu_tanh, 0, 0);
  add_onednn("silu", A::eltwise_swish, 1, 0);
  add_onednn("mish", A::eltwise_mish, 0, 0);
  add_onednn("softplus(threshold=None)", A::eltwise_soft_relu, 0, 0);  // log(1 + e^x), no threshold
  add_onednn("log_sigmoid", A::eltwise_logsigmoid, 0, 0);
  add_onednn("hard_swish", A::eltwise_hardswish, 0, 0);
  add_onednn("exponential", A::eltwise_exp, 0, 0);
}
#endif

#if ACTIV_BENCH_LIBTORCH
// ---- libtorch: the ATen ops PyTorch's autograd calls, with out= where there is one --------------
at::Tensor wrap(std::vector<float>& v) {
  return at::from_blob(v.data(), {static_cast<int64_t>(v.size())}, at::TensorOptions().dtype(at::kFloat));
}

using TorchFwd = std::function<void(at::Tensor& y, const at::Tensor& x)>;
// dx, dy, x, and y = the forward result (PyTorch's sigmoid and tanh backward read it).
using TorchBwd = std::function<void(at::Tensor& dx, const at::Tensor& dy, const at::Tensor& x, const at::Tensor& y)>;

void add_libtorch16(const std::string& spec, const TorchFwd& fwd, const TorchBwd& bwd);

void add_libtorch(const std::string& spec, TorchFwd fwd, TorchBwd bwd) {
  const int hw = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  for (const int t : {1, hw}) {
    if (t == hw && hw == 1) break;
    add("fwd", spec, "libtorch", t, [fwd](Buffers& b) {
      auto x = std::make_shared<at::Tensor>(wrap(b.x));
      auto y = std::make_shared<at::Tensor>(wrap(b.y));
      return Pass([=](Buffers&) { fwd(*y, *x); });
    });
    if (!bwd) continue;
    add("bwd", spec, "libtorch", t, [fwd, bwd](Buffers& b) {
      auto x = std::make_shared<at::Tensor>(wrap(b.x));
      auto dy = std::make_shared<at::Tensor>(wrap(b.dy));
      auto dx = std::make_shared<at::Tensor>(wrap(b.dx));
      auto y = std::make_shared<at::Tensor>(wrap(b.aux));
      fwd(*y, *x);  // the saved forward result, outside the timing
      return Pass([=](Buffers&) { bwd(*dx, *dy, *x, *y); });
    });
  }
  if (std::find(kStorage16Specs.begin(), kStorage16Specs.end(), spec) != kStorage16Specs.end())
    add_libtorch16(spec, fwd, bwd);
}

// The same ATen ops on bfloat16 and float16 tensors (what a model in that dtype runs),
// where this libtorch implements them on the CPU (probed on a small tensor).
void add_libtorch16(const std::string& spec, const TorchFwd& fwd, const TorchBwd& bwd) {
  for (const bool bf16 : {true, false}) {
    const at::ScalarType type = bf16 ? at::kBFloat16 : at::kHalf;
    const std::string suffix = bf16 ? "_bf16" : "_f16";
    auto wrap16 = [type](void* p, std::size_t n) {
      return at::from_blob(p, {static_cast<int64_t>(n)}, at::TensorOptions().dtype(type));
    };
    bool forward_ok = true, backward_ok = static_cast<bool>(bwd);
    try {
      at::Tensor x = at::linspace(-3, 3, 64).to(type), y = at::empty_like(x), dx = at::empty_like(x);
      fwd(y, x);
      if (backward_ok) try {
          bwd(dx, at::ones_like(x), x, y);
        } catch (const c10::Error&) {
          backward_ok = false;
        }
    } catch (const c10::Error&) {
      forward_ok = backward_ok = false;
    }
    if (forward_ok)
      add("fwd" + suffix, spec, "libtorch", 1, [=](Buffers& b) {
        Buffers16& h = buffers16(b);
        auto x = std::make_shared<at::Tensor>(bf16 ? wrap16(h.bx.data(), b.n) : wrap16(h.hx.data(), b.n));
        auto y = std::make_shared<at::Tensor>(bf16 ? wrap16(h.by.data(), b.n) : wrap16(h.hy.data(), b.n));
        return Pass([=](Buffers&) { fwd(*y, *x); });
      });
    if (backward_ok)
      add("bwd" + suffix, spec, "libtorch", 1, [=](Buffers& b) {
        Buffers16& h = buffers16(b);
        auto x = std::make_shared<at::Tensor>(bf16 ? wrap16(h.bx.data(), b.n) : wrap16(h.hx.data(), b.n));
        auto dy = std::make_shared<at::Tensor>(bf16 ? wrap16(h.bdy.data(), b.n) : wrap16(h.hdy.data(), b.n));
        auto dx = std::make_shared<at::Tensor>(bf16 ? wrap16(h.bdx.data(), b.n) : wrap16(h.hdx.data(), b.n));
        auto y = std::make_shared<at::Tensor>(at::empty_like(*x));
        fwd(*y, *x);  // the saved forward result, outside the timing
        return Pass([=](Buffers&) { bwd(*dx, *dy, *x, *y); });
      });
  }
}

// Backward from the saved output y: the ops PyTorch's autograd calls for these functions.
void add_libtorch_from_output(const std::string& spec, TorchFwd fwd,
                              std::function<void(at::Tensor& dx, const at::Tensor& dy, const at::Tensor& y)> bwd) {
  add("bwdy", spec, "libtorch", 1, [fwd, bwd](Buffers& b) {
    auto x = std::make_shared<at::Tensor>(wrap(b.x));
    auto dy = std::make_shared<at::Tensor>(wrap(b.dy));
    auto dx = std::make_shared<at::Tensor>(wrap(b.dx));
    auto y = std::make_shared<at::Tensor>(wrap(b.aux));
    fwd(*y, *x);  // the saved forward result, outside the timing
    return Pass([=](Buffers&) { bwd(*dx, *dy, *y); });
  });
}

void add_libtorch_all() {
  add_libtorch("relu", [](at::Tensor& y, const at::Tensor& x) { at::relu_out(y, x); },
               [](at::Tensor& dx, const at::Tensor& dy, const at::Tensor& x, const at::Tensor&) {
                 at::threshold_backward_out(dx, dy, x, 0);
               });
  add_libtorch("leaky_relu", [](at::Tensor& y, const at::Tensor& x) { at::leaky_relu_out(y, x, 0.01); },
               [](at::Tensor& dx, const at::Tensor& dy, const at::Tensor& x, const at::Tensor&) {
                 at::leaky_relu_backward_out(dx, dy, x, 0.01, false);
               });
  add_libtorch("relu6", [](at::Tensor& y, const at::Tensor& x) { at::hardtanh_out(y, x, 0, 6); },
               [](at::Tensor& dx, const at::Tensor& dy, const at::Tensor& x, const at::Tensor&) {
                 at::hardtanh_backward_out(dx, dy, x, 0, 6);
               });
  add_libtorch("hard_tanh", [](at::Tensor& y, const at::Tensor& x) { at::hardtanh_out(y, x, -1, 1); },
               [](at::Tensor& dx, const at::Tensor& dy, const at::Tensor& x, const at::Tensor&) {
                 at::hardtanh_backward_out(dx, dy, x, -1, 1);
               });
  add_libtorch("elu", [](at::Tensor& y, const at::Tensor& x) { at::elu_out(y, x, 1, 1, 1); },
               [](at::Tensor& dx, const at::Tensor& dy, const at::Tensor& x, const at::Tensor&) {
                 at::elu_backward_out(dx, dy, 1, 1, 1, false, x);
               });
  add_libtorch("gelu", [](at::Tensor& y, const at::Tensor& x) { at::gelu_out(y, x, "none"); },
               [](at::Tensor& dx, const at::Tensor& dy, const at::Tensor& x, const at::Tensor&) {
                 at::gelu_backward_out(dx, dy, x, "none");
               });
  add_libtorch("gelu(approximate=tanh)", [](at::Tensor& y, const at::Tensor& x) { at::gelu_out(y, x, "tanh"); },
               [](at::Tensor& dx, const at::Tensor& dy, const at::Tensor& x, const at::Tensor&) {
                 at::gelu_backward_out(dx, dy, x, "tanh");
               });
  add_libtorch("silu", [](at::Tensor& y, const at::Tensor& x) { at::silu_out(y, x); },
               [](at::Tensor& dx, const at::Tensor& dy, const at::Tensor& x, const at::Tensor&) {
                 at::silu_backward_out(dx, dy, x);
               });
  add_libtorch("mish", [](at::Tensor& y, const at::Tensor& x) { at::mish_out(y, x); },
               [](at::Tensor& dx, const at::Tensor& dy, const at::Tensor& x, const at::Tensor&) {
                 dx.copy_(at::mish_backward(dy, x));  // no out= variant: includes an allocation
               });
  add_libtorch("sigmoid", [](at::Tensor& y, const at::Tensor& x) { at::sigmoid_out(y, x); },
               [](at::Tensor& dx, const at::Tensor& dy, const at::Tensor&, const at::Tensor& y) {
                 at::sigmoid_backward_out(dx, dy, y);
               });
  add_libtorch("tanh", [](at::Tensor& y, const at::Tensor& x) { at::tanh_out(y, x); },
               [](at::Tensor& dx, const at::Tensor& dy, const at::Tensor&, const at::Tensor& y) {
                 at::tanh_backward_out(dx, dy, y);
               });
  add_libtorch("softplus", [](at::Tensor& y, const at::Tensor& x) { at::softplus_out(y, x, 1, 20); },
               [](at::Tensor& dx, const at::Tensor& dy, const at::Tensor& x, const at::Tensor&) {
                 at::softplus_backward_out(dx, dy, x, 1, 20);
               });
  add_libtorch("hard_swish", [](at::Tensor& y, const at::Tensor& x) { at::hardswish_out(y, x); },
               [](at::Tensor& dx, const at::Tensor& dy, const at::Tensor& x, const at::Tensor&) {
                 at::hardswish_backward_out(dx, dy, x);
               });
  add_libtorch("hard_sigmoid", [](at::Tensor& y, const at::Tensor& x) { at::hardsigmoid_out(y, x); },
               [](at::Tensor& dx, const at::Tensor& dy, const at::Tensor& x, const at::Tensor&) {
                 at::hardsigmoid_backward_out(dx, dy, x);
               });
  add_libtorch("soft_shrink", [](at::Tensor& y, const at::Tensor& x) { at::softshrink_out(y, x, 0.5); },
               [](at::Tensor& dx, const at::Tensor& dy, const at::Tensor& x, const at::Tensor&) {
                 at::softshrink_backward_out(dx, dy, x, 0.5);
               });
  add_libtorch("exponential", [](at::Tensor& y, const at::Tensor& x) { at::exp_out(y, x); }, nullptr);
  using T = at::Tensor;
  add_libtorch_from_output("relu", [](T& y, const T& x) { at::relu_out(y, x); },
                           [](T& dx, const T& dy, const T& y) { at::threshold_backward_out(dx, dy, y, 0); });
  add_libtorch_from_output("sigmoid", [](T& y, const T& x) { at::sigmoid_out(y, x); },
                           [](T& dx, const T& dy, const T& y) { at::sigmoid_backward_out(dx, dy, y); });
  add_libtorch_from_output("tanh", [](T& y, const T& x) { at::tanh_out(y, x); },
                           [](T& dx, const T& dy, const T& y) { at::tanh_backward_out(dx, dy, y); });
  add_libtorch_from_output("exponential", [](T& y, const T& x) { at::exp_out(y, x); },
                           [](T& dx, const T& dy, const T& y) { at::mul_out(dx, dy, y); });
  add_libtorch_from_output("elu", [](T& y, const T& x) { at::elu_out(y, x, 1, 1, 1); },
                           [](T& dx, const T& dy, const T& y) { at::elu_backward_out(dx, dy, 1, 1, 1, true, y); });
  // SELU's constants as torch.nn.functional.selu passes them to elu.
  constexpr double kSeluAlpha = 1.6732632423543772848170429916717, kSeluScale = 1.0507009873554804934193349852946;
  add_libtorch_from_output("selu", [=](T& y, const T& x) { at::elu_out(y, x, kSeluAlpha, kSeluScale, 1); },
                           [=](T& dx, const T& dy, const T& y) {
                             at::elu_backward_out(dx, dy, kSeluAlpha, kSeluScale, 1, true, y);
                           });
  add_libtorch("log_sigmoid", [](at::Tensor& y, const at::Tensor& x) { at::log_sigmoid_out(y, x); }, nullptr);
}
#endif

#if ACTIV_BENCH_XNNPACK
// ---- XNNPACK unary operators (inference only: no backward) ---------------------------------------
using XnnCreate = std::function<xnn_status(xnn_operator_t*)>;
using XnnSetup = std::function<xnn_status(xnn_operator_t, std::size_t, const float*, float*, pthreadpool_t)>;

void add_xnnpack(const std::string& spec, XnnCreate create, XnnSetup setup) {
  const int hw = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  for (const int t : {1, hw}) {
    if (t == hw && hw == 1) break;
    add("fwd", spec, "xnnpack", t, [=](Buffers& b) {
      xnn_operator_t op = nullptr;
      if (create(&op) != xnn_status_success) throw std::runtime_error("xnnpack: create failed for " + spec);
      std::shared_ptr<xnn_operator> owner(op, xnn_delete_operator);
      std::shared_ptr<pthreadpool> pool(t > 1 ? pthreadpool_create(t) : nullptr, [](pthreadpool_t p) {
        if (p) pthreadpool_destroy(p);
      });
      // channels = strides = 1 and batch = n: XNNPACK treats it as one contiguous range.
      if (setup(op, b.n, b.x.data(), b.y.data(), pool.get()) != xnn_status_success)
        throw std::runtime_error("xnnpack: setup failed for " + spec);
      return Pass([owner, pool](Buffers&) { xnn_run_operator(owner.get(), pool.get()); });
    });
  }
}

void add_xnnpack_all() {
  if (xnn_initialize(nullptr) != xnn_status_success) {
    std::fprintf(stderr, "bench: xnn_initialize failed; XNNPACK skipped\n");
    return;
  }
  auto clamp = [](float lo, float hi) {
    return [lo, hi](xnn_operator_t* op) { return xnn_create_clamp_nc_f32(1, 1, 1, lo, hi, 0, op); };
  };
  const float inf = std::numeric_limits<float>::infinity();
  add_xnnpack("relu", clamp(0, inf), xnn_setup_clamp_nc_f32);
  add_xnnpack("relu6", clamp(0, 6), xnn_setup_clamp_nc_f32);
  add_xnnpack("hard_tanh", clamp(-1, 1), xnn_setup_clamp_nc_f32);
  add_xnnpack("leaky_relu", [](xnn_operator_t* op) { return xnn_create_leaky_relu_nc_f32(1, 1, 1, 0.01f, 0, op); },
              xnn_setup_leaky_relu_nc_f32);
  add_xnnpack("elu", [](xnn_operator_t* op) { return xnn_create_elu_nc_f32(1, 1, 1, 1.0f, 0, op); },
              xnn_setup_elu_nc_f32);
  add_xnnpack("sigmoid", [](xnn_operator_t* op) { return xnn_create_sigmoid_nc_f32(1, 1, 1, 0, op); },
              xnn_setup_sigmoid_nc_f32);
  add_xnnpack("hard_swish", [](xnn_operator_t* op) { return xnn_create_hardswish_nc_f32(1, 1, 1, 0, op); },
              xnn_setup_hardswish_nc_f32);
}
#endif

// ---- softmax along an axis (issue 5) ------------------------------------------------------
// Names: softmax/FUNCTION/ROW/AXIS/IMPL/t1/N, FUNCTION softmax or log_softmax over rows
// of ROW elements of an N-element float32 tensor: AXIS "last" is shape (N/ROW, ROW)
// along axis 1 (contiguous rows), "first" is shape (ROW, N/ROW) along axis 0 (each row
// strided by N/ROW). One thread; memcpy of the same bytes is fwd/memcpy/copy/t1/N.
// FUNCTION softmax_bwdy / log_softmax_bwdy is the backward from the output (read y and
// dy, write dx: PyTorch's _softmax_backward_data, oneDNN's softmax backward), whose
// like-for-like copy is the three-stream bwd/copy3/copy/t1/N.
struct SoftmaxCase {
  std::string function;  // softmax | log_softmax | softmax_bwdy | log_softmax_bwdy
  std::size_t row = 0;
  bool last = true;
  bool backward() const { return function.ends_with("_bwdy"); }
  bool log() const { return function.starts_with("log_"); }
  std::string forward_function() const { return log() ? "log_softmax" : "softmax"; }
  // The tensor's two dims and the softmax axis.
  std::int64_t dim0(std::size_t n) const { return static_cast<std::int64_t>(last ? n / row : row); }
  std::int64_t dim1(std::size_t n) const { return static_cast<std::int64_t>(last ? row : n / row); }
  int axis() const { return last ? 1 : 0; }
};

struct SoftmaxImpl {
  std::string impl;
  bool log_softmax = true;  // offers log_softmax too
  bool first_axis = true;   // offers axis 0 (XNNPACK's softmax is over contiguous rows only)
  std::function<Pass(Buffers&, const SoftmaxCase&)> prepare;
  bool backward = true;  // offers the backward from the output (XNNPACK has none)
};

std::vector<SoftmaxImpl>& softmax_registry() {
  static std::vector<SoftmaxImpl> r;
  return r;
}

void add_softmax_activ() {
  softmax_registry().push_back({"activ", true, true, [](Buffers& b, const SoftmaxCase& c) {
    const activ::Activation a = activ::parse(c.forward_function() + "(axis=" + std::to_string(c.axis()) + ")");
    const activ::Shape shape = {static_cast<std::size_t>(c.dim0(b.n)), static_cast<std::size_t>(c.dim1(b.n))};
    if (c.backward()) {
      // y = the forward's output, in aux
      a.forward(activ::ConstTensorView<float>(b.x.data(), shape), activ::TensorView<float>(b.aux.data(), shape));
      return Pass([a, shape](Buffers& bb) {
        a.backward_from_output(activ::ConstTensorView<float>(bb.aux.data(), shape),
                               activ::ConstTensorView<float>(bb.dy.data(), shape),
                               activ::TensorView<float>(bb.dx.data(), shape));
      });
    }
    return Pass([a, shape](Buffers& bb) {
      a.forward(activ::ConstTensorView<float>(bb.x.data(), shape), activ::TensorView<float>(bb.y.data(), shape));
    });
  }});
}

#if ACTIV_BENCH_ONEDNN
void add_softmax_onednn() {
  softmax_registry().push_back({"onednn", true, true, [](Buffers& b, const SoftmaxCase& c) {
    Dnnl& d = dnnl_ctx();
    const dnnl::memory::desc md({c.dim0(b.n), c.dim1(b.n)}, dnnl::memory::data_type::f32, dnnl::memory::format_tag::ab);
    const auto alg = c.log() ? dnnl::algorithm::softmax_log : dnnl::algorithm::softmax_accurate;
    if (c.backward()) {
      const dnnl::softmax_v2_forward::primitive_desc fwd(
          dnnl::softmax_v2_forward::desc(dnnl::prop_kind::forward_training, alg, md, md, c.axis()), d.engine);
      dnnl::softmax_v2_forward(fwd).execute(d.stream, {{DNNL_ARG_SRC, dnnl::memory(md, d.engine, b.x.data())},
                                                       {DNNL_ARG_DST, dnnl::memory(md, d.engine, b.aux.data())}});
      d.stream.wait();
      const dnnl::softmax_v2_backward::primitive_desc bpd(dnnl::softmax_v2_backward::desc(alg, md, md, md, c.axis()),
                                                           d.engine, fwd);
      auto prim = std::make_shared<dnnl::softmax_v2_backward>(bpd);
      auto dst = std::make_shared<dnnl::memory>(md, d.engine, b.aux.data());
      auto diff_dst = std::make_shared<dnnl::memory>(md, d.engine, b.dy.data());
      auto diff_src = std::make_shared<dnnl::memory>(md, d.engine, b.dx.data());
      return Pass([=, &d](Buffers&) {
        prim->execute(d.stream, {{DNNL_ARG_DST, *dst}, {DNNL_ARG_DIFF_DST, *diff_dst}, {DNNL_ARG_DIFF_SRC, *diff_src}});
        d.stream.wait();
      });
    }
    const dnnl::softmax_v2_forward::primitive_desc pd(
        dnnl::softmax_v2_forward::desc(dnnl::prop_kind::forward_inference, alg, md, md, c.axis()), d.engine);
    auto prim = std::make_shared<dnnl::softmax_v2_forward>(pd);
    auto src = std::make_shared<dnnl::memory>(md, d.engine, b.x.data());
    auto dst = std::make_shared<dnnl::memory>(md, d.engine, b.y.data());
    return Pass([=, &d](Buffers&) {
      prim->execute(d.stream, {{DNNL_ARG_SRC, *src}, {DNNL_ARG_DST, *dst}});
      d.stream.wait();
    });
  }});
}
#endif

#if ACTIV_BENCH_LIBTORCH
void add_softmax_libtorch() {
  // at::_softmax_out / _log_softmax_out: what torch.softmax(x, dim) runs on a float tensor.
  softmax_registry().push_back({"libtorch", true, true, [](Buffers& b, const SoftmaxCase& c) {
    const auto opts = at::TensorOptions().dtype(at::kFloat);
    auto x = std::make_shared<at::Tensor>(at::from_blob(b.x.data(), {c.dim0(b.n), c.dim1(b.n)}, opts));
    auto y = std::make_shared<at::Tensor>(at::from_blob(b.y.data(), {c.dim0(b.n), c.dim1(b.n)}, opts));
    const bool log = c.log();
    const int axis = c.axis();
    if (c.backward()) {
      // What autograd runs for torch.softmax's backward: y kept from the forward.
      auto out = std::make_shared<at::Tensor>(at::from_blob(b.aux.data(), {c.dim0(b.n), c.dim1(b.n)}, opts));
      auto dy = std::make_shared<at::Tensor>(at::from_blob(b.dy.data(), {c.dim0(b.n), c.dim1(b.n)}, opts));
      auto dx = std::make_shared<at::Tensor>(at::from_blob(b.dx.data(), {c.dim0(b.n), c.dim1(b.n)}, opts));
      if (log) at::_log_softmax_out(*out, *x, axis, false);
      else at::_softmax_out(*out, *x, axis, false);
      return Pass([=](Buffers&) {
        if (log) at::_log_softmax_backward_data_out(*dx, *dy, *out, axis, at::kFloat);
        else at::_softmax_backward_data_out(*dx, *dy, *out, axis, at::kFloat);
      });
    }
    return Pass([=](Buffers&) {
      if (log) at::_log_softmax_out(*y, *x, axis, false);
      else at::_softmax_out(*y, *x, axis, false);
    });
  }});
}
#endif

#if ACTIV_BENCH_XNNPACK
void add_softmax_xnnpack() {
  softmax_registry().push_back({"xnnpack", false, false, [](Buffers& b, const SoftmaxCase& c) {
    xnn_operator_t op = nullptr;
    if (xnn_initialize(nullptr) != xnn_status_success || xnn_create_softmax_nc_f32(c.row, c.row, c.row, 0, &op) != xnn_status_success)
      throw std::runtime_error("xnnpack: softmax create failed");
    std::shared_ptr<xnn_operator> owner(op, xnn_delete_operator);
    if (xnn_setup_softmax_nc_f32(op, b.n / c.row, b.x.data(), b.y.data(), nullptr) != xnn_status_success)
      throw std::runtime_error("xnnpack: softmax setup failed");
    return Pass([owner](Buffers&) { xnn_run_operator(owner.get(), nullptr); });
  }, false});
}
#endif

void register_softmax_impls() {
  add_softmax_activ();
#if ACTIV_BENCH_ONEDNN
  add_softmax_onednn();
#endif
#if ACTIV_BENCH_LIBTORCH
  add_softmax_libtorch();
#endif
#if ACTIV_BENCH_XNNPACK
  add_softmax_xnnpack();
#endif
}

// Row lengths 8 to 2^16 at both axes, for the sizes that hold at least one row.
void register_softmax_size(std::size_t n) {
  const std::string ns = std::to_string(n);
  for (const std::size_t row : {std::size_t{8}, std::size_t{64}, std::size_t{1024}, std::size_t{1} << 16}) {
    if (row > n) continue;
    for (const bool last : {true, false}) {
      for (const char* function : {"softmax", "log_softmax", "softmax_bwdy", "log_softmax_bwdy"}) {
        const SoftmaxCase c{function, row, last};
        for (const SoftmaxImpl& im : softmax_registry()) {
          if ((!last && !im.first_axis) || (c.log() && !im.log_softmax) || (c.backward() && !im.backward)) continue;
          const std::string name = "softmax/" + c.function + "/" + std::to_string(row) + "/" + (last ? "last" : "first") +
                                   "/" + im.impl + "/t1/" + ns;
          benchmark::RegisterBenchmark(name.c_str(), [im, c, n](benchmark::State& st) {
            Buffers& b = buffers(n);
            set_threads(1);
            const Pass pass = im.prepare(b, c);
            pass(b);  // warm: first touch, lazy initialisation, JIT (oneDNN)
            for (auto _ : st) {
              pass(b);
              benchmark::ClobberMemory();
            }
          })->UseRealTime();
        }
      }
    }
  }
}

// The copy of the same bytes for each extra DIR: memcpy (forward) or the three-stream
// copy (backward), of float32 for bwdy and of 16-bit elements for the storage rows.
void register_extra_copies(std::size_t n) {
  const std::string ns = std::to_string(n);
  for (const char* dir : {"fwd_bf16", "fwd_f16"})
    benchmark::RegisterBenchmark((std::string(dir) + "/memcpy/copy/t1/" + ns).c_str(), [n](benchmark::State& st) {
      Buffers16& h = buffers16(buffers(n));
      for (auto _ : st) {
        std::memcpy(h.by.data(), h.bx.data(), n * 2);
        benchmark::ClobberMemory();
      }
    })->UseRealTime();
  for (const char* dir : {"bwd_bf16", "bwd_f16"})
    benchmark::RegisterBenchmark((std::string(dir) + "/copy3/copy/t1/" + ns).c_str(), [n](benchmark::State& st) {
      Buffers16& h = buffers16(buffers(n));
      for (auto _ : st) {
        copy3_16(&h.bx[0].bits, &h.bdy[0].bits, &h.bdx[0].bits, n);
        benchmark::ClobberMemory();
      }
    })->UseRealTime();
  benchmark::RegisterBenchmark(("bwdy/copy3/copy/t1/" + ns).c_str(), [n](benchmark::State& st) {
    Buffers& b = buffers(n);
    for (auto _ : st) {
      copy3(b.aux.data(), b.dy.data(), b.dx.data(), n);
      benchmark::ClobberMemory();
    }
  })->UseRealTime();
}

// Elementwise functions at `sizes`, softmax rows at `softmax_sizes`; either may be empty.
void register_all(const std::vector<std::size_t>& sizes, const std::vector<std::size_t>& softmax_sizes) {
  for (const std::string& spec : activ_specs()) add_activ(spec);
#if ACTIV_BENCH_ONEDNN
  add_onednn_all();
#endif
#if ACTIV_BENCH_LIBTORCH
  add_libtorch_all();
#endif
#if ACTIV_BENCH_XNNPACK
  add_xnnpack_all();
#endif
  // activ in every peer row, also where the row's definition is not an unqualified
  // default (gelu(approximate=tanh), softplus(threshold=None)).
  std::vector<std::string> extra;
  for (const Impl& im : registry())
    if (std::find(extra.begin(), extra.end(), im.function) == extra.end() &&
        std::none_of(registry().begin(), registry().end(),
                     [&](const Impl& o) { return o.impl == "activ" && o.function == im.function; }))
      extra.push_back(im.function);
  for (const std::string& spec : extra) add_activ(spec);
  add_activ_extra();
  register_softmax_impls();
  // Size by size, so each size's buffers are allocated once; copies first in each size.
  std::vector<std::size_t> all = sizes;
  all.insert(all.end(), softmax_sizes.begin(), softmax_sizes.end());
  std::sort(all.begin(), all.end());
  all.erase(std::unique(all.begin(), all.end()), all.end());
  for (const std::size_t n : all) {
    const bool elementwise = std::find(sizes.begin(), sizes.end(), n) != sizes.end();
    const std::string ns = std::to_string(n);
    benchmark::RegisterBenchmark(("fwd/memcpy/copy/t1/" + ns).c_str(), [n](benchmark::State& st) {
      Buffers& b = buffers(n);
      for (auto _ : st) {
        std::memcpy(b.y.data(), b.x.data(), n * sizeof(float));
        benchmark::ClobberMemory();
      }
      st.SetBytesProcessed(static_cast<int64_t>(st.iterations() * n * 2 * sizeof(float)));
    })->UseRealTime();
    benchmark::RegisterBenchmark(("bwd/copy3/copy/t1/" + ns).c_str(), [n](benchmark::State& st) {
      Buffers& b = buffers(n);
      for (auto _ : st) {
        copy3(b.x.data(), b.dy.data(), b.dx.data(), n);
        benchmark::ClobberMemory();
      }
      st.SetBytesProcessed(static_cast<int64_t>(st.iterations() * n * 3 * sizeof(float)));
    })->UseRealTime();
    if (std::find(softmax_sizes.begin(), softmax_sizes.end(), n) != softmax_sizes.end()) register_softmax_size(n);
    if (!elementwise) continue;
    register_extra_copies(n);
    for (const Impl& im : registry()) {
      const std::string name = im.dir + "/" + im.function + "/" + im.impl + "/t" + std::to_string(im.threads) + "/" + ns;
      benchmark::RegisterBenchmark(name.c_str(), [im, n](benchmark::State& st) {
        Buffers& b = buffers(n);
        set_threads(im.threads);
        const Pass pass = im.prepare(b);
        pass(b);  // warm: first-touch, lazy initialisation, JIT (oneDNN)
        for (auto _ : st) {
          pass(b);
          benchmark::ClobberMemory();
        }
        set_threads(1);
      })->UseRealTime();
    }
  }
}

// ---- accuracy of every implementation against activ's float64 path ------------------------

struct Score {
  double max_ulp = 0;
  float at = 0;
  std::uint64_t nan = 0, inf = 0, above_1 = 0, points = 0;
};

// got[i] for x[i]; ref[i] the float64 reference.
Score score(const std::vector<float>& x, const std::vector<float>& got, const std::vector<double>& ref) {
  Score s;
  for (std::size_t i = 0; i < x.size(); ++i) {
    const auto r = activ::cli::verify::score_f32(got[i], ref[i]);
    s.nan += r.mismatch == activ::cli::verify::Mismatch::nan;
    s.inf += r.mismatch == activ::cli::verify::Mismatch::inf;
    s.above_1 += r.ulp > 1;
    // The max over points where both sides are finite (or both NaN / the same infinity);
    // NaN and infinity mismatches are counted apart, so one does not hide the other.
    if (r.mismatch == activ::cli::verify::Mismatch::none && r.ulp > s.max_ulp) s.max_ulp = r.ulp, s.at = x[i];
  }
  s.points = x.size();
  return s;
}

int run_accuracy(const std::string& path, std::uint64_t stride) {
  std::vector<float> x;
  for (std::uint64_t k = 0; k < (std::uint64_t{1} << 32); k += stride) x.push_back(std::bit_cast<float>(static_cast<std::uint32_t>(k)));
  const std::size_t n = x.size();
  Buffers b;
  b.n = n;
  b.x = x;
  b.dy.assign(n, 1.f);
  b.y.assign(n, 0.f), b.dx.assign(n, 0.f), b.aux.assign(n, 0.f);
  std::vector<double> xd(x.begin(), x.end()), ones(n, 1.0), yref(n), gref(n);
  std::string cached;
  std::FILE* out = std::fopen(path.c_str(), "w");
  if (!out) return 2;
  std::fprintf(out, "{\"stride\": %llu, \"points\": %zu, \"results\": [\n", static_cast<unsigned long long>(stride), n);
  bool first = true;
  set_threads(1);
  auto emit = [&](const Impl& im, const Score& s) {
    std::fprintf(out, "%s {\"dir\": \"%s\", \"function\": \"%s\", \"impl\": \"%s\", \"max_ulp\": %s, \"at\": \"%.9g\", "
                 "\"above_1\": %llu, \"nan_mismatches\": %llu, \"inf_mismatches\": %llu}",
                 first ? "" : ",\n", im.dir.c_str(), im.function.c_str(), im.impl.c_str(),
                 std::isfinite(s.max_ulp) ? std::to_string(s.max_ulp).c_str() : "null", static_cast<double>(s.at),
                 static_cast<unsigned long long>(s.above_1), static_cast<unsigned long long>(s.nan),
                 static_cast<unsigned long long>(s.inf));
    first = false;
  };
  // Every implementation of a function that some peer offers, activ included.
  std::map<std::string, bool> peer_functions;
  for (const Impl& im : registry())
    if (im.impl != "activ" && (im.dir == "fwd" || im.dir == "bwd")) peer_functions[im.function] = true;
  for (const Impl& im : registry()) {
    if (im.threads != 1 || !peer_functions.count(im.function) || (im.dir != "fwd" && im.dir != "bwd")) continue;
    if (cached != im.function) {
      const activ::Activation a = activ::parse(im.function);
      a.forward(std::span<const double>(xd), std::span<double>(yref));
      a.backward(std::span<const double>(xd), std::span<const double>(ones), std::span<double>(gref));
      cached = im.function;
    }
    const Pass pass = im.prepare(b);
    pass(b);
    emit(im, score(x, im.dir == "fwd" ? b.y : b.dx, im.dir == "fwd" ? yref : gref));
    std::fprintf(stderr, "accuracy: %s %s %s done\n", im.dir.c_str(), im.function.c_str(), im.impl.c_str());
  }
  std::fprintf(out, "\n]}\n");
  return std::fclose(out) == 0 ? 0 : 2;
}

// "12,16" -> {2^12, 2^16}.
std::vector<std::size_t> parse_sizes(const std::string& list) {
  std::vector<std::size_t> sizes;
  for (std::size_t p = 0; p < list.size();) {
    const std::size_t q = std::min(list.find(',', p), list.size());
    sizes.push_back(std::size_t{1} << std::stoi(list.substr(p, q - p)));
    p = q + 1;
  }
  return sizes;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::size_t> sizes = {std::size_t{1} << 12, std::size_t{1} << 16, std::size_t{1} << 20,
                                    std::size_t{1} << 26};
  std::vector<std::size_t> softmax_sizes = {std::size_t{1} << 20, std::size_t{1} << 26};
  std::string accuracy;
  std::uint64_t stride = 4097;
  std::vector<char*> rest = {argv[0]};
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a.rfind("--sizes=", 0) == 0) {  // e.g. --sizes=12,16 (powers of two); empty: none
      sizes = parse_sizes(a.substr(8));
    } else if (a.rfind("--softmax-sizes=", 0) == 0) {  // e.g. --softmax-sizes=20,26; empty: none
      softmax_sizes = parse_sizes(a.substr(16));
    } else if (a.rfind("--accuracy=", 0) == 0) {
      accuracy = a.substr(11);
    } else if (a.rfind("--stride=", 0) == 0) {
      stride = std::stoull(a.substr(9));
    } else {
      rest.push_back(argv[i]);
    }
  }
  if (!accuracy.empty()) {
    register_all({}, {});
    return run_accuracy(accuracy, stride);
  }
  register_all(sizes, softmax_sizes);
  int rc = static_cast<int>(rest.size());
  benchmark::Initialize(&rc, rest.data());
  if (benchmark::ReportUnrecognizedArguments(rc, rest.data())) return 2;
  benchmark::AddCustomContext("activ_version", activ::kVersion);
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
