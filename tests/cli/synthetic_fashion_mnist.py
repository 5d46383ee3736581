"""Writes a small synthetic data set in Fashion-MNIST's file layout (gzip IDX) for the
activ train / activ compare tests: 28x28 images whose class k lights row block k, with
noise; labels 0..9 in turn.

    python3 synthetic_fashion_mnist.py DIR TRAIN_COUNT TEST_COUNT
"""
import gzip
import os
import random
import struct
import sys


def write(directory, prefix, count):
    labels = [i % 10 for i in range(count)]
    pixels = bytearray()
    for label in labels:
        for r in range(28):
            for c in range(28):
                pixels.append(200 if r // 3 == label else random.randrange(60))
    with gzip.open(os.path.join(directory, f"{prefix}-images-idx3-ubyte.gz"), "wb") as f:
        f.write(struct.pack(">I3I", 0x803, count, 28, 28) + bytes(pixels))
    with gzip.open(os.path.join(directory, f"{prefix}-labels-idx1-ubyte.gz"), "wb") as f:
        f.write(struct.pack(">II", 0x801, count) + bytes(labels))


def main():
    directory, train_count, test_count = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    random.seed(1)
    os.makedirs(directory, exist_ok=True)
    write(directory, "train", train_count)
    write(directory, "t10k", test_count)


if __name__ == "__main__":
    main()
