#!/usr/bin/env bash
# End-to-end tests of the activ CLI: test_cli.sh path/to/activ
# Needs bash, coreutils and python3 (only its json module; no numpy). Input .npy files
# are written by the CLI itself (eval linear ... -o) or byte by byte with printf.
set -euo pipefail

activ=$(realpath "$1")
work=$(mktemp -d "${TMPDIR:-/tmp}/activ-cli-test.XXXXXX")
trap 'rm -rf "$work"' EXIT
cd "$work"

failures=0
checks=0
fail() {
  echo "FAIL: $*" >&2
  failures=$((failures + 1))
}

# run ARGS...: runs activ, leaving stdout in $out, stderr in $err, status in $status.
run() {
  status=0
  "$activ" "$@" >"$work/stdout" 2>"$work/stderr" || status=$?
  out=$(cat "$work/stdout")
  err=$(cat "$work/stderr")
}

# expect_ok EXPECTED_STDOUT ARGS...
expect_ok() {
  local expected=$1
  shift
  checks=$((checks + 1))
  run "$@"
  if [[ $status -ne 0 ]]; then
    fail "activ $* exited $status: $err"
  elif [[ "$out" != "$expected" ]]; then
    fail "activ $*: expected [$expected], got [$out]"
  elif [[ -n "$err" ]]; then
    fail "activ $*: unexpected stderr: $err"
  fi
}

# expect_error PATTERN ARGS...: exit status exactly 2 and exactly one stderr line,
# "activ: ..." matching the extended regex PATTERN, and nothing on stdout.
expect_error() {
  local pattern=$1
  shift
  checks=$((checks + 1))
  run "$@"
  local lines
  lines=$(wc -l <"$work/stderr")
  if [[ $status -ne 2 ]]; then
    fail "activ $*: expected exit 2, got $status (stderr: $err)"
  elif [[ $lines -ne 1 ]]; then
    fail "activ $*: expected one stderr line, got $lines: $err"
  elif [[ "$err" != "activ: "* ]] || ! grep -Eq -- "$pattern" <<<"$err"; then
    fail "activ $*: stderr [$err] does not match 'activ: ' + /$pattern/"
  elif [[ -n "$out" ]]; then
    fail "activ $*: unexpected stdout: $out"
  fi
}

# expect_io_error PATTERN ARGS...: expect_error twice, with -o naming a file that does
# not exist (it must not appear) and one that does (it must be left byte-identical).
expect_io_error() {
  local pattern=$1
  shift
  rm -f new.npy
  expect_error "$pattern" "$@" -o new.npy
  [[ ! -e new.npy ]] || fail "activ $* -o new.npy created new.npy"
  echo "precious contents" >existing.npy
  expect_error "$pattern" "$@" -o existing.npy
  [[ "$(cat existing.npy)" == "precious contents" ]] || fail "activ $* -o existing.npy changed existing.npy"
  if ls -A | grep -q '\.tmp\.'; then fail "activ $* left a temporary file: $(ls -A)"; fi
}

# make_npy FILE DICT DATA [MAJOR]: a .npy file with header DICT (padded NumPy's way)
# and DATA, a printf format of the raw bytes (e.g. '\x00\x00\x80\x3f').
make_npy() {
  local file=$1 dict=$2 data=$3 major=${4:-1}
  local prefix=$((major == 1 ? 10 : 12))
  local len=$((${#dict} + 1))
  local pad=$(((64 - (prefix + len) % 64) % 64))
  local hlen=$((len + pad))
  {
    printf '\x93NUMPY'
    printf "\\x$(printf %02x "$major")\\x00"
    printf "\\x$(printf %02x $((hlen & 255)))\\x$(printf %02x $((hlen >> 8 & 255)))"
    if ((major != 1)); then printf '\x00\x00'; fi
    printf '%s' "$dict"
    printf "%${pad}s" ''
    printf '\n'
    printf "$data"
  } >"$file"
}
dict() { echo "{'descr': '$1', 'fortran_order': ${3:-False}, 'shape': $2, }"; }

# float32 1, 2, -1, 0.5 and float64 1, -2 as little-endian bytes.
F1='\x00\x00\x80\x3f' F2='\x00\x00\x00\x40' FM1='\x00\x00\x80\xbf' FH='\x00\x00\x00\x3f'
D1='\x00\x00\x00\x00\x00\x00\xf0\x3f' DM2='\x00\x00\x00\x00\x00\x00\x00\xc0'

# ---- version, help ---------------------------------------------------------------------

expect_ok "0.1.0" --version
run --help
[[ $status -eq 0 && "$out" == *"eval"* && "$out" == *"grad"* ]] || fail "activ --help: status $status"
run eval --help
[[ $status -eq 0 && "$out" == *"--dtype"* ]] || fail "activ eval --help: status $status"

# ---- list --------------------------------------------------------------------------------

run list
[[ $status -eq 0 ]] || fail "activ list exited $status"
list_table=$out
run list --json
[[ $status -eq 0 ]] || fail "activ list --json exited $status"
printf '%s' "$out" >list.json
# Strict JSON: Python's json module would otherwise accept NaN and Infinity.
python3 -c 'import json, sys; json.load(sys.stdin, parse_constant=lambda c: sys.exit("bad constant " + c))' <list.json ||
  fail "activ list --json is not valid JSON"
# Every unqualified name (and every entry) appears in the table.
names=$(python3 -c '
import json, sys
entries = json.load(sys.stdin)
for e in entries:
    assert set(e) >= {"name", "family", "framework", "params", "aliases", "formula", "derivative", "notes",
                      "piecewise_linear"}, e
    for p in e["params"]:
        assert set(p) >= {"name", "kind", "default", "required", "min", "max", "choices", "description"}, p
    print(e["name"])
by_name = {e["name"]: e for e in entries}
assert by_name["threshold"]["params"][0]["required"] is True and by_name["threshold"]["params"][0]["default"] is None
assert by_name["gelu"]["params"][0]["default"] == "none" and by_name["gelu"]["params"][0]["choices"] == ["none", "tanh"]
assert by_name["leaky_relu"]["params"][0]["default"] == 0.01
assert by_name["relu"]["params"][1]["name"] == "max_value" and by_name["relu"]["params"][1]["default"] is None
assert by_name["jax:gelu"]["framework"] == "jax" and by_name["gelu"]["framework"] == "activ"
' <list.json) || fail "activ list --json lacks fields"
unqualified=0
for name in $names; do
  [[ $name == *:* ]] || unqualified=$((unqualified + 1))
  grep -Eq "^$name( |\$)" <<<"$list_table" || fail "activ list does not show $name"
done
((unqualified >= 20)) || fail "activ list --json has only $unqualified unqualified names"
grep -Eq '^leaky_relu +negative_slope=0\.01' <<<"$list_table" || fail "activ list: leaky_relu default"
grep -Eq '^threshold +threshold \(required\), value \(required\)' <<<"$list_table" || fail "activ list: required"
grep -Eq '^relu +negative_slope=0, max_value=None' <<<"$list_table" || fail "activ list: None"
grep -Eq '^hard_swish .* hardswish' <<<"$list_table" || fail "activ list: aliases"
run list --framework jax
[[ $status -eq 0 && "$out" == *"jax:gelu"* && "$out" != *"torch:"* ]] || fail "activ list --framework jax"
expect_error "unknown framework 'pytorch'" list --framework pytorch

# ---- info --------------------------------------------------------------------------------

run info 'jax:gelu'
[[ $status -eq 0 ]] || fail "activ info jax:gelu exited $status"
for text in "name: *jax:gelu" "framework: *jax" "family: *gelu" "formula:" "derivative:" "approximate = true" \
            "how the frameworks differ" "torch:gelu\(approximate=none\)" "keras:gelu\(approximate=false\)"; do
  grep -Eq "$text" <<<"$out" || fail "activ info jax:gelu lacks /$text/"
done
run info 'relu(max_value=6)'
grep -Eq 'max_value = 6 +\(default None; .*None\)' <<<"$out" || fail "activ info relu(max_value=6): bound value"
run info hardswish
grep -q 'name: *hard_swish' <<<"$out" || fail "activ info resolves aliases"
expect_error "unknown activation 'gelux'" info gelux

# ---- eval with VALUES -------------------------------------------------------------------

expect_ok $'0\n0\n2\n0' eval relu -1 0 2 -inf
expect_ok $'inf\nnan' eval relu inf nan
expect_ok "0.5" eval sigmoid 0
expect_ok "-7.61985298e-23" eval gelu -10   # tiny but not flushed to zero
expect_ok "-7.6198530241605263e-23" eval gelu -10 --dtype f64
expect_ok "0.10000000000000001" eval linear 0.1 --dtype f64
expect_ok "0.100000001" eval linear 0.1
expect_ok $'-0.200000003\n3' eval 'leaky_relu(negative_slope=0.2)' -1 3
expect_ok "-0.5" eval 'torch:leaky_relu(0.5)' -1
expect_ok "0" eval relu -.5
expect_ok $'0\n1' eval hardsigmoid -3 3
expect_ok "0.5" eval linear 0x1p-1

# ---- grad with VALUES -------------------------------------------------------------------

expect_ok $'0\n0\n1' grad relu -1 0 2
expect_ok "0.25" grad sigmoid 0
expect_ok $'0.00999999978\n1' grad leaky_relu -- -5 5
expect_ok "0.25" grad sigmoid 0 --dtype f64

# ---- eval and grad with .npy --------------------------------------------------------------

# A (2, 2) float32 file by hand, a 1-d float64 one by the CLI.
make_npy x22.npy "$(dict '<f4' '(2, 2)')" "$F1$FM1$F2$FH"
expect_ok $'1\n-1\n2\n0.5' eval linear -i x22.npy
expect_ok $'1\n0\n2\n0.5' eval relu -i x22.npy
expect_ok '' eval relu -i x22.npy -o y22.npy
grep -aq "'descr': '<f4', 'fortran_order': False, 'shape': (2, 2)" y22.npy || fail "eval -o: header of y22.npy"
[[ $(stat -c %s y22.npy) -eq $((128 + 16)) ]] || fail "eval -o: size of y22.npy"
expect_ok $'1\n0\n2\n0.5' eval linear -i y22.npy
# In place: -o may name the input.
cp x22.npy inplace.npy
expect_ok '' eval relu -i inplace.npy -o inplace.npy
expect_ok $'1\n0\n2\n0.5' eval linear -i inplace.npy

expect_ok '' eval linear 1 -2 --dtype f64 -o x64.npy
grep -aq "'descr': '<f8', 'fortran_order': False, 'shape': (2,)" x64.npy || fail "eval --dtype f64 -o: header"
expect_ok $'1\n-2' eval linear -i x64.npy
expect_ok $'1\n-2' eval linear -i x64.npy --dtype f64
expect_ok '' eval sigmoid -i x64.npy -o s64.npy
grep -aq "'descr': '<f8'" s64.npy || fail "eval keeps f64"
expect_ok $'0.7310585786300049\n0.11920292202211756' eval linear -i s64.npy

# 0-d and empty arrays.
make_npy scalar.npy "$(dict '<f8' '()')" "$DM2"
expect_ok '' eval relu -i scalar.npy -o scalar_out.npy
grep -aq "'shape': ()" scalar_out.npy || fail "0-d shape kept"
expect_ok "0" eval linear -i scalar_out.npy
make_npy empty.npy "$(dict '<f4' '(0, 3)')" ''
expect_ok '' eval relu -i empty.npy
expect_ok '' grad relu -i empty.npy -o empty_out.npy
grep -aq "'shape': (0, 3)" empty_out.npy || fail "empty shape kept"

# grad: dy defaults to ones; --dy must match x exactly.
expect_ok $'1\n0\n1\n1' grad relu -i x22.npy
make_npy dy22.npy "$(dict '<f4' '(2, 2)')" "$F2$F2$FH$FM1"
expect_ok '' grad relu -i x22.npy --dy dy22.npy -o dx22.npy
expect_ok $'2\n0\n0.5\n-1' eval linear -i dx22.npy
grep -aq "'shape': (2, 2)" dx22.npy || fail "grad -o keeps the shape"
expect_ok '' eval linear 3 -3 -o dy2.npy
expect_ok $'3\n-0' grad relu 1 -1 --dy dy2.npy   # -3 * 0
make_npy v2.npy "$(dict '<f8' '(1,)')" "$D1" 2
expect_ok "1" eval relu -i v2.npy

# ---- bad input: exit 2, one line, no output file ---------------------------------------------

make_npy x3.npy "$(dict '<f4' '(3,)')" "$F1$F1$F1"
make_npy x4_64.npy "$(dict '<f8' '(2, 2)')" "$D1$D1$D1$D1"
make_npy dy4.npy "$(dict '<f4' '(4,)')" "$F1$F1$F1$F1"
mkdir -p adir

expect_io_error "cannot open 'missing.npy': No such file" eval relu -i missing.npy
expect_io_error "cannot read 'adir': Is a directory" eval relu -i adir
printf 'PK\x03\x04 this is a zip file, not npy' >zip.npy
expect_io_error "zip.npy.*bad magic" eval relu -i zip.npy
head -c 9 x22.npy >trunc_header.npy
expect_io_error "truncated header" eval relu -i trunc_header.npy
make_npy nodict.npy "{'descr': '<f4', 'shape': (1,)}" "$F1"
expect_io_error "missing key 'fortran_order'" eval relu -i nodict.npy
make_npy extra.npy "{'descr': '<f4', 'fortran_order': False, 'shape': (1,), 'x': 1}" "$F1"
expect_io_error "unknown key 'x'" eval relu -i extra.npy
make_npy syntax.npy "{'descr': '<f4', 'fortran_order': False, 'shape': (1,}" "$F1"
expect_io_error "malformed header" eval relu -i syntax.npy
make_npy int.npy "$(dict '<i4' '(1,)')" "$F1"
expect_io_error "int.npy' holds <i4 data; activations take float32 or float64" eval relu -i int.npy
make_npy bool.npy "$(dict '|b1' '(1,)')" '\x01'
expect_io_error "bool.npy' holds \|b1 data" grad relu -i bool.npy
make_npy bool2.npy "$(dict '|b1' '(1,)')" '\x02'
expect_io_error "bad bool data" grad relu -i bool2.npy
make_npy u64.npy "$(dict '<u8' '(1,)')" "$F1$F1"
expect_io_error "unsupported dtype '<u8'" eval relu -i u64.npy
make_npy complex.npy "$(dict '<c8' '(1,)')" "$F1$F1"
expect_io_error "unsupported dtype '<c8'" eval relu -i complex.npy
make_npy fortran.npy "$(dict '<f4' '(2, 2)' True)" "$F1$F1$F1$F1"
expect_io_error "fortran_order" eval relu -i fortran.npy
make_npy big.npy "$(dict '>f4' '(1,)')" '\xc0\x00\x00\x00'
expect_ok "-0.0199999996" eval leaky_relu -i big.npy  # big-endian -2.0, swapped on reading
make_npy big_i.npy "$(dict '|i4' '(1,)')" "$F1"
expect_io_error "byte order '\|' is for one-byte types" eval relu -i big_i.npy
make_npy negative.npy "$(dict '<f4' '(-1,)')" "$F1"
expect_io_error "negative dimension" eval relu -i negative.npy
make_npy nonint.npy "$(dict '<f4' '(1.5,)')" "$F1"
expect_io_error "non-integer dimension" eval relu -i nonint.npy
make_npy overflow.npy "$(dict '<f4' '(4294967296, 4294967296)')" "$F1"
expect_io_error "too many elements" eval relu -i overflow.npy
make_npy short.npy "$(dict '<f4' '(3,)')" "$F1$F1"
expect_io_error "truncated data" eval relu -i short.npy
make_npy long.npy "$(dict '<f4' '(1,)')" "$F1$F1"
expect_io_error "trailing bytes" grad relu -i long.npy
expect_io_error "dy 'dy4.npy' has shape \(4,\).*x has shape \(2, 2\)" grad relu -i x22.npy --dy dy4.npy
expect_io_error "dy 'x4_64.npy' has .*f64.*x has .*f32" grad relu -i x22.npy --dy x4_64.npy
expect_io_error "dy 'x3.npy' has shape \(3,\)" grad relu 1 2 --dy x3.npy
expect_io_error "cannot open 'missing.npy'" grad relu -i x22.npy --dy missing.npy
expect_io_error "unknown activation 'reluu'.*did you mean" eval reluu 1
expect_io_error "unknown framework prefix 'pytorch'" eval pytorch:relu 1
expect_io_error "missing required parameter 'threshold'" eval threshold 1
expect_io_error "unknown parameter 'slope'" eval 'leaky_relu(slope=1)' 1
expect_io_error "malformed spec" grad 'gelu(' -i x22.npy
expect_io_error "bad number 'abc'" eval relu 1 abc
expect_io_error "bad number '1,5'" grad relu 1,5
expect_io_error "bad number ''" eval relu ''
expect_io_error "not both" eval relu 1 -i x22.npy
expect_io_error "nothing to compute" eval relu
expect_io_error "--dtype f64 does not match" eval relu -i x22.npy --dtype f64
expect_io_error "--dtype" eval relu 1 --dtype f16
expect_io_error "--bogus" eval relu 1 --bogus

expect_error "cannot create a temporary file for 'nodir/out.npy'" eval relu 1 -o nodir/out.npy
[[ ! -e nodir ]] || fail "eval -o nodir/out.npy created something"
expect_error "cannot write 'adir'" eval relu 1 -o adir
[[ -d adir && -z "$(ls -A adir)" ]] || fail "eval -o adir changed the directory"
expect_error "unknown command 'evalute'" evalute relu 1
expect_error "expected a command"
expect_error "SPEC is required" info
expect_error "--dy" grad relu 1 --dy
expect_error "--json" info relu --json
expect_error "." list extra-argument

# ---- axis functions (docs/tensor.md): VALUES are a 1-D tensor; y has output_shape(x) ----
expect_ok $'0.5\n0.5' eval softmax 3 3
expect_ok $'1\n2' eval glu 2 4 0 0
expect_ok $'5\n-1' eval "maxout(k=3)" 1 5 2 -1 -3 -2
expect_ok $'0\n0' eval softmax -- -inf -inf
expect_ok $'0\n0' grad softmax 1 2
expect_error "odd" eval glu 1 2 3
expect_error "out of range" eval "softmax(axis=1)" 1 2
expect_error "multiple of k" grad "maxout(k=2)" 1 2 3

# --mask: a boolean .npy broadcast to x; masked entries get probability 0 and leave the
# normalisation, so softmax(1, 2, 3) masked at 2 is softmax(1, 3) with a 0 between.
make_npy m3.npy "$(dict '|b1' '(3,)')" '\x01\x00\x01'
run eval softmax 1 3
unmasked=$out
expect_ok "${unmasked%%$'\n'*}"$'\n0\n'"${unmasked##*$'\n'}" eval softmax 1 2 3 --mask m3.npy
# A (2,) mask broadcasts over the rows of x22: one entry left per row (probability 1,
# gradient 0, log-probability 0 and -inf where masked); a fully masked row gives zeros.
make_npy m2.npy "$(dict '|b1' '(2,)')" '\x01\x00'
make_npy m00.npy "$(dict '|b1' '(2,)')" '\x00\x00'
expect_ok $'1\n0\n1\n0' eval softmax -i x22.npy --mask m2.npy
expect_ok $'0\n-inf\n0\n-inf' eval log_softmax -i x22.npy --mask m2.npy
expect_ok $'0\n0\n0\n0' grad softmax -i x22.npy --mask m2.npy
expect_ok $'0\n0\n0\n0' eval softmax -i x22.npy --mask m00.npy
expect_ok '' eval softmax -i x22.npy --mask m2.npy -o masked.npy
expect_ok $'1\n0\n1\n0' eval linear -i masked.npy
make_npy mi.npy "$(dict '<i4' '(3,)')" "$F1$F1$F1"
expect_io_error "mi.npy' holds <i4 data; a mask is boolean" eval softmax 1 2 3 --mask mi.npy
expect_io_error "does not broadcast" eval softmax -i x22.npy --mask m3.npy
expect_io_error "only to the softmax family and sparsemax, not relu" eval relu 1 2 3 --mask m3.npy
expect_io_error "cannot open 'absent.npy'" grad softmax 1 2 --mask absent.npy
if ls -A | grep -q '\.tmp\.'; then fail "temporary files left behind: $(ls -A)"; fi

echo "$checks checks, $failures failures"
((failures == 0))
