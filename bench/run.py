"""Time retrograd and PyTorch side by side on the same workloads, in one run.

Usage: ``python bench/run.py [--threads 1|2|both] [--repeat N] [--quick] [--profile a|b|c]``.

Each thread count runs in its own subprocess whose environment pins OpenMP / OpenBLAS / MKL
before NumPy or torch is imported (a thread pool sized at import cannot be shrunk reliably
later); inside, both ``torch.set_num_threads`` and ``retrograd.set_num_threads`` are called too.
Every workload is written once against a module ``T`` that is either ``torch`` or
``retrograd`` (the APIs are the same), so both libraries do exactly the same work. Samples of
the two libraries alternate, and which goes first flips every round, so slow drift in the
machine (thermal, neighbours) biases neither. Medians of ``time.perf_counter`` are reported.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results"

SEED_DATA = [[2, 4, 6], [2, 7, 9], [2, 4, 5]]
SEED_REPS = 1000  # the seed loop is repeated this many times per timed sample
CHAIN_OPS = 100
CHAIN_SIZE = 16
MLP_SIZES = (784, 512, 256, 10)
MLP_BATCH = 128
CNN_BATCH = 32  # of 1 x 28 x 28 images

# name -> (timed samples, warm-up samples) in normal and --quick mode
SAMPLES = {
    "seed": ((11, 2), (3, 1)),
    "chain": ((200, 20), (30, 5)),
    "mlp": ((100, 10), (10, 2)),
    "mlp_train": ((100, 10), (10, 2)),
    "cnn_train": ((50, 5), (6, 2)),
}

TITLES = {
    "seed": f"(a) seed loop x{SEED_REPS} (6 x `X[i,j]*X[i,j]; backward()`)",
    "chain": f"(b) {CHAIN_OPS}-op elementwise chain + backward, per op ({CHAIN_SIZE} elems)",
    "mlp": "(c) MLP 784-512-256-10 ReLU, batch 128, fwd+bwd (float32, cross-entropy)",
    "mlp_train": "(d) MLP training step: nn.Sequential as (c), CrossEntropyLoss, SGD momentum",
    "cnn_train": "(e) CNN training step: 2 x (Conv2d 3x3, ReLU, MaxPool2d), Linear, "
    f"CrossEntropyLoss, SGD; batch {CNN_BATCH} x 1x28x28",
}

THREAD_ENV = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")


# ---------------------------------------------------------------------------------------------
# Workloads: each builder takes the library module and returns a zero-argument callable that
# performs one timed sample and returns the gradients it produced (for the cross-check).
# ---------------------------------------------------------------------------------------------


def make_seed(T: ModuleType) -> Callable[[], list[Any]]:
    """(a) The seed program: scalar products of indexed elements, one backward each."""

    def run() -> list[Any]:
        for _ in range(SEED_REPS):
            X = T.tensor(SEED_DATA, dtype=float, requires_grad=True)
            for i in range(2):
                for j in range(3):
                    out = X[i, j] * X[i, j]
                    out.backward()
        return [X.grad]

    return run


def make_chain(T: ModuleType) -> Callable[[], list[Any]]:
    """(b) 100 tiny elementwise ops; ``sin`` bounds the value before every ``exp``."""
    x = T.tensor(np.linspace(-1.0, 1.0, CHAIN_SIZE, dtype=np.float32), requires_grad=True)

    def run() -> list[Any]:
        x.grad = None
        y = x
        for k in range(CHAIN_OPS):
            step = k % 4
            if step == 0:
                y = y * 1.01
            elif step == 1:
                y = y + 0.1
            elif step == 2:
                y = T.sin(y)
            else:
                y = T.exp(y)
        y.sum().backward()
        return [x.grad]

    return run


def mlp_data() -> dict[str, np.ndarray]:
    """Weights (Kaiming-uniform-like scale), a batch and one-hot targets, created once."""
    rng = np.random.default_rng(0)
    data: dict[str, np.ndarray] = {}
    for n, (fan_in, fan_out) in enumerate(zip(MLP_SIZES[:-1], MLP_SIZES[1:], strict=True)):
        bound = 1.0 / np.sqrt(fan_in)
        data[f"w{n}"] = rng.uniform(-bound, bound, (fan_in, fan_out)).astype(np.float32)
        data[f"b{n}"] = rng.uniform(-bound, bound, (fan_out,)).astype(np.float32)
    data["x"] = rng.standard_normal((MLP_BATCH, MLP_SIZES[0])).astype(np.float32)
    labels = rng.integers(0, MLP_SIZES[-1], MLP_BATCH)
    data["onehot"] = np.eye(MLP_SIZES[-1], dtype=np.float32)[labels]
    return data


def make_mlp(T: ModuleType) -> Callable[[], list[Any]]:
    """(c) Forward + backward of a ReLU MLP with a log-softmax cross-entropy from primitives."""
    data = mlp_data()
    n_layers = len(MLP_SIZES) - 1
    params = [T.tensor(data[f"{k}{n}"], requires_grad=True) for n in range(n_layers) for k in "wb"]
    x, onehot = T.tensor(data["x"]), T.tensor(data["onehot"])

    def run() -> list[Any]:
        for p in params:
            p.grad = None  # what optimizer.zero_grad() does by default
        h = x
        for n in range(n_layers):
            h = h @ params[2 * n] + params[2 * n + 1]
            if n < n_layers - 1:
                h = T.relu(h)
        shifted = h - h.amax(dim=1, keepdim=True).detach()
        logp = shifted - shifted.exp().sum(dim=1, keepdim=True).log()
        loss = -(logp * onehot).sum() / MLP_BATCH
        loss.backward()
        return [p.grad for p in params]

    return run


def build_net(T: ModuleType, kind: str) -> Any:
    nn = T.nn
    if kind == "mlp":
        sizes = MLP_SIZES
        layers: list[Any] = []
        for fan_in, fan_out in zip(sizes[:-1], sizes[1:], strict=True):
            layers += [nn.Linear(fan_in, fan_out), nn.ReLU()]
        return nn.Sequential(*layers[:-1])
    return nn.Sequential(
        nn.Conv2d(1, 8, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),  # 8 x 14 x 14
        nn.Conv2d(8, 16, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),  # 16 x 7 x 7
        nn.Flatten(), nn.Linear(16 * 7 * 7, 10),
    )  # fmt: skip


def train_step(T: ModuleType, kind: str) -> Callable[[], list[Any]]:
    """One optimizer step of an ``nn`` model, both libraries starting from the same weights."""
    rng = np.random.default_rng(1)
    model = build_net(T, kind)
    shapes = {name: tuple(p.shape) for name, p in model.state_dict().items()}
    weights = {name: rng.uniform(-0.1, 0.1, shape).astype(np.float32)
               for name, shape in sorted(shapes.items())}  # fmt: skip
    model.load_state_dict({name: T.from_numpy(w) for name, w in weights.items()})
    batch = MLP_BATCH if kind == "mlp" else CNN_BATCH
    in_shape = (MLP_SIZES[0],) if kind == "mlp" else (1, 28, 28)
    x = T.from_numpy(rng.standard_normal((batch, *in_shape)).astype(np.float32))
    y = T.from_numpy(rng.integers(0, 10, batch))
    loss_fn = T.nn.CrossEntropyLoss()
    optimizer = T.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)

    def run() -> list[Any]:
        optimizer.zero_grad()
        loss = loss_fn(model(x), y)
        loss.backward()
        grads = [p.grad for p in model.parameters()]  # SGD leaves .grad as it is
        optimizer.step()
        return grads

    return run


def make_mlp_train(T: ModuleType) -> Callable[[], list[Any]]:
    """(d) zero_grad, forward, cross-entropy, backward and an SGD step of an MLP."""
    return train_step(T, "mlp")


def make_cnn_train(T: ModuleType) -> Callable[[], list[Any]]:
    """(e) The same step for a small convolutional network."""
    return train_step(T, "cnn")


BUILDERS = {"seed": make_seed, "chain": make_chain, "mlp": make_mlp,
            "mlp_train": make_mlp_train, "cnn_train": make_cnn_train}  # fmt: skip


# ---------------------------------------------------------------------------------------------
# Worker side: runs inside the thread-pinned subprocess.
# ---------------------------------------------------------------------------------------------


def load_libraries(threads: int) -> dict[str, ModuleType]:
    import torch

    import retrograd

    torch.set_num_threads(threads)
    retrograd.set_num_threads(threads)
    return {"retrograd": retrograd, "torch": torch}


def as_numpy(t: Any) -> np.ndarray:
    return np.asarray(t.detach().numpy())


def cross_check(name: str, fns: dict[str, Callable[[], list[Any]]]) -> None:
    """Both libraries must produce the same gradients, or the timings compare nothing."""
    ours, theirs = fns["retrograd"](), fns["torch"]()
    for n, (a, b) in enumerate(zip(ours, theirs, strict=True)):
        a_np, b_np = as_numpy(a), as_numpy(b)
        if a_np.shape != b_np.shape or not np.allclose(a_np, b_np, rtol=1e-4, atol=1e-5):
            err = np.max(np.abs(a_np - b_np)) if a_np.shape == b_np.shape else "shape"
            raise SystemExit(f"{name}: gradient {n} differs from torch (max abs err {err})")


def time_interleaved(
    fns: dict[str, Callable[[], list[Any]]], samples: int, warmup: int
) -> dict[str, list[float]]:
    """Alternate the libraries sample by sample, flipping who goes first every round."""
    order = list(fns)
    for _ in range(warmup):
        for fn in fns.values():
            fn()
    # One full collection before timing, never between samples: a full collection walks every
    # live object (torch's included) and flushes the caches, which slowed the next ~0.5 ms
    # sample by half in both libraries.
    gc.collect()
    times: dict[str, list[float]] = {name: [] for name in order}
    for r in range(samples):
        for name in order if r % 2 == 0 else order[::-1]:
            t0 = time.perf_counter()
            fns[name]()
            times[name].append(time.perf_counter() - t0)
    return times


def environment(libs: dict[str, ModuleType]) -> dict[str, Any]:
    from threadpoolctl import threadpool_info

    pools = [
        {k: p.get(k) for k in ("internal_api", "version", "architecture", "num_threads")}
        | {"lib": Path(p["filepath"]).name}
        for p in threadpool_info()
    ]
    torch = libs["torch"]
    return {
        "python": platform.python_version(),
        "numpy": np.__version__,
        "torch": torch.__version__,
        "retrograd": getattr(libs["retrograd"], "__version__", "?"),
        "cpu": cpu_model(),
        "OPENBLAS_CORETYPE": os.environ.get("OPENBLAS_CORETYPE"),
        "torch_threads": torch.get_num_threads(),
        "retrograd_threads": libs["retrograd"].get_num_threads(),
        "threadpools": pools,
    }


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def check_threads(libs: dict[str, ModuleType], threads: int) -> None:
    """Refuse to time anything unless both libraries really run with ``threads`` threads."""
    from threadpoolctl import threadpool_info

    seen = {
        "torch.get_num_threads()": libs["torch"].get_num_threads(),
        "retrograd.get_num_threads()": libs["retrograd"].get_num_threads(),
    }
    seen |= {Path(p["filepath"]).name: p["num_threads"] for p in threadpool_info()}
    if wrong := {k: v for k, v in seen.items() if v != threads}:
        raise SystemExit(f"asked for {threads} thread(s) but found {wrong}")


def summarize(times: list[float]) -> dict[str, Any]:
    q1, med, q3 = np.percentile(times, [25, 50, 75])
    return {"median": float(med), "iqr": float(q3 - q1), "samples": times}


def worker(args: argparse.Namespace) -> None:
    libs = load_libraries(args.worker)
    check_threads(libs, args.worker)
    results: dict[str, Any] = {"threads": args.worker, "env": environment(libs), "bench": {}}
    for name in args.bench:
        fns = {lib: BUILDERS[name](mod) for lib, mod in libs.items()}
        cross_check(name, fns)
        samples, warmup = SAMPLES[name][1 if args.quick else 0]
        samples = args.repeat or samples
        print(f"  [{args.worker} thread(s)] {name}: {samples} samples...", file=sys.stderr)
        times = time_interleaved(fns, samples, warmup)
        results["bench"][name] = {lib: summarize(t) for lib, t in times.items()}
    results["loadavg_after"] = os.getloadavg()[0]
    print(json.dumps(results))


def profile(args: argparse.Namespace) -> None:
    """cProfile retrograd alone on one workload; prints the top functions by tottime."""
    import cProfile
    import pstats

    libs = load_libraries(1)
    fn = BUILDERS[args.profile](libs["retrograd"])
    fn()  # warm caches and lazy imports outside the profile
    reps = {"seed": 1, "chain": 200, "mlp": 20, "mlp_train": 20, "cnn_train": 10}[args.profile]
    prof = cProfile.Profile()
    prof.enable()
    for _ in range(reps):
        fn()
    prof.disable()
    print(f"retrograd, workload {args.profile!r}, {reps} sample(s), 1 thread")
    stats = pstats.Stats(prof, stream=sys.stdout).strip_dirs()
    stats.sort_stats("tottime").print_stats(args.top)
    stats.sort_stats("cumulative").print_stats(args.top)


# ---------------------------------------------------------------------------------------------
# Parent side: one pinned subprocess per thread count, then the markdown report.
# ---------------------------------------------------------------------------------------------


def pinned_env(threads: int) -> dict[str, str]:
    env = dict(os.environ)
    for var in THREAD_ENV:
        env[var] = str(threads)
    env["OMP_WAIT_POLICY"] = "PASSIVE"  # idle OpenMP workers must not spin and steal the core
    return env


def spawn(threads: int, extra: list[str]) -> str:
    cmd = [sys.executable, str(Path(__file__).resolve()), "--worker", str(threads), *extra]
    proc = subprocess.run(cmd, env=pinned_env(threads), stdout=subprocess.PIPE, text=True)
    if proc.returncode != 0:
        raise SystemExit(f"benchmark subprocess ({threads} thread(s)) failed: {proc.returncode}")
    return proc.stdout


def fmt_time(seconds: float) -> str:
    for unit, scale in (("s", 1.0), ("ms", 1e-3), ("µs", 1e-6)):
        if seconds >= scale:
            return f"{seconds / scale:.3g} {unit}"
    return f"{seconds / 1e-9:.3g} ns"


def markdown(runs: list[dict[str, Any]], bench: list[str]) -> str:
    lines = [
        "| benchmark | threads | retrograd (median) | torch (median) | retrograd / torch "
        "| IQR / median (rg, torch) |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for run in runs:
        for name in bench:
            ours, theirs = run["bench"][name]["retrograd"], run["bench"][name]["torch"]
            scale = CHAIN_OPS if name == "chain" else 1  # (b) is reported per op
            mo, mt = ours["median"] / scale, theirs["median"] / scale
            noise = f"{ours['iqr'] / ours['median']:.0%}, {theirs['iqr'] / theirs['median']:.0%}"
            lines.append(
                f"| {TITLES[name]} | {run['threads']} | {fmt_time(mo)} | {fmt_time(mt)} "
                f"| {mo / mt:.2f}x | {noise} |"
            )
    return "\n".join(lines + ["", *footnotes(runs, bench)]) + "\n"


def footnotes(runs: list[dict[str, Any]], bench: list[str]) -> list[str]:
    env = runs[0]["env"]
    pools = "; ".join(
        " ".join(
            str(x) for x in (p["lib"], p["internal_api"], p["version"], p["architecture"]) if x
        )
        for p in env["threadpools"]
    )
    samples = ", ".join(f"{n}: {len(runs[0]['bench'][n]['torch']['samples'])}" for n in bench)
    loads = ", ".join(f"{r['threads']} thr: {r['loadavg_after']:.2f}" for r in runs)
    return [
        f"Python {env['python']}, NumPy {env['numpy']}, torch {env['torch']}, "
        f"retrograd {env['retrograd']}; CPU: {env['cpu']} ({os.cpu_count()} logical); "
        f"OPENBLAS_CORETYPE={env['OPENBLAS_CORETYPE']}.",
        f"Thread pools seen by threadpoolctl: {pools}.",
        f"Timed samples per library ({samples}), interleaved, after warm-up; each thread "
        f"count in its own pinned subprocess. 1-min load average after each: {loads}.",
    ]


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description="retrograd vs PyTorch benchmarks")
    p.add_argument("--threads", choices=["1", "2", "both"], default="both")
    p.add_argument("--repeat", type=int, default=None, help="timed samples per benchmark")
    p.add_argument("--quick", action="store_true", help="few samples, for a smoke run")
    names = ",".join(BUILDERS)
    p.add_argument("--bench", default=names, help=f"comma-separated subset of {names}")
    p.add_argument(
        "--profile",
        choices=["a", "b", "c", "d", "e", *BUILDERS],
        default=None,
        help="cProfile retrograd on one workload (1 thread) instead of timing",
    )
    p.add_argument("--top", type=int, default=25, help="rows per profile table")
    p.add_argument("--worker", type=int, default=None, help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    args.bench = [b.strip() for b in args.bench.split(",") if b.strip()]
    if unknown := set(args.bench) - set(BUILDERS):
        p.error(f"unknown benchmark(s): {sorted(unknown)}")
    if args.repeat is not None and args.repeat < 1:
        p.error("--repeat must be at least 1")
    if args.profile is not None:
        letters = {"a": "seed", "b": "chain", "c": "mlp", "d": "mlp_train", "e": "cnn_train"}
        args.profile = letters.get(args.profile, args.profile)
    return args


def forward_flags(args: argparse.Namespace) -> list[str]:
    flags = ["--bench", ",".join(args.bench), "--top", str(args.top)]
    if args.quick:
        flags.append("--quick")
    if args.repeat:
        flags += ["--repeat", str(args.repeat)]
    if args.profile:
        flags += ["--profile", args.profile]
    return flags


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    if args.worker is not None:
        profile(args) if args.profile else worker(args)
        return
    if args.profile:
        print(spawn(1, forward_flags(args)), end="")
        return
    counts = [1, 2] if args.threads == "both" else [int(args.threads)]
    runs = [json.loads(spawn(n, forward_flags(args)).splitlines()[-1]) for n in counts]
    table = markdown(runs, args.bench)
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "latest.md").write_text(table)
    (RESULTS / "latest.json").write_text(json.dumps(runs, indent=1))
    print(table, end="")
    print(f"(written to {RESULTS / 'latest.md'})", file=sys.stderr)


if __name__ == "__main__":
    main()
