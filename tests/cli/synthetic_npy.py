"""Writes small synthetic classification sets as .npy files (standard library only, no
numpy) for the activ train / evaluate tests with --data npy:...

    python3 synthetic_npy.py DIR

writes, in DIR:
  train_x.npy (200, 12) <f4, train_y.npy (200,) <i8   four classes, feature block k lit for class k
  test_x.npy  (80, 12) <f8,  test_y.npy  (80,) |u1    the same distribution, other dtypes
  img_x.npy   (120, 6, 6) |u1, img_y.npy (120,) >i4   uint8 "images", big-endian labels
and broken files for the error tests:
  nan_x.npy (a NaN feature), neg_y.npy (a negative label), short_y.npy (199 labels),
  float_y.npy (float labels), flat_x.npy (1-d features), bool_x.npy (bool features),
  cut_x.npy (train_x.npy truncated).
"""
import os
import random
import struct
import sys

FORMATS = {"<f4": "<f", "<f8": "<d", "|u1": "B", "<i8": "<q", ">i4": ">i", "|b1": "?"}


def save(path, descr, shape, values):
    dims = ", ".join(str(d) for d in shape) + ("," if len(shape) == 1 else "")
    header = "{'descr': '%s', 'fortran_order': False, 'shape': (%s), }" % (descr, dims)
    header += " " * ((64 - (10 + len(header) + 1) % 64) % 64) + "\n"
    data = b"".join(struct.pack(FORMATS[descr], v) for v in values)
    with open(path, "wb") as f:
        f.write(b"\x93NUMPY\x01\x00" + struct.pack("<H", len(header)) + header.encode() + data)


def blobs(count, classes, width):
    features, labels = [], []
    for i in range(count):
        label = i % classes
        block = width // classes
        features += [(1.0 if c // block == label else 0.0) + random.uniform(-0.3, 0.3) for c in range(width)]
        labels.append(label)
    return features, labels


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    random.seed(3)
    p = lambda name: os.path.join(out, name)
    x, y = blobs(200, 4, 12)
    save(p("train_x.npy"), "<f4", (200, 12), x)
    save(p("train_y.npy"), "<i8", (200,), y)
    tx, ty = blobs(80, 4, 12)
    save(p("test_x.npy"), "<f8", (80, 12), tx)
    save(p("test_y.npy"), "|u1", (80,), ty)
    ix, iy = blobs(120, 3, 36)
    save(p("img_x.npy"), "|u1", (120, 6, 6), [max(0, min(255, round(v * 200))) for v in ix])
    save(p("img_y.npy"), ">i4", (120,), iy)

    save(p("nan_x.npy"), "<f4", (200, 12), x[:37] + [float("nan")] + x[38:])
    save(p("neg_y.npy"), "<i8", (200,), y[:5] + [-1] + y[6:])
    save(p("short_y.npy"), "<i8", (199,), y[:199])
    save(p("float_y.npy"), "<f4", (200,), [float(v) for v in y])
    save(p("flat_x.npy"), "<f4", (200,), x[:200])
    save(p("bool_x.npy"), "|b1", (200, 12), [v > 0.5 for v in x])
    with open(p("train_x.npy"), "rb") as f:
        data = f.read()
    with open(p("cut_x.npy"), "wb") as f:
        f.write(data[:-5])


if __name__ == "__main__":
    main()
