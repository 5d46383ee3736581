#!/usr/bin/env bash
# activ compare end to end on a small synthetic data set in Fashion-MNIST's file layout:
# the table sorted by accuracy, --json (every activation, the meta block, sorted rows),
# --csv, identical numbers for identical runs, agreement with activ train for the same
# seed, -o written whole, and one-line errors with exit status 2.
# test_compare.sh path/to/activ
set -euo pipefail

source "$(dirname "$(realpath "${BASH_SOURCE[0]}")")/lib.sh" compare "$1"

python3 "$here/synthetic_fashion_mnist.py" data 300 100

acts="relu,sigmoid,prelu,elu(alpha=0.5),hard_swish"
compare() {
  "$activ" compare --data-dir data --model "dense(8),ACT,dense(8),ACT,dense(10)" --activations "$acts" \
    --seeds 2 --epochs 2 --batch 32 --lr 0.01 "$@"
}

compare >table.txt 2>runs.txt || fail "compare exited $?: $(cat runs.txt)"
[[ $(wc -l <runs.txt) -eq 10 ]] || fail "expected 10 run lines on stderr: $(cat runs.txt)"
[[ $(wc -l <table.txt) -eq 6 ]] || fail "expected a header and 5 rows: $(cat table.txt)"
head -1 table.txt | grep -q "^rank  activation  .*test accuracy (2 seeds)" || fail "table header: $(head -1 table.txt)"
# Rows: rank, name, mean, ±, std, time, s, best epoch; means must not increase.
python3 - <<'PY' || fail "table not sorted by accuracy or activations missing: $(cat table.txt)"
rows = [l.split() for l in open("table.txt", encoding="utf-8").read().splitlines()[1:]]
means = [float(r[2]) for r in rows]
assert means == sorted(means, reverse=True), means
assert sorted(r[1] for r in rows) == sorted(["relu", "sigmoid", "prelu", "elu(alpha=0.5)", "hard_swish"]), rows
assert [r[0] for r in rows] == ["1", "2", "3", "4", "5"]
assert all(r[3] == "\u00b1" and r[7].endswith("/2") for r in rows), rows
PY

compare --json --quiet -o one.json 2>err.txt || fail "compare --json exited $?: $(cat err.txt)"
[[ -s err.txt ]] && fail "--quiet still wrote to stderr: $(cat err.txt)"
compare --json --quiet >two.json || fail "compare --json to stdout failed"
ls -a | grep -q '\.tmp-' && fail "a temporary file was left behind"
python3 - <<'PY' || fail "JSON layout"
import json
one, two = json.load(open("one.json")), json.load(open("two.json"))
acts = ["relu", "sigmoid", "prelu", "elu(alpha=0.5)", "hard_swish"]
for key in ["date", "cpu", "threads", "epochs", "batch", "optimizer", "lr", "seeds", "model"]:
    assert key in one["meta"], key
m = one["meta"]
assert (m["threads"], m["epochs"], m["batch"], m["optimizer"], m["lr"], m["seeds"]) == (1, 2, 32, "adam", 0.01, 2), m
assert m["model"] == "dense(8),ACT,dense(8),ACT,dense(10)"
rows = one["results"]
assert sorted(r["activation"] for r in rows) == sorted(acts), rows
means = [r["accuracy_mean"] for r in rows]
assert means == sorted(means, reverse=True), means
for r in rows:
    assert set(r) >= {"activation", "accuracy_mean", "accuracy_std", "train_time_s", "best_epoch", "seeds", "epochs"}, r
    assert r["seeds"] == 2 and r["epochs"] == 2 and 1 <= r["best_epoch"] <= 2, r
    assert 0 <= r["accuracy_mean"] <= 1 and r["accuracy_std"] >= 0 and r["train_time_s"] > 0, r
# Deterministic: everything but the clock and the load.
strip = lambda d: [{k: v for k, v in r.items() if k != "train_time_s"} for r in d["results"]]
assert strip(one) == strip(two), (strip(one), strip(two))
PY

compare --csv --quiet >out.csv || fail "compare --csv failed"
python3 - <<'PY' || fail "CSV layout: $(cat out.csv)"
import csv, json
rows = list(csv.DictReader(open("out.csv")))
ref = json.load(open("one.json"))["results"]
assert [r["activation"] for r in rows] == [r["activation"] for r in ref], rows
assert all(float(a["accuracy_mean"]) == b["accuracy_mean"] for a, b in zip(rows, ref))
PY

# One activation and one seed: the same run as activ train with that seed.
"$activ" compare --data-dir data --model "dense(8),ACT,dense(10)" --activations relu --seeds 1 --seed 5 \
  --epochs 2 --batch 32 --lr 0.01 --json --quiet >single.json || fail "single compare failed"
"$activ" train --data-dir data --model "dense(8),relu,dense(10)" --seed 5 --epochs 2 --batch 32 --lr 0.01 >train.txt ||
  fail "train failed"
python3 - <<'PY' || fail "compare and train disagree: $(cat single.json train.txt)"
import json, re
r = json.load(open("single.json"))["results"][0]
acc = float(re.search(r"^test accuracy: ([0-9.]+)", open("train.txt").read(), re.M).group(1))
assert abs(r["accuracy_mean"] - acc) < 5e-5 and r["accuracy_std"] == 0, (r, acc)
PY

m="dense(8),ACT,dense(10)"
expect_error "activation 'rleu'" compare --data-dir data --model "$m" --activations relu,rleu
expect_error "no ACT element" compare --data-dir data --model "dense(8),relu,dense(10)" --activations relu
expect_error "'relu' is listed twice" compare --data-dir data --model "$m" --activations relu,tanh,relu
expect_error "--seeds must be at least 1" compare --data-dir data --model "$m" --activations relu --seeds 0
expect_error "--epochs" compare --data-dir data --model "$m" --activations relu --epochs x
expect_error "--lr must be a finite number" compare --data-dir data --model "$m" --activations relu --lr -1
expect_error "excludes|not both" compare --data-dir data --model "$m" --activations relu --json --csv
expect_error "unbalanced" compare --data-dir data --model "$m" --activations "relu,elu(alpha=1"
expect_error "unknown optimizer 'rmsprop'" compare --data-dir data --model "$m" --activations relu --optimizer rmsprop
expect_error "ends with 4 outputs" compare --data-dir data --model "dense(4),ACT" --activations relu --quiet
expect_error "cannot write 'nowhere/out.json'" compare --data-dir data --model "$m" --activations relu --epochs 1 \
  --quiet --json -o nowhere/out.json

if [[ $failures -ne 0 ]]; then
  echo "$failures failed" >&2
  exit 1
fi
echo "compare CLI: all checks passed"
