#!/usr/bin/python3
"""Generate the PyTorch goldens in tests/golden/ for every torch: catalogue entry.

Run with Debian's interpreter, which is the one that has python3-torch and
python3-numpy (python3-mpmath comes with python3-torch):

    sudo apt-get install python3-torch python3-numpy
    /usr/bin/python3 scripts/gen_golden.py            # writes tests/golden/
    /usr/bin/python3 scripts/gen_golden.py --check    # compares with the committed files

For each case (a torch: spec string with its parameters) the script evaluates a fixed,
curated set of float32 inputs with torch.nn.functional and writes:

    <slug>.x.npy       the float32 inputs
    <slug>.fwd.npy     f(x) computed by torch in float64 (the golden)
    <slug>.grad.npy    d/dx sum(f(x)) by torch autograd in float64 (dy = 1; the golden)
    <slug>.fwd32.npy   torch's own float32 forward, for the report only
    <slug>.grad32.npy  torch's own float32 derivative, for the report only

plus manifest.tsv (one line per case, read by tests/test_golden.cpp), excluded.tsv (the
points where torch's float64 value is not the mathematical value, checked against mpmath at
600 bits with PyTorch's conventions at kinks from ../shared/catalogue.md section 6; the test
skips exactly these) and REPORT.md (those points, and where torch's float32 results are more
than 1 ULP from its float64 values). docs/goldens.md explains how the test uses them.

The float64 evaluation takes the float32 inputs converted exactly to float64. Everything
is deterministic: fixed inputs, one thread, no random numbers (rrelu runs with
training=False only), and torch's CPU kernels pinned with ATEN_CPU_CAPABILITY=avx2 unless
the environment sets it (the vectorised kernels differ, float64 results included).
"""

import argparse
import dataclasses
import io
import math
import os
import re
import sys
from pathlib import Path
from typing import Callable, List, Sequence, Tuple

# torch picks its vectorised CPU kernels at run time and their results differ (float64
# ones too); pin them, before importing torch, so that the files do not depend on the CPU.
os.environ.setdefault("ATEN_CPU_CAPABILITY", "avx2")

import mpmath as mp
import numpy as np
import torch
import torch.nn.functional as F

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "tests" / "golden"


def cpu_capability() -> str:
    m = re.search(r"CPU capability usage: (\S+)", torch.__config__.show())
    return m.group(1) if m else "unknown"


mp.mp.prec = 600  # enough for x - tanh(x) down to x = 2^-149 (it loses ~300 bits there)

F32 = np.float32
INF = float("inf")
NAN = float("nan")

# ---------------------------------------------------------------------------------
# Inputs


def f32(v: float) -> np.float32:
    return np.float32(v)


def neighbours(k: float) -> List[np.float32]:
    """The float32 value of k and its two float32 neighbours."""
    k32 = f32(k)
    return [np.nextafter(k32, F32(-np.inf)), k32, np.nextafter(k32, F32(np.inf))]


COMMON_MAGNITUDES = [0.0, 1e-45, 1e-38, 1e-7, 0.5, 1.0, 3.0, 5.0, 10.0, 20.0, 88.7, 100.0,
                     1e30, 3.4e38, INF,
                     # tails where float32 results become subnormal or flush to zero
                     15.0, 30.0, 87.5, 90.0, 103.0, 104.0, 110.0]
LOG_GRID = np.logspace(-6.0, 3.0, 100).astype(np.float32)  # |x| in [1e-6, 1e3]


def input_set(kinks: Sequence[float]) -> np.ndarray:
    vals: List[np.float32] = []
    for m in COMMON_MAGNITUDES:
        vals += [f32(m), f32(-m)]
    for m in LOG_GRID:
        vals += [F32(m), F32(-m)]
    for k in kinks:
        vals += neighbours(k)
    # Unique by bit pattern (keeps -0 and +0 apart), sorted by value, -0 before +0,
    # NaN last.
    bits = sorted({int(np.array(v, dtype=np.float32).view(np.uint32)) for v in vals})
    xs = [np.array(b, dtype=np.uint32).view(np.float32).item() for b in bits]
    xs.sort(key=lambda v: (v, not math.copysign(1.0, v) < 0))
    xs.append(NAN)
    return np.array(xs, dtype=np.float32)


# ---------------------------------------------------------------------------------
# Exact reference values (mpmath) of torch's definitions, used only to find the points
# where torch's float64 result is not the mathematical value.

MPF = mp.mpf
# Infinite inputs are evaluated at +-2^200 (beyond float32's range): rounded to
# float32, that gives each function's limit (mpmath has no signed zero).
INF_PROXY = MPF(2) ** 200


def sigma(z):
    return 1 / (1 + mp.exp(-z))


def log1p_exp(z):
    """log(1 + e^z) without losing the tiny tail."""
    if z > 0:
        return z + mp.log1p(mp.exp(-z))
    return mp.log1p(mp.exp(z))


SQRT_2_OVER_PI = mp.sqrt(2 / mp.pi)
SELU_ALPHA = MPF("1.6732632423543772848170429916717")
SELU_SCALE = MPF("1.0507009873554804934193349852946")


def ref_clip(lo, hi):
    def r(x):
        f = lo if x < lo else (hi if x > hi else x)
        d = 1 if lo < x < hi else 0
        return f, d
    return r


def ref_relu(x):
    return (x if x > 0 else 0), (1 if x > 0 else 0)


def ref_leaky(slope):
    s = MPF(slope)
    return lambda x: (x if x > 0 else s * x, 1 if x > 0 else s)


def ref_elu(alpha, scale=1, input_scale=1):
    a, sc, ins = MPF(alpha), MPF(scale), MPF(input_scale)

    def r(x):
        if x > 0:
            return sc * x, sc
        return a * sc * mp.expm1(x * ins), a * sc * ins * mp.exp(x * ins)
    return r


def ref_gelu(x):
    c = mp.erfc(-x / mp.sqrt(2))
    return x * c / 2, c / 2 + x * mp.exp(-x * x / 2) / mp.sqrt(2 * mp.pi)


def ref_gelu_tanh(x):
    k = MPF("0.044715")
    u = SQRT_2_OVER_PI * (x + k * x ** 3)
    s = sigma(2 * u)
    return x * s, s + x * mp.sech(u) ** 2 / 2 * SQRT_2_OVER_PI * (1 + 3 * k * x * x)


def ref_silu(x):
    s = sigma(x)
    return x * s, s * (1 + x * sigma(-x))


def ref_hardswish(x):
    # PyTorch's current convention (catalogue section 6): f'(-3) = 0, f'(3) = 1.
    f = 0 if x <= -3 else (x if x >= 3 else x * (x + 3) / 6)
    d = 0 if x <= -3 else ((2 * x + 3) / 6 if x < 3 else 1)
    return f, d


def ref_sigmoid(x):
    return sigma(x), sigma(x) * sigma(-x)


def ref_hardsigmoid(x):
    f = 0 if x <= -3 else (1 if x >= 3 else (x + 3) / 6)
    return f, (MPF(1) / 6 if -3 < x < 3 else 0)


def ref_logsigmoid(x):
    return -log1p_exp(-x), sigma(-x)


def ref_tanh(x):
    return mp.tanh(x), mp.sech(x) ** 2


def ref_tanhshrink(x):
    return x - mp.tanh(x), mp.tanh(x) ** 2


def ref_softsign(x):
    return x / (1 + abs(x)), 1 / (1 + abs(x)) ** 2


def ref_softplus(beta, threshold):
    b, t = MPF(beta), MPF(threshold)

    def r(x):
        if b * x > t:
            return x, 1
        return log1p_exp(b * x) / b, sigma(b * x)
    return r


def ref_mish(x):
    sp = log1p_exp(x)
    t = mp.tanh(sp)
    return x * t, t + x * sigma(x) * mp.sech(sp) ** 2


def ref_threshold(threshold, value):
    t, v = MPF(threshold), MPF(value)
    return lambda x: (x if x > t else v, 1 if x > t else 0)


def ref_hardshrink(lambd):
    l = MPF(lambd)
    return lambda x: (x if abs(x) > l else 0, 1 if abs(x) > l else 0)


def ref_softshrink(lambd):
    l = MPF(lambd)

    def r(x):
        f = x - l if x > l else (x + l if x < -l else 0)
        return f, (1 if abs(x) > l else 0)
    return r


# ---------------------------------------------------------------------------------
# The cases

# Why torch's float64 value can differ from the exact value at a point. The test
# (tests/test_golden.cpp) knows these keys and skips exactly the points listed in
# excluded.tsv; docs/goldens.md explains them.
NAN_INPUT = "nan_input"            # torch returns a number for a NaN input; activ gives NaN
INF_INPUT = "inf_input"            # torch returns NaN at +-inf; activ returns the limit
DOUBLE_ROUNDING = "double_rounding"  # exact product rounded to float64, then to float32
CANCELLATION = "cancellation"      # torch's float64 formula loses the result's digits
CONVENTION = "convention"          # torch 1.13's value at a kink differs from PyTorch's current one

EXP_MINUS_ONE = ("torch 1.13's CPU kernel computes alpha*(exp(x) - 1), not expm1: for "
                 "-2^-53 < x < 0 that is 0 instead of about alpha*x")
GELU_CANCEL = ("torch computes x*0.5*(1 + erf(x/sqrt 2)) and Phi(x) + x*phi(x) with "
               "Phi = 0.5*(1 + erf(..)): 1 + erf cancels for x < -6 and is 0 from x = -8.4 on")
GELU_TANH_CANCEL = ("torch computes 0.5*x*(1 + tanh(u)): 1 + tanh(u) cancels for x < -6 "
                    "(it is 0 from x = -7.15 on), and so does the derivative's 0.5*(1 + tanh(u))")


@dataclasses.dataclass
class Case:
    spec: str                      # activ spec string; must parse with activ::parse
    fn: Callable                   # torch: tensor -> tensor
    ref: Callable                  # mpf -> (f, f'), the exact value with torch's conventions
    kinks: Sequence[float] = ()    # each is tested with its two float32 neighbours
    piecewise_linear: bool = False  # as activ's FunctionInfo::piecewise_linear
    # Expected CANCELLATION / CONVENTION points: {(key, "forward"|"derivative"): why}.
    # Any other point where torch's float64 value is off stops the script.
    issues: dict = dataclasses.field(default_factory=dict)

    @property
    def slug(self) -> str:
        s = self.spec.split(":", 1)[1].replace("-", "m")
        return re.sub(r"[^A-Za-z0-9]+", "_", s).strip("_")


def prelu(w):
    return lambda x: F.prelu(x, torch.tensor([w], dtype=x.dtype))


def rrelu(lower=1.0 / 8, upper=1.0 / 3):
    return lambda x: F.rrelu(x, lower, upper, training=False)


ELU_ISSUES = {(CANCELLATION, "forward"): EXP_MINUS_ONE}

CASES: List[Case] = [
    Case("torch:relu", F.relu, ref_relu, [0], True),
    Case("torch:relu6", F.relu6, ref_clip(0, 6), [0, 6], True),
    Case("torch:leaky_relu", F.leaky_relu, ref_leaky(0.01), [0], True),
    Case("torch:leaky_relu(negative_slope=0.2)", lambda x: F.leaky_relu(x, 0.2), ref_leaky(0.2), [0], True),
    Case("torch:prelu", prelu(0.25), ref_leaky(0.25), [0], True),
    Case("torch:prelu(weight=0.1)", prelu(0.1), ref_leaky(0.1), [0], True),
    Case("torch:rrelu", rrelu(), ref_leaky((1.0 / 8 + 1.0 / 3) / 2), [0], True),
    Case("torch:rrelu(lower=0.1, upper=0.3)", rrelu(0.1, 0.3), ref_leaky((0.1 + 0.3) / 2), [0], True),
    Case("torch:elu", F.elu, ref_elu(1.0), [0], issues=ELU_ISSUES),
    Case("torch:elu(alpha=0.5)", lambda x: F.elu(x, 0.5), ref_elu(0.5), [0], issues=ELU_ISSUES),
    Case("torch:celu", F.celu, ref_elu(1.0, 1, 1), [0], issues=ELU_ISSUES),
    Case("torch:celu(alpha=2)", lambda x: F.celu(x, 2.0), ref_elu(2.0, 1, MPF(1) / 2), [0], issues=ELU_ISSUES),
    Case("torch:selu", F.selu, ref_elu(SELU_ALPHA, SELU_SCALE), [0], issues=ELU_ISSUES),
    Case("torch:gelu", F.gelu, ref_gelu, [0],
         issues={(CANCELLATION, "forward"): GELU_CANCEL, (CANCELLATION, "derivative"): GELU_CANCEL}),
    Case("torch:gelu(approximate=tanh)", lambda x: F.gelu(x, approximate="tanh"), ref_gelu_tanh, [0],
         issues={(CANCELLATION, "forward"): GELU_TANH_CANCEL, (CANCELLATION, "derivative"): GELU_TANH_CANCEL}),
    Case("torch:silu", F.silu, ref_silu, [0]),
    Case("torch:hardswish", F.hardswish, ref_hardswish, [-3, 3],
         issues={(CONVENTION, "derivative"):
                 "torch 1.13's backward is 0 only for x < -3 and gives -0.5 at x = -3; PyTorch's current "
                 "kernel (and activ) use x <= -3 -> 0. At x = 3 torch 1.13's scalar path gives 1.5 and its "
                 "vectorised path 1 (which the golden happens to record), so x = 3 is not excluded"}),
    Case("torch:sigmoid", torch.sigmoid, ref_sigmoid, [0],
         issues={(CANCELLATION, "derivative"):
                 "the backward works from the output, y*(1 - y): 1 - y cancels once y is near 1 "
                 "(x > 28) and is 0 from x = 36.7 on"}),
    Case("torch:hardsigmoid", F.hardsigmoid, ref_hardsigmoid, [-3, 3], True),
    Case("torch:logsigmoid", F.logsigmoid, ref_logsigmoid, [0]),
    Case("torch:tanh", torch.tanh, ref_tanh, [0],
         issues={(CANCELLATION, "derivative"):
                 "the backward works from the output, 1 - y^2: it cancels for |x| > 15 and is 0 from |x| = 18.7 on"}),
    Case("torch:hardtanh", F.hardtanh, ref_clip(-1, 1), [-1, 1], True),
    Case("torch:hardtanh(min_val=-2, max_val=3)", lambda x: F.hardtanh(x, -2.0, 3.0), ref_clip(-2, 3), [-2, 3], True),
    Case("torch:tanhshrink", F.tanhshrink, ref_tanhshrink, [0],
         issues={(CANCELLATION, "forward"): "x - tanh(x) cancels for |x| < 1e-4 (it is about x^3/3)",
                 (CANCELLATION, "derivative"): "autograd of x - tanh(x) gives 1 - (1 - tanh(x)^2), which "
                 "cancels for |x| < 1e-5"}),
    Case("torch:softsign", F.softsign, ref_softsign, [0]),
    Case("torch:softplus", F.softplus, ref_softplus(1, 20), [0, 20]),
    Case("torch:softplus(beta=2, threshold=5)", lambda x: F.softplus(x, 2.0, 5.0), ref_softplus(2, 5), [0, 2.5]),
    Case("torch:mish", F.mish, ref_mish, [0]),
    Case("torch:threshold(threshold=0, value=0)", lambda x: F.threshold(x, 0.0, 0.0), ref_threshold(0, 0), [0], True),
    Case("torch:threshold(threshold=0.5, value=-1)", lambda x: F.threshold(x, 0.5, -1.0), ref_threshold(0.5, -1), [0, 0.5], True),
    Case("torch:hardshrink", F.hardshrink, ref_hardshrink(0.5), [0, -0.5, 0.5], True),
    Case("torch:hardshrink(lambd=1)", lambda x: F.hardshrink(x, 1.0), ref_hardshrink(1), [0, -1, 1], True),
    Case("torch:softshrink", F.softshrink, ref_softshrink(0.5), [0, -0.5, 0.5], True),
    Case("torch:softshrink(lambd=1)", lambda x: F.softshrink(x, 1.0), ref_softshrink(1), [0, -1, 1], True),
]

# ---------------------------------------------------------------------------------
# Evaluation


def torch_eval(fn, x32: np.ndarray, dtype) -> Tuple[np.ndarray, np.ndarray]:
    """f(x) and d/dx sum(f(x)) (dy = 1) in `dtype`, from the float32 inputs."""
    x = torch.tensor(x32.astype(np.float64), dtype=dtype, requires_grad=True)
    y = fn(x)
    y.sum().backward()
    return y.detach().numpy().copy(), x.grad.detach().numpy().copy()


def exact(case: Case, x: float) -> Tuple[object, object]:
    """(f, f') as mpf (or NaN) at the float32 input x."""
    if math.isnan(x):
        return MPF("nan"), MPF("nan")
    xm = INF_PROXY if x == INF else (-INF_PROXY if x == -INF else MPF(x))
    f, d = case.ref(xm)
    return MPF(f), MPF(d)


def ulp32(v) -> float:
    """float32's spacing at the real value v: 2^-149 below the normal range, the top
    binade's spacing above float32's range."""
    a = abs(MPF(v))
    if a < MPF(2) ** -126:
        return 2.0 ** -149
    if a >= MPF(2) ** 128:
        return 2.0 ** 104
    m, e = mp.frexp(a)  # a = m * 2^e, 0.5 <= m < 1
    return 2.0 ** (int(e) - 24)


def round_f32(v) -> float:
    """v (mpf) correctly rounded to float32 (nearest, ties to even; subnormals; overflow)."""
    if mp.isnan(v):
        return NAN
    if mp.isinf(v):
        return float(v)
    if abs(v) < MPF(2) ** -126:
        r = mp.nint(v * MPF(2) ** 149) * MPF(2) ** -149  # mpmath's nint: ties to even
    else:
        with mp.workprec(24):
            r = +v
    if abs(r) >= MPF(2) ** 128:
        return math.copysign(INF, float(mp.sign(v)))
    return math.copysign(float(r), float(mp.sign(v)) if v != 0 else 1.0)  # keeps -0


def same_f32(a: float, b: float) -> bool:
    """Equal as float32 values: NaN equals NaN, +0 equals -0."""
    return (math.isnan(a) and math.isnan(b)) or a == b


def torch64_error(t: float, r) -> float:
    """Distance of torch's float64 value t from the exact r, in float32 ULPs at r."""
    if math.isnan(t) or mp.isnan(r):
        return 0.0 if (math.isnan(t) and mp.isnan(r)) else INF
    r32 = round_f32(r)
    if math.isinf(t) or math.isinf(r32):
        return 0.0 if float(np.float32(t)) == r32 else INF
    return float(abs(MPF(t) - r) / ulp32(r))


def f32_vs_f64_ulps(t32: float, t64: float) -> float:
    """Distance of torch's float32 value from its float64 value, in float32 ULPs at the
    float64 value (inf when exactly one of them is NaN or infinite)."""
    if math.isnan(t32) or math.isnan(t64):
        return 0.0 if (math.isnan(t32) and math.isnan(t64)) else INF
    if math.isinf(t32) or math.isinf(float(np.float32(t64))):
        return 0.0 if t32 == float(np.float32(t64)) else INF
    return abs(t32 - t64) / ulp32(t64)


def classify(case: Case, what: str, x: float, t64: float, r, err: float) -> str:
    """The reason key of a point where torch's float64 value is off; raises when the
    point is not one of the expected kinds."""
    if math.isnan(x):
        return NAN_INPUT
    if math.isinf(x) and math.isnan(t64):
        return INF_INPUT
    if case.piecewise_linear and err < 1e-6:
        return DOUBLE_ROUNDING
    for key in (CANCELLATION, CONVENTION):
        if (key, what) in case.issues:
            return key
    raise SystemExit(f"unexpected: torch float64 {case.spec} {what} at x = {x!r} is {t64!r}, "
                     f"exact {mp.nstr(r, 17)} ({err:.3g} ULP); investigate before excluding it")


def fmt(v: float) -> str:
    v = float(v)
    if math.isnan(v):
        return "nan"
    if math.isinf(v):
        return "inf" if v > 0 else "-inf"
    return repr(v)


def fmt32(v: float) -> str:
    """The shortest decimal that reads back as the same float32."""
    v32 = np.float32(v)
    if not np.isfinite(v32):
        return fmt(float(v32))
    return np.format_float_scientific(v32, unique=True, trim="-").replace("e+", "e")


def hex32(v: float) -> str:
    return f"0x{int(np.array(np.float32(v)).view(np.uint32)):08x}"


def fmt_ulps(u: float) -> str:
    return "inf" if math.isinf(u) else f"{u:.3g}"


# ---------------------------------------------------------------------------------


class Writer:
    """Writes files, or with --check compares them with what is already there."""

    def __init__(self, out: Path, check: bool):
        self.out, self.check, self.mismatches, self.bytes = out, check, [], 0

    def write(self, name: str, data: bytes) -> None:
        self.bytes += len(data)
        path = self.out / name
        if self.check:
            if not path.exists() or path.read_bytes() != data:
                self.mismatches.append(name)
        else:
            path.write_bytes(data)

    def npy(self, name: str, arr: np.ndarray) -> None:
        buf = io.BytesIO()
        np.save(buf, arr, allow_pickle=False)
        self.write(name, buf.getvalue())


# ---------------------------------------------------------------------------------
# Tensor goldens (docs/tensor.md): the torch: axis entries on seeded float32 tensors,
# forward and backward (a seeded float32 dy) by torch in float64, in tests/golden/tensor/
# with their own manifest (read by tests/test_tensor_golden.cpp). Rows avoid +inf and
# all -inf, where torch gives NaN and activ a defined value.

TENSOR_CASES = [
    # (activ spec, torch function of a float64 tensor, input shape, logit scale)
    ("torch:softmax(dim=0)", lambda x: F.softmax(x, dim=0), (4, 3, 8), 3.0),
    ("torch:softmax(dim=1)", lambda x: F.softmax(x, dim=1), (4, 3, 8), 3.0),
    ("torch:softmax(dim=-1)", lambda x: F.softmax(x, dim=-1), (4, 3, 8), 30.0),
    ("torch:softmax", lambda x: F.softmax(x, dim=0), (4, 3, 8), 3.0),  # implicit dim: 0 for 3-D
    ("torch:log_softmax(dim=1)", lambda x: F.log_softmax(x, dim=1), (4, 3, 8), 3.0),
    ("torch:log_softmax(dim=-1)", lambda x: F.log_softmax(x, dim=-1), (4, 3, 8), 30.0),
    ("torch:softmin(dim=-1)", lambda x: F.softmin(x, dim=-1), (4, 3, 8), 3.0),
    ("torch:softmax2d", lambda x: torch.nn.Softmax2d()(x), (2, 3, 4, 4), 3.0),
    ("torch:glu(dim=-1)", lambda x: F.glu(x, dim=-1), (4, 3, 8), 3.0),
    ("torch:glu(dim=1)", lambda x: F.glu(x, dim=1), (4, 6, 5), 3.0),
]


def tensor_goldens(out: Path, check: bool) -> int:
    tdir = out / "tensor"
    tdir.mkdir(parents=True, exist_ok=True)
    w = Writer(tdir, check)
    rng = np.random.default_rng(20261124)
    manifest = [
        "# Tensor goldens, written by scripts/gen_golden.py (do not edit); read by tests/test_tensor_golden.cpp.",
        f"# torch {torch.__version__}. Tab-separated columns: activ spec, x (float32), dy (float32),",
        "# forward golden (torch float64), backward golden (torch float64 autograd with dy),",
        "# forward elements (C-order indices) where torch's float64 value is not the exact value (mpmath), or -.",
    ]
    for spec, fn, shape, scale in TENSOR_CASES:
        slug = re.sub(r"[^A-Za-z0-9]+", "_", spec.split(":", 1)[1].replace("-", "m")).strip("_")
        x32 = (rng.standard_normal(shape) * scale).astype(np.float32)
        if spec == "torch:log_softmax(dim=-1)":
            x32[0, 0, :] = [88.8, 0, -88.8, 1e30, -1e30, 50, -50, 3]  # extreme but finite
        x = torch.tensor(x32.astype(np.float64), requires_grad=True)
        y = fn(x)
        dy32 = rng.standard_normal(tuple(y.shape)).astype(np.float32)
        y.backward(torch.tensor(dy32.astype(np.float64)))
        names = [f"{slug}.{k}.npy" for k in ("x", "dy", "fwd", "grad")]
        fwd64 = y.detach().numpy().astype(np.float64)
        for name, arr in zip(names, (x32, dy32, fwd64, x.grad.detach().numpy().astype(np.float64))):
            w.npy(name, arr)
        # torch's float64 log_softmax is x - max - log(sum): log(1 + t) rounds a tail t below
        # 2^-53 away, so its value for a dominant entry is not the exact one. Those forward
        # elements (checked against mpmath) are listed in the last column and skipped.
        skip = []
        if "log_softmax" in spec:
            dim = int(re.search(r"dim=(-?\d+)", spec).group(1))
            xm = np.moveaxis(x32.astype(np.float64), dim, -1)
            idx = np.moveaxis(np.arange(x32.size).reshape(x32.shape), dim, -1)
            for row, rid in zip(xm.reshape(-1, xm.shape[-1]), idx.reshape(-1, xm.shape[-1])):
                m = max(row)
                lse = MPF(m) + mp.log(mp.fsum(mp.exp(MPF(v) - MPF(m)) for v in row))
                for v, i in zip(row, rid):
                    exact_v = MPF(v) - lse
                    if abs(MPF(float(fwd64.reshape(-1)[i])) - exact_v) > ulp32(exact_v) / 2:
                        skip.append(int(i))
        manifest.append("\t".join([spec] + names + [",".join(map(str, sorted(skip))) or "-"]))
    w.write("manifest.tsv", ("\n".join(manifest) + "\n").encode())
    print(f"{len(TENSOR_CASES)} tensor cases in {tdir}")
    if check and w.mismatches:
        print("differs from the files in " + str(tdir) + ":\n  " + "\n  ".join(w.mismatches))
        return 1
    return 0


# ---------------------------------------------------------------------------------
# Layer goldens (tests/golden/layers/, read by tests/test_layer_golden.cpp): torch's
# PReLU, RReLU, Bilinear and the learnable swish x * sigmoid(beta x) (torch has no
# module: its forward and autograd on that formula) in float64, with fixed seeded
# inputs, parameters and dy: forward outputs and the gradients w.r.t. input(s) and
# every parameter. Each golden comes with a `.scale` array: per element, the sum of the
# absolute values of the terms that make it (torch on |inputs|, |parameters|, |dy| for
# the multilinear Bilinear; the explicit sums for the others). The test's bar is a
# multiple of float64's epsilon times that scale, the rounding error of a sum, which
# any summation order (torch's or activ's) meets.

def layer_goldens(out: Path, check: bool) -> int:
    ldir = out / "layers"
    ldir.mkdir(parents=True, exist_ok=True)
    w = Writer(ldir, check)
    rng = np.random.default_rng(20261201)
    D = torch.float64
    t = lambda a: torch.tensor(a, dtype=D)
    manifest = [
        "# Layer goldens, written by scripts/gen_golden.py (do not edit); read by tests/test_layer_golden.cpp.",
        f"# torch {torch.__version__}, float64. Tab-separated columns: case, kind, activ model-spec element,",
        "# the arrays <case>.<key>.npy (each golden key K also has K.scale: the sum of |terms| per element).",
    ]

    def inputs(shape, zeros=0):
        x = rng.uniform(-2.0, 2.0, size=shape)
        flat = x.reshape(-1)
        flat[rng.choice(flat.size, size=zeros, replace=False)] = 0.0  # the kink of (p/r)relu
        return x

    def emit(case, kind, spec, arrays):
        for key, arr in arrays.items():
            w.npy(f"{case}.{key}.npy", np.ascontiguousarray(np.asarray(arr, dtype=np.float64)))
        manifest.append("\t".join([case, kind, spec, ",".join(arrays)]))

    # PReLU: y = max(0, x) + a min(0, x); torch's gradients at x = 0 take the slope a.
    for case, num, a in (("prelu_shared", 1, [0.3]), ("prelu_per_feature", 3, [0.25, -0.5, 1.75])):
        x0, dy0 = inputs((4, 3), zeros=2), rng.standard_normal((4, 3))
        x, a_t = t(x0).requires_grad_(), t(a).requires_grad_()
        y = F.prelu(x, a_t)
        y.backward(t(dy0))
        neg = (x0 <= 0)
        gw_scale = (np.abs(x0) * np.abs(dy0) * neg).sum(axis=0)
        if num == 1:
            gw_scale = gw_scale.sum(keepdims=True)
        spec = "prelu" if num == 1 else f"prelu(num_parameters={num})"
        emit(case, "layer", spec, {
            "x": x0, "dy": dy0, "weight": np.array(a),
            "y": y.detach().numpy(), "y.scale": np.abs(y.detach().numpy()),
            "grad_x": x.grad.numpy(), "grad_x.scale": np.abs(x.grad.numpy()),
            "grad_weight": a_t.grad.numpy(), "grad_weight.scale": gw_scale})

    # RReLU in evaluation: leaky_relu with slope (lower + upper) / 2.
    for case, lower, upper in (("rrelu_eval", 1.0 / 8, 1.0 / 3), ("rrelu_eval_0_1_0_3", 0.1, 0.3)):
        x0, dy0 = inputs((4, 5), zeros=2), rng.standard_normal((4, 5))
        x = t(x0).requires_grad_()
        y = F.rrelu(x, lower, upper, training=False)
        y.backward(t(dy0))
        spec = "rrelu" if lower == 1.0 / 8 else f"rrelu(lower={lower}, upper={upper})"
        emit(case, "layer", spec, {
            "x": x0, "dy": dy0, "y": y.detach().numpy(), "y.scale": np.abs(y.detach().numpy()),
            "grad_x": x.grad.numpy(), "grad_x.scale": np.abs(x.grad.numpy())})

    # RReLU in training: torch draws a slope per element (its own generator, so only
    # the semantics compare): x where x > 0, x * r with r in [lower, upper] otherwise, and
    # the gradient is dy * r with the same r. The sample is torch's; the test checks
    # these properties on it and on activ's training forward and backward.
    torch.manual_seed(20261201)
    lower, upper = 0.1, 0.3
    x0, dy0 = inputs((8, 16), zeros=4), rng.standard_normal((8, 16))
    x = t(x0).requires_grad_()
    y = F.rrelu(x, lower, upper, training=True)
    y.backward(t(dy0))
    emit("rrelu_train_sample", "rrelu_train", f"rrelu(lower={lower}, upper={upper})",
         {"x": x0, "dy": dy0, "y": y.detach().numpy(), "grad_x": x.grad.numpy()})

    # Learnable swish: y = x sigmoid(beta x), beta shared or per feature.
    for case, num, beta in (("swish_shared", 1, [1.3]), ("swish_per_feature", 3, [0.5, 1.0, -2.25])):
        x0, dy0 = inputs((4, 3)), rng.standard_normal((4, 3))
        x, b = t(x0).requires_grad_(), t(beta).requires_grad_()
        y = x * torch.sigmoid(b * x)
        y.backward(t(dy0))
        s = torch.sigmoid(t(beta) * t(x0)).numpy()
        ds = s * (1 - s)
        bx = np.abs(np.array(beta) * x0)
        gb_scale = (np.abs(dy0) * x0 * x0 * ds).sum(axis=0)
        if num == 1:
            gb_scale = gb_scale.sum(keepdims=True)
        spec = "swish_learnable" if num == 1 else f"swish_learnable(num_parameters={num})"
        emit(case, "layer", spec, {
            "x": x0, "dy": dy0, "beta": np.array(beta),
            "y": y.detach().numpy(), "y.scale": np.abs(y.detach().numpy()),
            "grad_x": x.grad.numpy(), "grad_x.scale": np.abs(dy0) * (s + bx * ds),
            "grad_beta": b.grad.numpy(), "grad_beta.scale": gb_scale})

    # Bilinear: torch.nn.Bilinear's functional form with fixed W (out, in1, in2) and b.
    def bilinear(x1_0, x2_0, w0, b0, dy0, same_input):
        def run(x1_0, x2_0, w0, b0, dy0):
            x1 = t(x1_0).requires_grad_()
            x2 = x1 if same_input else t(x2_0).requires_grad_()
            wt = t(w0).requires_grad_()
            bt = t(b0).requires_grad_() if b0 is not None else None
            y = F.bilinear(x1, x2, wt, bt)
            y.backward(t(dy0))
            return y.detach().numpy(), x1.grad.numpy(), (None if same_input else x2.grad.numpy()), wt.grad.numpy(), \
                (bt.grad.numpy() if bt is not None else None)
        vals = run(x1_0, x2_0, w0, b0, dy0)
        absb = np.abs(b0) if b0 is not None else None
        scales = run(np.abs(x1_0), np.abs(x2_0), np.abs(w0), absb, np.abs(dy0))  # sum of |terms|: multilinear
        return vals, scales

    for case, n, in1, in2, out_f, bias, same in (("bilinear_pair", 4, 3, 2, 3, True, False),
                                                 ("bilinear_pair_nobias", 4, 2, 3, 2, False, False),
                                                 ("bilinear_layer", 4, 3, 3, 2, True, True),
                                                 ("bilinear_layer_nobias", 5, 2, 2, 3, False, True)):
        bound = 1 / math.sqrt(in1)
        x1_0 = rng.standard_normal((n, in1))
        x2_0 = x1_0 if same else rng.standard_normal((n, in2))
        w0 = rng.uniform(-bound, bound, size=(out_f, in1, in2))
        b0 = rng.uniform(-bound, bound, size=(out_f,)) if bias else None
        dy0 = rng.standard_normal((n, out_f))
        (y, g1, g2, gw, gb), (sy, s1, s2, sw, sb) = bilinear(x1_0, x2_0, w0, b0, dy0, same)
        arrays = {"x": x1_0}
        if not same:
            arrays["x2"] = x2_0
        arrays.update({"dy": dy0, "weight": w0})
        if bias:
            arrays["bias"] = b0
        arrays.update({"y": y, "y.scale": sy, "grad_x": g1, "grad_x.scale": s1})
        if not same:
            arrays.update({"grad_x2": g2, "grad_x2.scale": s2})
        arrays.update({"grad_weight": gw, "grad_weight.scale": sw})
        if bias:
            arrays.update({"grad_bias": gb, "grad_bias.scale": sb})
        spec = f"bilinear({out_f}" + ("" if bias else ", bias=false") + ")"
        emit(case, "bilinear_pair" if not same else "layer", spec, arrays)

    w.write("manifest.tsv", ("\n".join(manifest) + "\n").encode())
    print(f"{len(manifest) - 3} layer cases in {ldir}")
    if check and w.mismatches:
        print("differs from the files in " + str(ldir) + ":\n  " + "\n  ".join(w.mismatches))
        return 1
    return 0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--check", action="store_true",
                    help="regenerate in memory and compare with the files in the output directory")
    ap.add_argument("--out", type=Path, default=OUT, help="output directory (default: tests/golden)")
    ap.add_argument("--tensor-only", action="store_true",
                    help="only the tensor goldens (tests/golden/tensor/) of the axis functions")
    ap.add_argument("--layers-only", action="store_true",
                    help="only the layer goldens (tests/golden/layers/): PReLU, RReLU, learnable swish, Bilinear")
    args = ap.parse_args()

    np.seterr(over="ignore")  # float64 -> float32 casts beyond float32's range give inf
    torch.set_num_threads(1)
    torch.use_deterministic_algorithms(True)
    args.out.mkdir(parents=True, exist_ok=True)
    layer_status = layer_goldens(args.out, args.check)
    if args.layers_only:
        return layer_status
    tensor_status = tensor_goldens(args.out, args.check) or layer_status
    if args.tensor_only:
        return tensor_status
    w = Writer(args.out, args.check)

    manifest = [
        "# PyTorch goldens, written by scripts/gen_golden.py (do not edit); read by tests/test_golden.cpp.",
        f"# torch {torch.__version__} (CPU capability {cpu_capability()}), numpy {np.__version__}.",
        "# Tab-separated columns: activ spec, inputs (float32),",
        "# forward golden (torch float64), derivative golden (torch float64 autograd of sum(f(x)), i.e. dy = 1),",
        "# piecewise_linear (1: exact comparison), torch float32 forward, torch float32 derivative.",
    ]
    excluded = [
        "# Points where torch's float64 value is not the exact value (mpmath, 600 bits), written by",
        "# scripts/gen_golden.py; tests/test_golden.cpp skips exactly these. Tab-separated columns: activ spec,",
        "# forward|derivative, x (float32 bits), reason, torch float64 value, exact value rounded to float64,",
        "# exact value correctly rounded to float32.",
    ]
    flagged = []  # (case, what, x, t64, exact, err, reason)
    off32 = []    # (case, what, x, t32, t64, ulps)
    summary = []  # (case, points, worst f32-vs-f64 fwd, worst deriv)

    for case in CASES:
        x = input_set(case.kinks)
        fwd64, grad64 = torch_eval(case.fn, x, torch.float64)
        fwd32, grad32 = torch_eval(case.fn, x, torch.float32)
        names = [f"{case.slug}.{k}.npy" for k in ("x", "fwd", "grad", "fwd32", "grad32")]
        for name, arr in zip(names, (x, fwd64.astype(np.float64), grad64.astype(np.float64),
                                     fwd32.astype(np.float32), grad32.astype(np.float32))):
            w.npy(name, arr)
        manifest.append("\t".join([case.spec, names[0], names[1], names[2],
                                   "1" if case.piecewise_linear else "0", names[3], names[4]]))

        worst = {"forward": 0.0, "derivative": 0.0}
        for i, xi in enumerate(x.tolist()):
            rf, rd = exact(case, xi)
            for what, t64, r, t32 in (("forward", float(fwd64[i]), rf, float(fwd32[i])),
                                      ("derivative", float(grad64[i]), rd, float(grad32[i]))):
                # Would a correctly rounded result fail the test's bar here because of
                # torch's own error? Piecewise-linear: float32(torch) must be the correctly
                # rounded exact value. Smooth: the bar is 1 ULP (forward) or 2 ULP
                # (derivative) from torch, of which a correctly rounded result uses 1/2.
                err = torch64_error(t64, r)
                if case.piecewise_linear:
                    bad = not same_f32(float(np.float32(t64)), round_f32(r))
                else:
                    bad = err > (0.5 if what == "forward" else 1.5)
                if bad:
                    reason = classify(case, what, xi, t64, r, err)
                    flagged.append((case, what, xi, t64, r, err, reason))
                    # At +-inf the exact value is the limit (r was evaluated at +-2^200).
                    r64 = round_f32(r) if math.isinf(xi) or mp.isnan(r) else float(r)
                    excluded.append("\t".join([case.spec, what, hex32(xi), reason, fmt(t64),
                                               fmt(r64), fmt(round_f32(r))]))
                u = f32_vs_f64_ulps(t32, t64)
                worst[what] = max(worst[what], u)
                if u > 1:
                    off32.append((case, what, xi, t32, t64, u))
        summary.append((case, len(x), worst["forward"], worst["derivative"]))

    w.write("manifest.tsv", ("\n".join(manifest) + "\n").encode())
    w.write("excluded.tsv", ("\n".join(excluded) + "\n").encode())
    w.write("REPORT.md", render_report(flagged, off32, summary).encode())

    print(f"{len(CASES)} cases, {w.bytes // 1024} KiB in {args.out}")
    print(f"{len(flagged)} points where torch's float64 value is not the exact value (excluded.tsv)")
    print(f"{len(off32)} results where torch's float32 value is more than 1 ULP from its float64 value")
    if args.check:
        if w.mismatches:
            print("differs from the files in " + str(args.out) + ":\n  " + "\n  ".join(w.mismatches))
            return 1
        print("the goldens are up to date")
    return tensor_status


def render_report(flagged, off32, summary) -> str:
    L = ["# PyTorch goldens: measured report", "",
         f"Written by `scripts/gen_golden.py` (do not edit) with torch {torch.__version__} "
         f"(Debian python3-torch, CPU kernels: {cpu_capability()}), numpy {np.__version__}, "
         f"mpmath {mp.__version__}. mpmath has no signed zero, so exact zeros print as 0. "
         "x is the float32 input; values are printed as the shortest decimal of their type.", "",
         "## A. Points where torch's float64 value is not the exact value", "",
         "Exact: mpmath at 600 bits of torch's definition, with PyTorch's current conventions at "
         "kinks (../shared/catalogue.md section 6). Listed where a correctly rounded result would "
         "fail the test's bar because of torch's own error: for piecewise-linear functions where "
         "float32(torch float64) is not the correctly rounded exact value, otherwise where torch's "
         "float64 value is more than 1/2 float32 ULP (forward) or 3/2 ULP (derivative) from the "
         "exact value, or NaN where that is not. tests/test_golden.cpp skips exactly these points "
         "(excluded.tsv).", "",
         "| case | what | x | reason | torch float64 | exact (float32) | torch error (float32 ULP) |",
         "|---|---|---|---|---|---|---|"]
    for case, what, x, t64, r, err, reason in flagged:
        L.append(f"| `{case.spec}` | {what} | {fmt32(x)} | {reason} | {fmt(t64)} | "
                 f"{fmt32(round_f32(r))} | {fmt_ulps(err)} |")
    L += ["", "Reasons of the `cancellation` and `convention` points:", ""]
    seen = set()
    for case, what, x, t64, r, err, reason in flagged:
        key = (case.spec, what, reason)
        if (reason, what) in case.issues and key not in seen:
            seen.add(key)
            L.append(f"- `{case.spec}` {what}: {case.issues[(reason, what)]}.")
    L += ["", "## B. Where torch's float32 result is more than 1 ULP from its float64 value", "",
          "ULP: float32's spacing at the float64 value (2^-149 below the normal range); `inf` "
          "means exactly one of the two is NaN or infinite. Measured with this machine's CPU "
          "kernels (vectorised paths can differ between CPUs).", "",
          "### B1. Worst point per case and direction", "",
          "| case | what | results > 1 ULP | worst x | torch float32 | torch float64 | ULP |",
          "|---|---|---|---|---|---|---|"]
    groups = {}
    for row in off32:
        groups.setdefault((row[0].spec, row[1]), []).append(row)
    for rows in groups.values():
        rows.sort(key=lambda r: (-r[5], r[2]))  # worst first (inf first), then by x
    for (spec, what), rows in groups.items():
        case, _, x, t32, t64, u = rows[0]
        L.append(f"| `{spec}` | {what} | {len(rows)} | {fmt32(x)} | {fmt32(t32)} | {fmt(t64)} | {fmt_ulps(u)} |")
    L += ["", "### B2. Up to 8 points per case and direction, the worst first", "",
          "| case | what | x | torch float32 | torch float64 | ULP |", "|---|---|---|---|---|---|"]
    for (spec, what), rows in groups.items():
        for case, _, x, t32, t64, u in rows[:8]:
            L.append(f"| `{spec}` | {what} | {fmt32(x)} | {fmt32(t32)} | {fmt(t64)} | {fmt_ulps(u)} |")
        if len(rows) > 8:
            L.append(f"| `{spec}` | {what} | ... and {len(rows) - 8} more | | | |")
    L += ["", "## C. Cases", "",
          "| case | points | excluded | float32 > 1 ULP (fwd / deriv) | worst float32 vs float64 ULP (fwd / deriv) |",
          "|---|---|---|---|---|"]
    for case, n, wf, wd in summary:
        nx = sum(1 for f in flagged if f[0] is case)
        nf = sum(1 for o in off32 if o[0] is case and o[1] == "forward")
        nd = sum(1 for o in off32 if o[0] is case and o[1] == "derivative")
        L.append(f"| `{case.spec}` | {n} | {nx} | {nf} / {nd} | {fmt_ulps(wf)} / {fmt_ulps(wd)} |")
    return "\n".join(L) + "\n"


if __name__ == "__main__":
    sys.exit(main())
