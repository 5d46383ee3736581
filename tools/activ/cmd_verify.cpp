// activ verify SPEC [--exhaustive | --stride N] [--threads T] [--oracle-check K] [--json]:
// runs the shipped float32 kernels (Activation::forward / backward on float spans, in
// blocks of 2^16) over all 2^32 float32 bit patterns, or every N-th, and scores each
// result in float32 ULP against the scalar float32 kernels' own float64 evaluation before
// their final rounding (detail::wide_f32_kernels: double libm, a few double ULP from
// exact, ~2^-28 float ULP). Forward and
// derivative (dy = 1). A sample of points is re-scored against the MPFR oracle
// (activ_reference) to check the fast reference. Exit 1 when a bar is missed
// (forward 1 ULP, derivative 2 ULP, piecewise-linear entries exact), 2 on bad input.
#include <fmt/core.h>

#include <algorithm>
#include <atomic>
#include <bit>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <limits>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "cmd_verify.hpp"
#include "catalog/entry.hpp"
#include "common.hpp"
#include "kernels/kernels.hpp"
#include "reference/reference.hpp"
#include "verify_compare.hpp"

namespace activ::cli {
namespace {

using reference::What;
using verify::Exactness;
using verify::Mismatch;

constexpr std::uint64_t kAllPatterns = std::uint64_t{1} << 32;
constexpr std::uint64_t kDefaultStride = 65537;  // 65 536 points spread over every exponent
constexpr std::size_t kBlock = std::size_t{1} << 16;
// The most the fast reference's score may differ from MPFR's at a check point (float ULP).
// Measured: about 4e-9 (a few double ULP); 1e-3 leaves the verdicts meaningful at 3 digits.
constexpr double kMaxReferenceDisagreement = 1e-3;

struct VerifyOptions {
  std::string spec;
  bool exhaustive = false;
  std::uint64_t stride = 0;  // 0: not given
  unsigned threads = 0;      // 0: not given
  std::string dtype = "f32";
  std::size_t oracle_check = 64;
  bool json = false;
};

// One direction's tally. The worst point is the largest error, ties going to the lower
// point index, so the report does not depend on the thread count.
struct Tally {
  double max_ulp = -1;
  std::uint64_t max_index = 0;
  std::uint32_t max_bits = 0;
  float max_got = 0;
  double max_ref = 0;
  std::uint64_t above_half = 0, above_1 = 0, above_2 = 0;
  std::uint64_t nan_mismatches = 0, inf_mismatches = 0;
  std::uint64_t inexact = 0;       // piecewise-linear only: not the rounded reference
  std::uint64_t ties_resolved = 0; // piecewise-linear: reference ties the oracle settled
  std::uint64_t first_inexact_index = std::numeric_limits<std::uint64_t>::max();
  std::uint32_t first_inexact_bits = 0;

  void add(double ulp, std::uint64_t index, std::uint32_t bits, float got, double ref) {
    if (ulp > max_ulp || (ulp == max_ulp && index < max_index)) {
      max_ulp = ulp;
      max_index = index;
      max_bits = bits;
      max_got = got;
      max_ref = ref;
    }
    above_half += ulp > 0.5;
    above_1 += ulp > 1;
    above_2 += ulp > 2;
  }
  void merge(const Tally& o) {
    if (o.max_ulp > max_ulp || (o.max_ulp == max_ulp && o.max_index < max_index)) {
      max_ulp = o.max_ulp;
      max_index = o.max_index;
      max_bits = o.max_bits;
      max_got = o.max_got;
      max_ref = o.max_ref;
    }
    above_half += o.above_half;
    above_1 += o.above_1;
    above_2 += o.above_2;
    nan_mismatches += o.nan_mismatches;
    inf_mismatches += o.inf_mismatches;
    inexact += o.inexact;
    ties_resolved += o.ties_resolved;
    if (o.first_inexact_index < first_inexact_index) {
      first_inexact_index = o.first_inexact_index;
      first_inexact_bits = o.first_inexact_bits;
    }
  }
};

struct Sweep {
  Tally forward, derivative;
};

float float_of(std::uint32_t bits) { return std::bit_cast<float>(bits); }

// The fast reference: f's scalar formulas evaluated in double, unrounded.
struct FastReference {
  const detail::WideF32Kernels& kernels;
  detail::Slots slots;
  explicit FastReference(const Activation& f)
      : kernels(detail::wide_f32_kernels(detail::ActivationAccess::entry(f).family)),
        slots(detail::ActivationAccess::slots(f)) {}
  // Element i of a call sees index i, as the kernels under test do (rrelu's slopes).
  void forward(const float* x, double* y, std::size_t n) const { kernels.forward(slots, x, y, n); }
  void derivative(const float* x, double* d, std::size_t n) const { kernels.derivative(slots, x, d, n); }
};

// Scores one block: point indices [first, first + n) of the sweep.
void score_block(const Activation& f, const FastReference& fast_reference, bool piecewise, std::uint64_t first, std::size_t n,
                 std::uint64_t stride, Sweep& out) {
  // Buffers per thread, reused across blocks.
  thread_local std::vector<float> xf, yf, gf, onesf;
  thread_local std::vector<double> yd, gd;
  xf.resize(n), yf.resize(n), gf.resize(n), onesf.assign(n, 1.0f);
  yd.resize(n), gd.resize(n);
  for (std::size_t i = 0; i < n; ++i) xf[i] = float_of(static_cast<std::uint32_t>((first + i) * stride));
  f.forward(std::span<const float>(xf), std::span<float>(yf));
  f.backward(std::span<const float>(xf), std::span<const float>(onesf), std::span<float>(gf));
  fast_reference.forward(xf.data(), yd.data(), n);
  fast_reference.derivative(xf.data(), gd.data(), n);

  auto score = [&](Tally& t, What what, std::size_t i, float got, double ref) {
    const std::uint64_t index = first + i;
    const auto bits = static_cast<std::uint32_t>(index * stride);
    const verify::Score s = verify::score_f32(got, ref);
    if (s.mismatch == Mismatch::nan) ++t.nan_mismatches;
    if (s.mismatch == Mismatch::inf) ++t.inf_mismatches;
    t.add(s.ulp, index, bits, got, ref);
    if (!piecewise) return;
    Exactness e = verify::exactness_f32(got, ref);
    if (e == Exactness::tie) {
      // The fast reference sits exactly between two floats: only the oracle knows.
      // i is the element's index within the call, as the kernels saw it.
      const float exact = reference::exact_f32(f, what, xf[i], i);
      e = exact == got ? Exactness::exact : Exactness::inexact;
      ++t.ties_resolved;
    }
    if (e == Exactness::inexact) {
      ++t.inexact;
      if (index < t.first_inexact_index) {
        t.first_inexact_index = index;
        t.first_inexact_bits = bits;
      }
    }
  };
  for (std::size_t i = 0; i < n; ++i) {
    score(out.forward, What::forward, i, yf[i], yd[i]);
    score(out.derivative, What::derivative, i, gf[i], gd[i]);
  }
}

Sweep run_sweep(const Activation& f, const FastReference& fast_reference, std::uint64_t stride, std::uint64_t points, unsigned threads) {
  const bool piecewise = f.info().piecewise_linear;
  const std::uint64_t blocks = (points + kBlock - 1) / kBlock;
  std::atomic<std::uint64_t> next{0};
  std::vector<Sweep> partial(threads);
  std::exception_ptr error;
  std::mutex error_mutex;
  auto worker = [&](unsigned t) {
    try {
      for (std::uint64_t b; (b = next.fetch_add(1)) < blocks;) {
        const std::uint64_t first = b * kBlock;
        const auto n = static_cast<std::size_t>(std::min<std::uint64_t>(kBlock, points - first));
        score_block(f, fast_reference, piecewise, first, n, stride, partial[t]);
      }
    } catch (...) {
      const std::lock_guard lock(error_mutex);
      if (!error) error = std::current_exception();
      next = blocks;
    }
  };
  std::vector<std::thread> pool;
  for (unsigned t = 1; t < threads; ++t) pool.emplace_back(worker, t);
  worker(0);
  for (std::thread& th : pool) th.join();
  if (error) std::rethrow_exception(error);
  Sweep total;
  for (const Sweep& s : partial) {
    total.forward.merge(s.forward);
    total.derivative.merge(s.derivative);
  }
  return total;
}

// ---- the MPFR spot check --------------------------------------------------------------

struct OracleCheck {
  std::size_t points = 0;
  double max_disagreement = 0;  // |fast score - MPFR score| in float ULP
  double max_forward = 0, max_derivative = 0;  // the MPFR scores themselves
  double max_reference_ulp = 0;  // the fast reference against MPFR, in double ULP
};

// K points: evenly spread over the sweep, plus both worst points. Each is evaluated on
// its own (index 0), so rrelu's training mode is checked at index 0 on both sides.
OracleCheck oracle_check(const Activation& f, const FastReference& fast_reference, std::uint64_t stride, std::uint64_t points, std::size_t k,
                         const Sweep& sweep) {
  OracleCheck c;
  if (k == 0) return c;
  std::vector<std::uint64_t> indices;
  for (std::size_t i = 0; i < k; ++i) indices.push_back(points * i / k);
  indices.push_back(sweep.forward.max_index);
  indices.push_back(sweep.derivative.max_index);
  std::sort(indices.begin(), indices.end());
  indices.erase(std::unique(indices.begin(), indices.end()), indices.end());
  for (const std::uint64_t index : indices) {
    const float x = float_of(static_cast<std::uint32_t>(index * stride));
    const double xd = x;
    float y = 0, g = 0;
    const float one = 1;
    double yd = 0, gd = 0;
    f.forward(std::span<const float>(&x, 1), std::span<float>(&y, 1));
    f.backward(std::span<const float>(&x, 1), std::span<const float>(&one, 1), std::span<float>(&g, 1));
    fast_reference.forward(&x, &yd, 1);
    fast_reference.derivative(&x, &gd, 1);
    auto check = [&](What what, float got, double ref, double& max_exact) {
      const double exact = reference::ulp_error_f32(f, what, x, got);
      const double fast = verify::score_f32(got, ref).ulp;
      max_exact = std::max(max_exact, exact);
      if (std::isfinite(exact) && std::isfinite(fast))
        c.max_disagreement = std::max(c.max_disagreement, std::fabs(exact - fast));
      else if (std::isfinite(exact) != std::isfinite(fast))
        c.max_disagreement = std::numeric_limits<double>::infinity();
      c.max_reference_ulp = std::max(c.max_reference_ulp, reference::ulp_error_f64(f, what, xd, ref));
    };
    check(What::forward, y, yd, c.max_forward);
    check(What::derivative, g, gd, c.max_derivative);
    ++c.points;
  }
  return c;
}

// ---- reporting --------------------------------------------------------------------------

std::string hex_bits(std::uint32_t bits) { return fmt::format("0x{:08x}", bits); }

// "-9 (-0x1.2p+3, bits 0xc1100000)"
std::string describe_input(std::uint32_t bits) {
  const float x = float_of(bits);
  char dec[64], hex[64];
  std::snprintf(dec, sizeof dec, "%.9g", static_cast<double>(x));
  std::snprintf(hex, sizeof hex, "%a", static_cast<double>(x));
  return fmt::format("{} ({}, bits {})", dec, hex, hex_bits(bits));
}

std::string ulp_text(double u) { return std::isinf(u) ? "inf" : fmt::format("{:.3f}", u); }

struct Verdict {
  bool pass = true;
  std::vector<std::string> reasons;
};

Verdict judge(bool piecewise, const Sweep& s, const OracleCheck& c) {
  Verdict v;
  auto miss = [&v](std::string why) {
    v.pass = false;
    v.reasons.push_back(std::move(why));
  };
  for (const auto& [name, t, bar] : {std::tuple{"forward", &s.forward, 1.0}, std::tuple{"derivative", &s.derivative, 2.0}}) {
    if (t->nan_mismatches) miss(fmt::format("{} has {} NaN mismatches", name, t->nan_mismatches));
    if (t->inf_mismatches) miss(fmt::format("{} has {} inf mismatches", name, t->inf_mismatches));
    if (piecewise && t->inexact) miss(fmt::format("{} is not exact at {} points", name, t->inexact));
    if (!piecewise && t->max_ulp > bar)
      miss(fmt::format("{} max {} ULP > {} ULP", name, ulp_text(t->max_ulp), bar));
  }
  // The sweep's scores are only as good as the fast reference: it must agree with MPFR's.
  if (c.max_disagreement > kMaxReferenceDisagreement)
    miss(fmt::format("fast reference off MPFR's score by {:.2g} ULP at a check point", c.max_disagreement));
  if (c.max_forward > 1) miss(fmt::format("MPFR check: forward {} ULP > 1 ULP", ulp_text(c.max_forward)));
  if (c.max_derivative > 2) miss(fmt::format("MPFR check: derivative {} ULP > 2 ULP", ulp_text(c.max_derivative)));
  return v;
}

std::string json_text(std::string_view s) {
  std::string out = "\"";
  for (const char ch : s) {
    if (ch == '"' || ch == '\\') out += '\\';
    if (static_cast<unsigned char>(ch) < 0x20)
      out += fmt::format("\\u{:04x}", static_cast<unsigned>(ch));
    else
      out += ch;
  }
  return out + "\"";
}

std::string json_number(double v) { return std::isfinite(v) ? fmt::format("{}", v) : "null"; }

std::string tally_json(const Tally& t, bool piecewise) {
  char dec[64], hex[64];
  std::snprintf(dec, sizeof dec, "%.9g", static_cast<double>(float_of(t.max_bits)));
  std::snprintf(hex, sizeof hex, "%a", static_cast<double>(float_of(t.max_bits)));
  std::string s = fmt::format(
      "{{\"max_ulp\": {}, \"max_at\": {}, \"max_at_hex\": {}, \"max_at_bits\": {}, \"above_0_5\": {}, "
      "\"above_1\": {}, \"above_2\": {}, \"nan_mismatches\": {}, \"inf_mismatches\": {}",
      json_number(t.max_ulp), json_text(dec), json_text(hex), json_text(hex_bits(t.max_bits)), t.above_half,
      t.above_1, t.above_2, t.nan_mismatches, t.inf_mismatches);
  if (piecewise) s += fmt::format(", \"inexact\": {}, \"ties_resolved_by_oracle\": {}", t.inexact, t.ties_resolved);
  return s + "}";
}

void print_tally(std::string_view label, const Tally& t, bool piecewise, double bar) {
  fmt::print("{:<12}max {} ULP at x = {}\n", fmt::format("{}:", label), ulp_text(t.max_ulp), describe_input(t.max_bits));
  fmt::print("{:<12}{} above 0.5 ULP, {} above {} ULP; NaN mismatches {}, inf mismatches {}\n", "", t.above_half,
             bar == 1 ? t.above_1 : t.above_2, bar, t.nan_mismatches, t.inf_mismatches);
  if (piecewise)
    fmt::print("{:<12}{} not exact{}{}\n", "", t.inexact,
               t.inexact ? fmt::format(" (first at x = {})", describe_input(t.first_inexact_bits)) : "",
               t.ties_resolved ? fmt::format("; {} float64 ties settled by MPFR", t.ties_resolved) : "");
}

void run_verify(const VerifyOptions& o) {
  const Activation f = activ::parse(o.spec);
  if (f.info().kind != activ::Kind::elementwise)
    fail(std::string(f.name()) + " works along an axis; verify sweeps elementwise functions (axis functions: tests/test_tensor_accuracy)");
  if (o.dtype != "f32")
    fail("verify checks float32 only (--dtype f32); float64 has 2^64 inputs and is sampled by tests/test_accuracy");
  if (o.exhaustive && o.stride != 0) fail("give --exhaustive or --stride N, not both");
  const std::uint64_t stride = o.exhaustive ? 1 : o.stride ? o.stride : kDefaultStride;
  const unsigned threads = o.threads ? o.threads : std::max(1u, std::thread::hardware_concurrency());
  const std::uint64_t points = (kAllPatterns + stride - 1) / stride;
  const bool piecewise = f.info().piecewise_linear;

  const auto start = std::chrono::steady_clock::now();
  const FastReference fast_reference(f);
  const Sweep sweep = run_sweep(f, fast_reference, stride, points, threads);
  const OracleCheck check = oracle_check(f, fast_reference, stride, points, o.oracle_check, sweep);
  const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const Verdict verdict = judge(piecewise, sweep, check);

  if (o.json) {
    fmt::print(
        "{{\"spec\": {}, \"name\": {}, \"piecewise_linear\": {}, \"dtype\": \"f32\", \"stride\": {}, \"points\": {}, "
        "\"threads\": {}, \"elapsed_s\": {:.3f}, \"forward\": {}, \"derivative\": {}, \"oracle_check\": "
        "{{\"points\": {}, \"max_forward_ulp\": {}, \"max_derivative_ulp\": {}, \"max_disagreement_ulp\": {}, "
        "\"max_reference_f64_ulp\": {}}}, \"pass\": {}, \"failures\": [{}]}}\n",
        json_text(f.to_string()), json_text(f.name()), piecewise ? "true" : "false", stride, points, threads, elapsed,
        tally_json(sweep.forward, piecewise), tally_json(sweep.derivative, piecewise), check.points,
        json_number(check.max_forward), json_number(check.max_derivative), json_number(check.max_disagreement),
        json_number(check.max_reference_ulp), verdict.pass ? "true" : "false", [&] {
          std::vector<std::string> r;
          for (const std::string& s : verdict.reasons) r.push_back(json_text(s));
          return join(r, ", ");
        }());
  } else {
    const std::string what = stride == 1 ? "all 2^32 bit patterns" : fmt::format("every {}th bit pattern", stride);
    fmt::print("verify {} (float32, {}: {} points, {} thread{})\n", f.to_string(), what, points, threads,
               threads == 1 ? "" : "s");
    fmt::print("reference:  the scalar formulas in double, unrounded; bars: {}\n",
               piecewise ? "exact (piecewise-linear)" : "forward <= 1 ULP, derivative <= 2 ULP");
    print_tally("forward", sweep.forward, piecewise, 1);
    print_tally("derivative", sweep.derivative, piecewise, 2);
    if (check.points)
      fmt::print(
          "oracle:     {} points against MPFR: max {} ULP forward, {} ULP derivative; fast reference within {:.2g} "
          "ULP of MPFR's score (fast reference within {:.3f} double ULP)\n",
          check.points, ulp_text(check.max_forward), ulp_text(check.max_derivative), check.max_disagreement,
          check.max_reference_ulp);
    fmt::print("elapsed:    {:.2f} s\n", elapsed);
    if (verdict.pass)
      fmt::print("result:     PASS\n");
    else
      fmt::print("result:     FAIL: {}\n", join(verdict.reasons, "; "));
  }
  std::fflush(stdout);
  if (!verdict.pass) throw BarMissed();
}

}  // namespace

void add_verify_command(CLI::App& app) {
  auto options = std::make_shared<VerifyOptions>();
  CLI::App* cmd = app.add_subcommand(
      "verify",
      "Check the float32 kernels over all 2^32 inputs (or every N-th) against their formulas in double; exit 1 when a bar is missed");
  cmd->add_option("SPEC", options->spec, "activation spec, e.g. gelu, jax:gelu, threshold(0.5, -1)")->required();
  auto* exhaustive = cmd->add_flag("--exhaustive", options->exhaustive, "every one of the 2^32 float32 bit patterns");
  cmd->add_option("--stride", options->stride, "every N-th bit pattern (default 65537: 65 536 points)")
      ->check(CLI::Range(std::uint64_t{1}, kAllPatterns))
      ->excludes(exhaustive);
  cmd->add_option("--threads", options->threads, "worker threads (default: the hardware concurrency)")
      ->check(CLI::Range(1u, 1024u));
  cmd->add_option("--dtype", options->dtype, "f32 (the only one: float64 has 2^64 inputs)");
  cmd->add_option("--oracle-check", options->oracle_check,
                  "re-score K points (spread over the sweep, plus the worst ones) against the MPFR oracle (default 64)");
  cmd->add_flag("--json", options->json, "print one JSON object instead of the text report");
  cmd->callback([options] { run_verify(*options); });
}

}  // namespace activ::cli
