#!/usr/bin/env bash
# activ train end to end on a small synthetic data set in Fashion-MNIST's file layout
# (tests/cli/synthetic_fashion_mnist.py): plain progress lines off a terminal, the
# final test accuracy, identical results for the same seed, --save, and one-line errors.
# test_train.sh path/to/activ
set -euo pipefail

source "$(dirname "$(realpath "${BASH_SOURCE[0]}")")/lib.sh" train "$1"

python3 "$here/synthetic_fashion_mnist.py" data 500 100

train() { "$activ" train --data-dir data --model "dense(16),relu,dense(10)" --epochs 3 --batch 32 --lr 0.01 "$@"; }

train --seed 7 >run1.txt 2>err1.txt || fail "train exited $?: $(cat err1.txt)"
train --seed 7 --save model.npz >run2.txt 2>/dev/null || fail "train --save failed"
[[ -s err1.txt ]] && fail "unexpected stderr: $(cat err1.txt)"
[[ $(grep -c '^epoch [1-3]/3: loss ' run1.txt) -eq 3 ]] || fail "expected 3 epoch lines: $(cat run1.txt)"
grep -q $'\r' run1.txt && fail "carriage returns in output that is not a terminal"
accuracy=$(sed -n 's/^test accuracy: \([0-9.]*\).*/\1/p' run1.txt)
python3 -c "import sys; sys.exit(0 if float('$accuracy') >= 0.9 else 1)" || fail "test accuracy $accuracy < 0.9 on separable data"
# Same seed, same results: everything but the timings.
strip() { sed -e 's/ time .*//' -e 's/ training)//' -e 's/, [0-9.]* s$//' -e '/^saved/d' "$1"; }
[[ "$(strip run1.txt)" == "$(strip run2.txt)" ]] || fail "same seed, different results"
[[ -s model.npz ]] || fail "--save wrote nothing"
python3 -c "
import zipfile; z = zipfile.ZipFile('model.npz'); assert z.testzip() is None
assert z.namelist() == ['0.weight.npy', '0.bias.npy', '2.weight.npy', '2.bias.npy'], z.namelist()
assert z.comment.startswith(b'activ-model-format 1\nmodel: dense(16),relu,dense(10)\n'), z.comment" || fail "model.npz layout"

# A Keras PReLU with an l2 penalty: 16 alphas of 1 under l2(10) start at 160, so the
# printed training loss (which includes the penalty, as Keras's does) is far above the
# cross-entropy's ~2; alpha is saved under its Keras name.
keras_model="dense(16),PReLU(alpha_initializer=ones, alpha_regularizer=l2(10)),dense(10)"
"$activ" train --data-dir data --model "$keras_model" --epochs 1 --batch 32 --lr 0.01 --seed 7 --save keras.npz \
  >keras.txt 2>&1 || fail "train with a Keras PReLU failed: $(cat keras.txt)"
keras_loss=$(sed -n 's/^epoch 1\/1: loss \([0-9.]*\).*/\1/p' keras.txt)
python3 -c "import sys; sys.exit(0 if float('${keras_loss:-0}') > 50 else 1)" ||
  fail "training loss ${keras_loss:-none} does not include the l2 penalty: $(cat keras.txt)"
python3 -c "
import zipfile; z = zipfile.ZipFile('keras.npz')
assert '1.alpha.npy' in z.namelist(), z.namelist()" || fail "keras.npz has no 1.alpha"

expect_error "element 2 'rleu'" train --data-dir data --model "dense(16),rleu,dense(10)"
expect_error "unbalanced" train --data-dir data --model "dense(16"
expect_error "LeakyReLU: negative_slope must be >= 0" train --data-dir data --model "dense(16),LeakyReLU(-1),dense(10)"
expect_error "unknown data set 'cifar'" train --data cifar --model "dense(10)"
expect_error "no such directory.*dataset-fashion-mnist" train --data-dir nowhere --model "dense(10)"
expect_error "ends with 4 outputs" train --data-dir data --model "dense(4)"
expect_error "unknown optimizer 'rmsprop'" train --data-dir data --model "dense(10)" --optimizer rmsprop
head -c 100 data/train-images-idx3-ubyte.gz >cut.gz && mv cut.gz data/train-images-idx3-ubyte.gz
expect_error "train-images-idx3-ubyte.gz: truncated gzip" train --data-dir data --model "dense(10)"

if [[ $failures -ne 0 ]]; then
  echo "$failures failed" >&2
  exit 1
fi
echo "train CLI: all checks passed"
