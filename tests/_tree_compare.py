"""Compare nested results (tuples, lists, dicts of tensors) of retrograd and PyTorch: the
same containers, the same shapes, values and dtypes, and the same requires_grad flags."""

from __future__ import annotations

from typing import Any

import torch

from _torch_compare import assert_close


def assert_tree_close(ours: Any, theirs: Any, path: str = "result", **tol: Any) -> None:
    """``ours`` has ``theirs``'s container structure and each tensor matches PyTorch's."""
    if isinstance(theirs, (tuple, list, dict)):
        assert type(ours) is type(theirs), (
            f"{path}: {type(ours).__name__} is not torch's {type(theirs).__name__}"
        )
        assert len(ours) == len(theirs), f"{path}: length {len(ours)} != torch's {len(theirs)}"
        if isinstance(theirs, dict):
            assert list(ours) == list(theirs), f"{path}: keys {list(ours)} != {list(theirs)}"
            pairs = [(f"{path}[{k!r}]", ours[k], theirs[k]) for k in theirs]
        else:
            pairs = [(f"{path}[{i}]", o, t) for i, (o, t) in enumerate(zip(ours, theirs))]
        for p, o, t in pairs:
            assert_tree_close(o, t, p, **tol)
    elif isinstance(theirs, torch.Tensor):
        try:
            assert_close(ours, theirs, **tol)
        except AssertionError as e:
            raise AssertionError(f"{path}: {e}") from None
        assert ours.requires_grad == theirs.requires_grad, (
            f"{path}: requires_grad {ours.requires_grad} != torch's {theirs.requires_grad}"
        )
    else:
        assert ours == theirs, f"{path}: {ours!r} != torch's {theirs!r}"
