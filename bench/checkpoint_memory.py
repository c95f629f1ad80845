"""Peak memory of a deep-MLP training step with and without activation checkpointing,
retrograd and PyTorch side by side.

    python bench/checkpoint_memory.py                 # depth 32, width 256, batch 2048
    python bench/checkpoint_memory.py --depth 16 --batch 1024 --segments 4

Each (library, mode) runs in a fresh subprocess, so no allocator cache carries over from one
measurement to the next. Inside it, the model and input are built, one warm-up step is run,
and then Linux's peak resident set size (VmHWM) is reset through /proc/self/clear_refs; the
figure is the peak reached during one timed step (forward, backward, SGD update) above the
resident size just before it. Elsewhere (no /proc) retrograd falls back to tracemalloc, which
sees NumPy's allocations (PyTorch's are invisible to it, so its column reads n/a). The step
time is the best of three.

Modes: ``none`` (plain), ``seq`` (``checkpoint_sequential`` with ``use_reentrant=False``) and
``reentrant`` (the same with ``use_reentrant=True``).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time

MODES = ("none", "seq", "reentrant")


def _status(field: str) -> int | None:
    try:
        with open("/proc/self/status") as fh:
            for line in fh:
                if line.startswith(field + ":"):
                    return int(line.split()[1]) * 1024
    except OSError:
        return None
    return None


def _reset_peak() -> bool:
    try:
        with open("/proc/self/clear_refs", "w") as fh:
            fh.write("5")
        return True
    except OSError:
        return False


def measure(lib_name: str, mode: str, depth: int, width: int, batch: int, segments: int) -> dict:
    """One configuration, in this process: peak bytes above the baseline and the step time."""
    import numpy as np

    if lib_name == "torch":
        import torch as lib
        from torch.utils.checkpoint import checkpoint_sequential
    else:
        import retrograd as lib
        from retrograd.utils.checkpoint import checkpoint_sequential
    lib.manual_seed(0)
    layers = []
    for _ in range(depth):
        layers += [lib.nn.Linear(width, width), lib.nn.ReLU()]
    model = lib.nn.Sequential(*layers)
    opt = lib.optim.SGD(model.parameters(), lr=1e-3)
    x = lib.from_numpy(np.random.default_rng(0).standard_normal((batch, width), np.float32))

    def step() -> float:
        opt.zero_grad()
        if mode == "none":
            out = model(x)
        else:
            out = checkpoint_sequential(model, segments, x, use_reentrant=mode == "reentrant")
        loss = out.pow(2).mean()
        loss.backward()
        opt.step()
        return float(loss)

    step()  # warm-up: gradients allocated, caches filled
    use_proc = _reset_peak() and _status("VmRSS") is not None
    tracing = not use_proc and lib_name == "retrograd"
    if tracing:
        import tracemalloc

        tracemalloc.start()
    base = _status("VmRSS") if use_proc else 0
    times = []
    for _ in range(3):
        t0 = time.perf_counter()
        step()
        times.append(time.perf_counter() - t0)
    elapsed = min(times)
    if use_proc:
        peak = (_status("VmHWM") or 0) - (base or 0)
    elif tracing:
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    else:
        peak = None
    return {"peak": peak, "time": elapsed, "how": "rss" if use_proc else "tracemalloc"}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--depth", type=int, default=32)
    ap.add_argument("--width", type=int, default=256)
    ap.add_argument("--batch", type=int, default=2048)
    ap.add_argument("--segments", type=int, default=8)
    ap.add_argument("--one", nargs=2, metavar=("LIB", "MODE"), help=argparse.SUPPRESS)
    a = ap.parse_args()
    shape = (a.depth, a.width, a.batch, a.segments)
    if a.one:
        print(json.dumps(measure(a.one[0], a.one[1], *shape)))
        return
    # A fixed mmap threshold turns off glibc's adaptive one, which would otherwise keep freed
    # activations in the heap after the warm-up step and hide every later peak.
    env = dict(os.environ, OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1", MKL_NUM_THREADS="1",
               MALLOC_MMAP_THRESHOLD_="131072")  # fmt: skip
    print(f"MLP: {a.depth} x Linear({a.width}, {a.width}) + ReLU, batch {a.batch}, float32; "
          f"checkpoint_sequential with {a.segments} segments\n")  # fmt: skip
    print("| library | checkpointing | peak above baseline (MiB) | step time (s) |")
    print("|---|---|---:|---:|")
    for lib_name in ("retrograd", "torch"):
        for mode in MODES:
            cmd = [sys.executable, __file__, "--one", lib_name, mode, "--depth", str(a.depth),
                   "--width", str(a.width), "--batch", str(a.batch),
                   "--segments", str(a.segments)]  # fmt: skip
            out = subprocess.run(cmd, env=env, capture_output=True, text=True, check=True)
            r = json.loads(out.stdout.strip().splitlines()[-1])
            peak = "n/a" if r["peak"] is None else f"{r['peak'] / 2**20:.1f}"
            label = {"none": "none", "seq": "use_reentrant=False",
                     "reentrant": "use_reentrant=True"}[mode]  # fmt: skip
            print(f"| {lib_name} | {label} | {peak} | {r['time']:.3f} |")


if __name__ == "__main__":
    main()
