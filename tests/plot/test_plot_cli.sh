#!/usr/bin/env bash
# activ plot and activ report from the command line: what they write, and that every
# kind of bad input gives one "activ: ..." line, exit status 2 and no file.
#   test_plot_cli.sh path/to/activ
set -euo pipefail

activ=$(realpath "$1")
work=$(mktemp -d "${TMPDIR:-/tmp}/activ-plot-test.XXXXXX")
trap 'chmod -R u+w "$work"; rm -rf "$work"' EXIT
cd "$work"

failures=0
checks=0
fail() {
  echo "FAIL: $*" >&2
  failures=$((failures + 1))
}

# expect_ok FILE ARGS...: exit 0 and FILE written, non-empty.
expect_ok() {
  local file=$1
  shift
  checks=$((checks + 1))
  local status=0
  "$activ" "$@" >stdout 2>stderr || status=$?
  if [[ $status -ne 0 ]]; then
    fail "activ $* exited $status: $(cat stderr)"
  elif [[ ! -s $file ]]; then
    fail "activ $*: $file missing or empty"
  fi
}

# expect_error PATTERN ARGS...: exit 2, one stderr line "activ: ..." matching PATTERN,
# and nothing new in the directory (no output, no temporary file).
expect_error() {
  local pattern=$1
  shift
  checks=$((checks + 1))
  local before after status=0
  before=$(ls -A | grep -v '^std')
  "$activ" "$@" >stdout 2>stderr || status=$?
  after=$(ls -A | grep -v '^std')
  local err lines
  err=$(cat stderr)
  lines=$(wc -l <stderr)
  if [[ $status -ne 2 ]]; then
    fail "activ $*: expected exit 2, got $status ($err)"
  elif [[ $lines -ne 1 || "$err" != "activ: "* ]] || ! grep -Eq -- "$pattern" <<<"$err"; then
    fail "activ $*: stderr [$err] is not one 'activ: ' line matching /$pattern/"
  elif [[ "$before" != "$after" ]]; then
    fail "activ $*: left files behind: $(comm -13 <(echo "$before") <(echo "$after") | tr '\n' ' ')"
  fi
}

# ---- plot: what works ---------------------------------------------------------------
expect_ok one.svg plot relu -o one.svg
grep -q "<svg" one.svg || fail "one.svg is not an SVG"
grep -q ">relu</text>" one.svg || fail "one.svg has no legend entry 'relu'"
expect_ok many.svg plot gelu jax:gelu "elu(alpha=0.5)" --derivative --title "it's <f'>" -o many.svg
grep -q ">jax:gelu</text>" many.svg || fail "many.svg lacks the jax:gelu legend entry"
grep -q "it's &lt;f'>" many.svg || fail "many.svg lacks the escaped title"
expect_ok both.png plot softplus --both --range -6:6 -o both.png
[[ $(head -c 4 both.png | tail -c 3) == PNG ]] || fail "both.png is not a PNG"
expect_ok sweep.svg plot elu --sweep alpha=0.1,0.5,2 -o sweep.svg
grep -q ">alpha=0.5</text>" sweep.svg || fail "sweep.svg lacks the legend entry alpha=0.5"
expect_ok neg.svg plot relu --range=-6:-1 -o neg.svg
# Axis functions: output 0 of a probe row that moves with x (titled so).
expect_ok softmax.svg plot softmax --both -o softmax.svg
grep -q "output 0 of the row (x, 0)" softmax.svg || fail "softmax.svg lacks the probe-row title"
expect_ok glu.svg plot glu torch:glu -o glu.svg
expect_ok maxout.svg plot maxout --sweep k=2,3 -o maxout.svg
cp one.svg keep.svg
expect_error "bad range" plot relu --range 3:3 -o keep.svg
cmp -s one.svg keep.svg || fail "a failed plot changed the existing output"

# ---- plot: bad input ------------------------------------------------------------------
expect_error "unknown (function|activation|name).*relu" plot reluu -o x.svg
expect_error "bad range '2:1'" plot relu --range 2:1 -o x.svg
expect_error "bad range 'a:b'" plot relu --range a:b -o x.svg
expect_error "bad range '1'" plot relu --range 1 -o x.svg
expect_error "bad range" plot relu --range 0:inf -o x.svg
expect_error "unknown sweep key 'beta' for elu \(parameters: alpha\)" plot elu --sweep beta=1,2 -o x.svg
expect_error "unknown sweep key 'alpha' for relu6 \(it has no parameters\)" plot relu6 --sweep alpha=1 -o x.svg
expect_error "bad sweep" plot elu --sweep alpha -o x.svg
expect_error "exactly one SPEC" plot elu celu --sweep alpha=1,2 -o x.svg
expect_error "alpha" plot elu --sweep alpha=1,nan -o x.svg
expect_error "axis 5 is out of range|axis" plot "softmax(axis=5)" -o x.svg
expect_error "must end in .svg or .png" plot relu -o x.pdf
expect_error "cannot write 'no/such/dir/x.svg'" plot relu -o no/such/dir/x.svg
mkdir locked && chmod a-w locked
if [[ $(id -u) -ne 0 ]]; then  # root writes anywhere
  expect_error "cannot write 'locked/x.svg'" plot relu -o locked/x.svg
fi
ACTIV_GNUPLOT=/no/gnuplot expect_error "cannot run /no/gnuplot: No such file" plot relu -o x.svg
ACTIV_GNUPLOT=false expect_error "false failed" plot relu -o x.svg
expect_error "excludes|--both" plot relu --derivative --both -o x.svg
expect_error "required" plot relu

# ---- report: bad input (the browser test checks a good report) ------------------------
mkdir results && echo '{"relu": {"f32 fwd": ' >results/accuracy.json
expect_error "malformed JSON in '.*results/accuracy.json'" report -o site --results results
echo '{"relu": {"f32 fwd": {"max_ulp": "x"}}}' >results/accuracy.json
expect_error "no numeric max_ulp" report -o site --results results
rm results/accuracy.json && echo '[1,' >results/performance.json
expect_error "malformed JSON in '.*results/performance.json'" report -o site --results results
mkdir precious && echo data >precious/notes.txt
expect_error "'precious' exists and is not an activ report" report -o precious --results results
ACTIV_GNUPLOT=/no/gnuplot expect_error "cannot run /no/gnuplot" report -o site --results empty

echo "plot/report CLI: $checks checks, $failures failures"
[[ $failures -eq 0 ]]
