# The set-up every CLI test script shares. Sourced as
#   source "$(dirname "$(realpath "${BASH_SOURCE[0]}")")/lib.sh" NAME "$1"
# it sets activ (the binary, absolute), here (tests/cli), a fresh work directory (the
# current directory from then on, removed on exit) and fail MESSAGE, which reports on
# stderr and counts into $failures.
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
