"""Train an MLP and a small CNN on the handwritten digits that ship with scikit-learn.

This is ordinary PyTorch training code; only the import differs. Run it with PyTorch itself
(``--library torch``) to compare numbers and speed. Each model trains for a few epochs with a
progress bar (on a terminal), prints its loss and accuracy per epoch, saves a checkpoint,
reloads the checkpoint into a fresh model to evaluate it, and, when matplotlib is installed,
draws the loss curves into ``<out>/loss_curves.png``.

Usage: ``python examples/train_digits.py [--epochs N] [--out DIR] [--library torch]``
"""

from __future__ import annotations

import argparse
import importlib
import sys
import time
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import numpy as np


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=20, help="epochs per model (default 20)")
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--lr", type=float, default=3e-3, help="AdamW's peak learning rate")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, default=Path("runs/digits"),
                        help="where checkpoints and the loss-curve picture go")  # fmt: skip
    parser.add_argument("--library", choices=("retrograd", "torch"), default="retrograd")
    parser.add_argument("--models", default="mlp,cnn", help="comma-separated: mlp, cnn")
    parser.add_argument("--no-progress", action="store_true", help="never draw progress bars")
    return parser.parse_args(argv)


def load_digits_split(seed: int) -> tuple[np.ndarray, ...]:
    """The 1797 8x8 digit images, scaled to [0, 1], split 80/20 with every class balanced."""
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split

    digits = load_digits()
    images = (digits.images / 16.0).astype(np.float32)  # pixel values are 0..16
    return tuple(train_test_split(images, digits.target.astype(np.int64), test_size=0.2,
                                  stratify=digits.target, random_state=seed))  # fmt: skip


def build_model(torch: Any, kind: str) -> Any:
    nn = torch.nn
    if kind == "mlp":
        return nn.Sequential(
            nn.Flatten(),
            nn.Linear(64, 256), nn.ReLU(), nn.Dropout(0.2),
            nn.Linear(256, 128), nn.ReLU(), nn.Dropout(0.2),
            nn.Linear(128, 10),
        )  # fmt: skip
    return nn.Sequential(
        nn.Conv2d(1, 32, kernel_size=3, padding=1), nn.ReLU(), nn.MaxPool2d(2),  # 32 x 4 x 4
        nn.Conv2d(32, 64, kernel_size=3, padding=1), nn.ReLU(), nn.MaxPool2d(2),  # 64 x 2 x 2
        nn.Flatten(), nn.Dropout(0.25),
        nn.Linear(64 * 2 * 2, 128), nn.ReLU(),
        nn.Linear(128, 10),
    )  # fmt: skip


def progress(batches: Iterable[Any], total: int, label: str, enabled: bool) -> Iterator[Any]:
    """Yield from ``batches``, redrawing a one-line bar on stderr (terminals only)."""
    if not enabled:
        yield from batches
        return
    width = 30
    for done, batch in enumerate(batches, 1):
        filled = width * done // total
        sys.stderr.write(f"\r{label} [{'#' * filled}{'.' * (width - filled)}] {done}/{total}")
        sys.stderr.flush()
        yield batch
    sys.stderr.write("\r" + " " * (len(label) + width + 16) + "\r")


def evaluate(torch: Any, model: Any, loader: Any) -> tuple[float, float]:
    """Mean cross-entropy and accuracy of ``model`` over ``loader``."""
    model.eval()
    loss_sum, correct, count = 0.0, 0, 0
    with torch.no_grad():
        for images, labels in loader:
            logits = model(images)
            loss_sum += torch.nn.functional.cross_entropy(logits, labels, reduction="sum").item()
            correct += (logits.argmax(dim=1) == labels).sum().item()
            count += labels.shape[0]
    return loss_sum / count, correct / count


def train(torch: Any, kind: str, data: tuple[np.ndarray, ...], args: argparse.Namespace,
          show_progress: bool) -> dict[str, Any]:  # fmt: skip
    """Train one model; return its per-epoch curves and where its checkpoint went."""
    x_train, x_test, y_train, y_test = data
    channels = (1,) if kind == "cnn" else ()  # the CNN wants N x 1 x 8 x 8
    train_set = torch.utils.data.TensorDataset(
        torch.from_numpy(x_train.reshape(-1, *channels, 8, 8)), torch.from_numpy(y_train)
    )
    test_set = torch.utils.data.TensorDataset(
        torch.from_numpy(x_test.reshape(-1, *channels, 8, 8)), torch.from_numpy(y_test)
    )
    generator = torch.Generator().manual_seed(args.seed)
    train_loader = torch.utils.data.DataLoader(train_set, batch_size=args.batch_size,
                                               shuffle=True, generator=generator)  # fmt: skip
    test_loader = torch.utils.data.DataLoader(test_set, batch_size=256)

    torch.manual_seed(args.seed)
    model = build_model(torch, kind)
    optimizer = torch.optim.AdamW(model.parameters(), lr=args.lr, weight_decay=1e-4)
    scheduler = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=args.epochs)
    loss_fn = torch.nn.CrossEntropyLoss()
    history: dict[str, Any] = {"train_loss": [], "test_loss": [], "test_acc": []}
    print(f"{kind}: {sum(p.numel() for p in model.parameters())} parameters")
    start = time.perf_counter()
    for epoch in range(1, args.epochs + 1):
        model.train()
        loss_sum, count = 0.0, 0
        label = f"{kind} epoch {epoch:2d}/{args.epochs}"
        for images, labels in progress(train_loader, len(train_loader), label, show_progress):
            optimizer.zero_grad()
            loss = loss_fn(model(images), labels)
            loss.backward()
            optimizer.step()
            loss_sum += loss.item() * labels.shape[0]
            count += labels.shape[0]
        scheduler.step()
        test_loss, test_acc = evaluate(torch, model, test_loader)
        history["train_loss"].append(loss_sum / count)
        history["test_loss"].append(test_loss)
        history["test_acc"].append(test_acc)
        print(f"{kind} epoch {epoch:2d}: train loss {loss_sum / count:.4f}  "
              f"test loss {test_loss:.4f}  test accuracy {test_acc:.2%}")  # fmt: skip
    history["seconds"] = time.perf_counter() - start

    args.out.mkdir(parents=True, exist_ok=True)
    checkpoint = args.out / f"digits_{kind}.pt"
    state = {"model": model.state_dict(), "optimizer": optimizer.state_dict(),
             "epochs": args.epochs, "test_acc": history["test_acc"][-1]}  # fmt: skip
    torch.save(state, checkpoint)
    history["checkpoint"] = checkpoint

    # A fresh model with the saved weights must score exactly what the trained one scored.
    reloaded = build_model(torch, kind)
    reloaded.load_state_dict(torch.load(checkpoint, weights_only=True)["model"])
    history["reloaded_acc"] = evaluate(torch, reloaded, test_loader)[1]
    print(f"{kind}: {history['seconds']:.1f} s; reloaded {checkpoint}: "
          f"test accuracy {history['reloaded_acc']:.2%}")  # fmt: skip
    return history


def plot(histories: dict[str, dict[str, Any]], path: Path) -> bool:
    """Draw train and test loss per epoch for each model; False when matplotlib is missing."""
    try:
        import matplotlib

        matplotlib.use("Agg")  # files only, no window
        import matplotlib.pyplot as plt
    except ImportError:
        return False
    fig, ax = plt.subplots(figsize=(6, 4))
    for kind, history in histories.items():
        epochs = range(1, len(history["train_loss"]) + 1)
        (line,) = ax.plot(epochs, history["train_loss"], label=f"{kind} train")
        ax.plot(epochs, history["test_loss"], "--", color=line.get_color(), label=f"{kind} test")
    ax.set(xlabel="epoch", ylabel="cross-entropy", yscale="log", title="digits")
    ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return True


def main(argv: list[str] | None = None) -> dict[str, dict[str, Any]]:
    args = parse_args(argv)
    torch = importlib.import_module(args.library)
    data = load_digits_split(args.seed)
    show_progress = sys.stderr.isatty() and not args.no_progress
    histories = {kind: train(torch, kind, data, args, show_progress)
                 for kind in args.models.split(",")}  # fmt: skip
    picture = args.out / "loss_curves.png"
    if plot(histories, picture):
        print(f"loss curves: {picture}")
    else:
        print("loss curves: install matplotlib to get a picture")
    return histories


if __name__ == "__main__":
    main()
