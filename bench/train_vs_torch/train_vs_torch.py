"""activ train against PyTorch: seconds per epoch of the same MLP on the same data.

Run through bench/train_vs_torch/run (it installs Debian's python3-torch if missing).
Each round runs `activ train --epochs E` (a fresh process; its epoch lines give the
training time of each epoch, evaluation excluded) and then E epochs of the PyTorch
model (one model kept across rounds, timed the same way: shuffle, batches, forward,
loss, backward, optimizer step). The medians over all epochs are compared.
"""
import argparse
import gzip
import os
import pathlib
import platform
import re
import statistics
import subprocess
import sys
import time

import numpy as np
import torch

DATA = pathlib.Path("/usr/share/datasets/fashion-mnist")
ROOT = pathlib.Path(__file__).resolve().parents[2]
SPEC = "dense(256),relu,dense(128),relu,dense(10)"


def read_idx(path):
    with gzip.open(path, "rb") as f:
        raw = f.read()
    magic = int.from_bytes(raw[0:4], "big")
    dims = [int.from_bytes(raw[4 + 4 * i:8 + 4 * i], "big") for i in range(magic & 0xFF)]
    return np.frombuffer(raw, dtype=np.uint8, offset=4 + 4 * len(dims)).reshape(dims)


def cpu_model():
    try:
        out = subprocess.run(["lscpu"], capture_output=True, text=True, check=True).stdout
        for line in out.splitlines():
            if line.startswith("Model name:"):
                return line.split(":", 1)[1].strip()
    except (OSError, subprocess.CalledProcessError):
        pass
    return platform.processor() or "unknown"


def activ_epochs(activ, epochs, threads, batch, lr, seed):
    cmd = [str(activ), "train", "--model", SPEC, "--epochs", str(epochs), "--batch", str(batch),
           "--optimizer", "adam", "--lr", str(lr), "--threads", str(threads), "--seed", str(seed)]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    times = [float(t) for t in re.findall(r"^epoch \d+/\d+: .* time ([0-9.]+) s", out, re.M)]
    acc = float(re.search(r"^test accuracy: ([0-9.]+)", out, re.M).group(1))
    if len(times) != epochs:
        sys.exit(f"train_vs_torch: unexpected activ output:\n{out}")
    return times, acc


class TorchRun:
    def __init__(self, threads, batch, lr, seed):
        torch.set_num_threads(threads)
        torch.manual_seed(seed)
        x = read_idx(DATA / "train-images-idx3-ubyte.gz").reshape(-1, 784).astype(np.float32) / 255.0
        y = read_idx(DATA / "train-labels-idx1-ubyte.gz").astype(np.int64)
        self.x, self.y = torch.from_numpy(x), torch.from_numpy(y)
        xt = read_idx(DATA / "t10k-images-idx3-ubyte.gz").reshape(-1, 784).astype(np.float32) / 255.0
        self.xt = torch.from_numpy(xt)
        self.yt = torch.from_numpy(read_idx(DATA / "t10k-labels-idx1-ubyte.gz").astype(np.int64))
        self.model = torch.nn.Sequential(torch.nn.Linear(784, 256), torch.nn.ReLU(), torch.nn.Linear(256, 128),
                                         torch.nn.ReLU(), torch.nn.Linear(128, 10))
        self.optimizer = torch.optim.Adam(self.model.parameters(), lr=lr)
        self.loss = torch.nn.CrossEntropyLoss()
        self.batch = batch

    def epoch(self):
        start = time.perf_counter()
        self.model.train()
        order = torch.randperm(self.x.shape[0])
        for first in range(0, self.x.shape[0], self.batch):
            idx = order[first:first + self.batch]
            self.optimizer.zero_grad(set_to_none=True)
            loss = self.loss(self.model(self.x[idx]), self.y[idx])
            loss.backward()
            self.optimizer.step()
        return time.perf_counter() - start

    def accuracy(self):
        self.model.eval()
        with torch.no_grad():
            return (self.model(self.xt).argmax(1) == self.yt).float().mean().item()


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--activ", default=str(ROOT / "build/release/tools/activ/activ"))
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--epochs-per-round", type=int, default=2)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--torch-threads", type=int, default=None,
                   help="torch.set_num_threads for torch's intra-op pool (default: --threads); with "
                        "OPENBLAS_NUM_THREADS=2 in the environment, 1 here is torch's best use of 2 cores")
    p.add_argument("--batch", type=int, default=128)
    p.add_argument("--lr", type=float, default=0.001)
    p.add_argument("--torch-flush-denormal", action="store_true",
                   help="torch.set_flush_denormal(True): torch's Adam moments then skip the subnormal range, "
                        "as activ's do (activ stores moments below the smallest normal as 0)")
    a = p.parse_args()
    if a.torch_flush_denormal and not torch.set_flush_denormal(True):
        sys.exit("train_vs_torch: this CPU cannot flush denormals")
    if not os.access(a.activ, os.X_OK):
        sys.exit(f"train_vs_torch: no activ binary at {a.activ} (build the Release preset or pass --activ)")

    print(f"machine: {cpu_model()}, {os.cpu_count()} logical CPUs; load average before: "
          f"{' '.join(f'{v:.2f}' for v in os.getloadavg())}")
    print(f"torch {torch.__version__} ({torch.__config__.parallel_info().splitlines()[0].strip()}), "
          f"numpy {np.__version__}; threads {a.threads} (torch intra-op {a.torch_threads or a.threads}, "
          f"OPENBLAS_NUM_THREADS={os.environ.get('OPENBLAS_NUM_THREADS', 'unset')}), batch {a.batch}, Adam lr {a.lr}"
          f"{'; torch flushes denormals' if a.torch_flush_denormal else ''}")
    torch_threads = a.threads if a.torch_threads is None else a.torch_threads
    torch_run = TorchRun(torch_threads, a.batch, a.lr, seed=1)
    activ_times, torch_times = [], []
    activ_acc = 0.0
    for r in range(a.rounds):
        t, activ_acc = activ_epochs(a.activ, a.epochs_per_round, a.threads, a.batch, a.lr, seed=r + 1)
        activ_times += t
        u = [torch_run.epoch() for _ in range(a.epochs_per_round)]
        torch_times += u
        print(f"round {r + 1}: activ {' '.join(f'{v:.2f}' for v in t)} s   torch {' '.join(f'{v:.2f}' for v in u)} s",
              flush=True)
    am, tm = statistics.median(activ_times), statistics.median(torch_times)
    print(f"activ: median {am:.2f} s/epoch (min {min(activ_times):.2f}), test accuracy after "
          f"{a.epochs_per_round} epochs {activ_acc:.4f}")
    print(f"torch: median {tm:.2f} s/epoch (min {min(torch_times):.2f}), test accuracy after "
          f"{a.rounds * a.epochs_per_round} epochs {torch_run.accuracy():.4f}")
    print(f"ratio activ/torch: {am / tm:.3f} (goal: at most 0.5)")
    print(f"load average after: {' '.join(f'{v:.2f}' for v in os.getloadavg())}")


if __name__ == "__main__":
    main()
