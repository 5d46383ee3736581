#!/usr/bin/env bash
# activ train / evaluate / compare on user data from .npy files (--data npy:...), and
# saved models: --save, evaluate --load (the accuracy printed at save time), train
# --load (continues; --model must agree), one-line errors with exit status 2 for bad
# data and corrupt model files. The files come from tests/cli/synthetic_npy.py.
# test_train_npy.sh path/to/activ
set -euo pipefail

source "$(dirname "$(realpath "${BASH_SOURCE[0]}")")/lib.sh" train-npy "$1"

python3 "$here/synthetic_npy.py" .
split=npy:train_x.npy,train_y.npy,test_x.npy,test_y.npy
train() { "$activ" train --data "$split" --epochs 4 --batch 16 --lr 0.01 --seed 5 "$@"; }

# float32 train features with int64 labels, float64 test features with uint8 labels.
train --model "dense(8),relu,dense(4)" --save model.npz >run.txt 2>err.txt || fail "train exited $?: $(cat err.txt)"
[[ -s err.txt ]] && fail "unexpected stderr: $(cat err.txt)"
grep -q '^model dense(8),relu,dense(4): 200 training and 80 test examples (test split)' run.txt ||
  fail "header line: $(head -1 run.txt)"
[[ $(grep -c '^epoch [1-4]/4: loss ' run.txt) -eq 4 ]] || fail "expected 4 epoch lines: $(cat run.txt)"
accuracy=$(sed -n 's/^test accuracy: \([0-9.]*\).*/\1/p' run.txt)
test_loss=$(sed -n 's/^epoch 4\/4: .* test_loss \([0-9.]*\) .*/\1/p' run.txt)
python3 -c "import sys; sys.exit(0 if float('$accuracy') >= 0.9 else 1)" || fail "test accuracy $accuracy < 0.9"

# evaluate --load: the numbers printed when the model was saved.
"$activ" evaluate --load model.npz --data "$split" >eval.txt 2>err.txt || fail "evaluate exited $?: $(cat err.txt)"
grep -q "^model dense(8),relu,dense(4) (from model.npz): 80 examples (test split)" eval.txt || fail "evaluate header: $(cat eval.txt)"
[[ "$(tail -1 eval.txt)" == "test accuracy: $accuracy (test_loss $test_loss)" ]] ||
  fail "evaluate [$(tail -1 eval.txt)], train printed accuracy $accuracy and test_loss $test_loss"

# train --load continues from the saved parameters: its first epoch starts from the
# saved model's loss level, not from a fresh model's; --model may repeat the spec.
"$activ" train --data "$split" --load model.npz --model "dense(8), relu, dense(4)" --epochs 1 --batch 16 --lr 0.01 \
  --save again.npz >cont.txt 2>err.txt || fail "train --load exited $?: $(cat err.txt)"
grep -q "(from model.npz)" cont.txt || fail "train --load header: $(head -1 cont.txt)"
first_fresh=$(sed -n 's/^epoch 1\/4: loss \([0-9.]*\) .*/\1/p' run.txt)
first_loaded=$(sed -n 's/^epoch 1\/1: loss \([0-9.]*\) .*/\1/p' cont.txt)
python3 -c "import sys; sys.exit(0 if float('$first_loaded') < 0.75 * float('$first_fresh') else 1)" ||
  fail "train --load: first epoch loss $first_loaded is not well below a fresh model's $first_fresh"
[[ -s again.npz ]] || fail "train --load --save wrote nothing"

# uint8 images (N, 6, 6) flattened and scaled, big-endian int32 labels, no test files:
# evaluated on the training data, and said so. A bilinear layer trains too.
"$activ" train --data npy:img_x.npy,img_y.npy --model "dense(8),bilinear(3)" --epochs 6 --lr 0.02 --seed 1 \
  >img.txt 2>err.txt || fail "train on uint8 images exited $?: $(cat err.txt)"
grep -q '120 training and 120 test examples (training data)' img.txt || fail "no-test-split header: $(head -1 img.txt)"
img_accuracy=$(sed -n 's/^test accuracy: \([0-9.]*\).*/\1/p' img.txt)
python3 -c "import sys; sys.exit(0 if float('$img_accuracy') >= 0.9 else 1)" || fail "uint8 images: accuracy $img_accuracy"
# --classes wider than the labels: the model must then end with that many outputs.
"$activ" train --data npy:img_x.npy,img_y.npy --classes 5 --model "dense(5)" --epochs 1 >/dev/null 2>err.txt ||
  fail "--classes 5 exited $?: $(cat err.txt)"

# compare on the same files.
"$activ" compare --data "$split" --model "dense(8),ACT,dense(4)" --activations relu,tanh --epochs 2 --batch 16 \
  --quiet --csv >cmp.csv 2>err.txt || fail "compare exited $?: $(cat err.txt)"
[[ $(wc -l <cmp.csv) -eq 3 ]] || fail "compare CSV: $(cat cmp.csv)"

m="dense(4)"
expect_error "nan_x.npy: feature 1 of example 3 is NaN" train --data npy:nan_x.npy,train_y.npy --model $m
expect_error "neg_y.npy: label -1 at index 5 is negative" train --data npy:train_x.npy,neg_y.npy --model $m
expect_error "short_y.npy: 199 labels for the 200 examples" train --data npy:train_x.npy,short_y.npy --model $m
expect_error "float_y.npy: labels of dtype <f4" train --data npy:train_x.npy,float_y.npy --model $m
expect_error "flat_x.npy: features of shape \(200,\)" train --data npy:flat_x.npy,train_y.npy --model $m
expect_error "bool_x.npy: features of dtype \|b1" train --data npy:bool_x.npy,train_y.npy --model $m
expect_error "cut_x.npy.*truncated data" train --data npy:cut_x.npy,train_y.npy --model $m
expect_error "missing.npy.*No such file" train --data npy:missing.npy,train_y.npy --model $m
expect_error "expected npy:TRAIN_X,TRAIN_Y" train --data npy:train_x.npy --model $m
expect_error "expected npy:TRAIN_X,TRAIN_Y" train --data npy:a,b,c --model $m
expect_error "expected npy:TRAIN_X,TRAIN_Y" train --data npy:train_x.npy,,test_x.npy,test_y.npy --model $m
expect_error "train_y.npy: label 3 at index 3 is not below the 3 classes" \
  train --data npy:train_x.npy,train_y.npy --classes 3 --model "dense(3)"
expect_error "img_x.npy: examples of 36 features, but those of train_x.npy have 12" \
  train --data npy:train_x.npy,train_y.npy,img_x.npy,img_y.npy --model $m
expect_error "ends with 3 outputs; npy:.* has 4 classes" train --data "$split" --model "dense(3)"
expect_error "fashion-mnist has 10 classes" train --data fashion-mnist --classes 4 --model $m
expect_error "label 3 at index 3 is not below" compare --data npy:train_x.npy,train_y.npy --classes 3 \
  --model "dense(3),ACT" --activations relu
# Saved models: a --model that differs, data of another width, corrupt and missing files.
expect_error "--model dense\(9\),relu,dense\(4\) differs from the model saved in model.npz: dense\(8\),relu,dense\(4\)" \
  train --data "$split" --load model.npz --model "dense(9),relu,dense(4)"
expect_error "give --model SPEC, or --load FILE" train --data "$split"
expect_error "the model takes 12 features; npy:img_x.npy,img_y.npy has 36" \
  evaluate --load model.npz --data npy:img_x.npy,img_y.npy
head -c 300 model.npz >cut.npz
expect_error "cut.npz: not a zip" evaluate --load cut.npz --data "$split"
expect_error "cut.npz: not a zip" train --load cut.npz --data "$split"
printf 'not a model' >text.npz
expect_error "text.npz" evaluate --load text.npz --data "$split"
expect_error "nothere.npz: cannot open" evaluate --load nothere.npz --data "$split"
expect_error "--load is required" evaluate --data "$split"
# A model file whose archive comment is another format version or spec is refused.
python3 - <<'PY'
import zipfile
src = zipfile.ZipFile("model.npz")
for name, comment in (("v2.npz", b"activ-model-format 2\nmodel: dense(8),relu,dense(4)\ninputs: 12\n"),
                      ("badspec.npz", b"activ-model-format 1\nmodel: dense(8),rleu,dense(4)\ninputs: 12\n"),
                      ("badinputs.npz", b"activ-model-format 1\nmodel: dense(8),relu,dense(4)\ninputs: twelve\n")):
    with zipfile.ZipFile(name, "w") as out:
        for item in src.namelist():
            out.writestr(item, src.read(item))
        out.comment = comment
PY
expect_error "v2.npz: unsupported activ-model-format 2" evaluate --load v2.npz --data "$split"
expect_error "badspec.npz: the file's model: .*'rleu'" evaluate --load badspec.npz --data "$split"
expect_error "badinputs.npz: malformed model header: inputs 'twelve'" evaluate --load badinputs.npz --data "$split"

if [[ $failures -ne 0 ]]; then
  echo "$failures failed" >&2
  exit 1
fi
echo "train/evaluate with npy data and saved models: all checks passed"
