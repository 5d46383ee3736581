#!/usr/bin/env bash
# `activ verify` end to end: test_verify_cli.sh path/to/activ
# A coarse strided sweep of every unqualified entry (each must pass, exit 0), the text
# and --json report formats, and the bad-input exits (2). A missed bar (exit 1) cannot
# be produced without a wrong kernel; the scoring that decides it is unit-tested in
# test_verify_compare.cpp.
set -euo pipefail

activ=$1
failures=0
fail() {
  echo "FAIL: $*" >&2
  failures=$((failures + 1))
}

# Every unqualified entry, every 1048573rd bit pattern (4096 points over every exponent).
mapfile -t specs < <("$activ" list --json | python3 -c '
import json, sys
for e in json.load(sys.stdin):
    # Elementwise entries only (functions along an axis, where the catalogue has them,
    # have no per-element ULP sweep).
    if e["framework"] != "activ" or e.get("kind", "elementwise") != "elementwise" or \
            any(p["name"] in ("axis", "dim") for p in e["params"]) or e["name"] == "softmax2d":
        continue
    if any(p["required"] for p in e["params"]):
        print("threshold(threshold=0.5, value=-2)" if e["name"] == "threshold" else "")
    else:
        print(e["name"])')
[[ ${#specs[@]} -ge 20 ]] || fail "expected the unqualified entries, got ${#specs[@]}"
for spec in "${specs[@]}"; do
  [[ -n "$spec" ]] || continue
  status=0
  out=$("$activ" verify "$spec" --stride 1048573 --threads 2 --oracle-check 8 2>&1) || status=$?
  if [[ $status -ne 0 ]]; then
    fail "verify $spec exited $status: $out"
  fi
done
# Framework spellings and parameters go through the same path.
for spec in "jax:gelu" "torch:elu" "softplus(beta=2, threshold=10)" "keras:leaky_relu"; do
  "$activ" verify "$spec" --stride 1048573 --oracle-check 4 >/dev/null || fail "verify $spec exited $?"
done

# The text report: its lines, in order.
out=$("$activ" verify gelu --stride 65537 --threads 2)
for pattern in '^verify gelu \(float32, every 65537th bit pattern: 65536 points, 2 threads\)$' \
               '^forward: +max [0-9.]+ ULP at x = \S+ \(\S+, bits 0x[0-9a-f]{8}\)$' \
               '^ +[0-9]+ above 0.5 ULP, 0 above 1 ULP; NaN mismatches 0, inf mismatches 0$' \
               '^derivative: +max [0-9.]+ ULP at x = ' \
               '^ +[0-9]+ above 0.5 ULP, 0 above 2 ULP; NaN mismatches 0, inf mismatches 0$' \
               '^oracle: +66 points against MPFR' \
               '^elapsed: +[0-9.]+ s$' '^result: +PASS$'; do
  grep -Eq -- "$pattern" <<<"$out" || fail "verify gelu: no line matching /$pattern/ in: $out"
done
# A piecewise-linear entry reports exactness.
out=$("$activ" verify leaky_relu --stride 65537 --threads 1)
grep -Eq 'bars: exact \(piecewise-linear\)' <<<"$out" || fail "leaky_relu: no exact bar in: $out"
[[ $(grep -Ec '^ +0 not exact' <<<"$out") -eq 2 ]] || fail "leaky_relu: expected two '0 not exact' lines in: $out"

# --json: one object with the fields make verify reads; the same numbers for any thread count.
one=$("$activ" verify sigmoid --stride 65537 --threads 1 --json)
two=$("$activ" verify sigmoid --stride 65537 --threads 3 --json)
python3 - "$one" "$two" <<'PY' || fail "verify --json"
import json, sys
a, b = (json.loads(s) for s in sys.argv[1:])
for key in ("spec", "stride", "points", "forward", "derivative", "oracle_check", "pass", "elapsed_s", "threads"):
    assert key in a, key
assert a["spec"] == "sigmoid" and a["points"] == 65536 and a["pass"] is True, a
for k in ("max_ulp", "max_at", "max_at_bits", "above_0_5", "above_1", "above_2", "nan_mismatches", "inf_mismatches"):
    assert k in a["forward"], k
assert a["forward"] == b["forward"] and a["derivative"] == b["derivative"], (a, b)
PY
# A stride of 2^32 checks the single point +0.
"$activ" verify relu --stride 4294967296 --json | grep -q '"points": 1,' || fail "stride 2^32 is not one point"

# Bad input: exit 2 with one "activ: ..." line.
expect_error() {
  local pattern=$1
  shift
  local status=0 err
  err=$("$activ" "$@" 2>&1 >/dev/null) || status=$?
  if [[ $status -ne 2 ]] || [[ $(wc -l <<<"$err") -ne 1 ]] || ! grep -Eq -- "^activ: .*$pattern" <<<"$err"; then
    fail "activ $*: expected exit 2 and one line matching /$pattern/, got $status: $err"
  fi
}
expect_error "unknown activation 'gelo'.*gelu" verify gelo
expect_error "excludes" verify relu --exhaustive --stride 3
expect_error "not in range" verify relu --stride 0
expect_error "not in range" verify relu --threads 0
expect_error "float32 only" verify relu --dtype f64
expect_error "works along an axis" verify softmax
expect_error "required" verify threshold
expect_error "SPEC is required" verify

if [[ $failures -ne 0 ]]; then
  echo "$failures verify check(s) failed" >&2
  exit 1
fi
echo "verify CLI: all checks passed"
