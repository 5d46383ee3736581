# The set-up every CLI test script shares. Sourced as
#   source "$(dirname "$(realpath "${BASH_SOURCE[0]}")")/lib.sh" NAME "$1"
# it sets activ (the binary, absolute), here (tests/cli), a fresh work directory (the
# current directory from then on, removed on exit) and fail MESSAGE, which reports on
# stderr and counts into $failures, and expect_error.
activ=$(realpath "$2")
here=$(dirname "$(realpath "${BASH_SOURCE[0]}")")
work=$(mktemp -d "${TMPDIR:-/tmp}/activ-$1-test.XXXXXX")
trap 'rm -rf "$work"' EXIT
cd "$work"
failures=0
fail() {
  echo "FAIL: $*" >&2
  failures=$((failures + 1))
}

# expect_error PATTERN ARGS...: activ exits with 2 and writes exactly one stderr line,
# "activ: ..." matching PATTERN (extended regex).
expect_error() {
  local pattern=$1 status=0
  shift
  "$activ" "$@" >out.txt 2>err.txt || status=$?
  if [[ $status -ne 2 ]]; then fail "activ $*: exit $status, expected 2"
  elif [[ $(wc -l <err.txt) -ne 1 ]] || ! grep -Eq -- "^activ: .*$pattern" err.txt; then
    fail "activ $*: stderr [$(cat err.txt)] does not match /$pattern/"
  fi
}
