"""Clip the gradients of parameters in place, by their total norm or by value."""

from __future__ import annotations

from collections.abc import Iterable

import retrograd as _rg

from ..._tensor import Tensor


def _grads(parameters: Tensor | Iterable[Tensor]) -> list[Tensor]:
    if isinstance(parameters, Tensor):
        parameters = [parameters]
    return [p.grad for p in parameters if p.grad is not None]


def clip_grad_norm_(parameters: Tensor | Iterable[Tensor], max_norm: float,
                    norm_type: float = 2.0, error_if_nonfinite: bool = False,
                    foreach: bool | None = None) -> Tensor:  # fmt: skip
    """Scale the gradients so that their joint ``norm_type`` norm is at most ``max_norm``.

    Args:
        parameters: a tensor or an iterable of tensors whose ``.grad`` is clipped.
        max_norm: the largest norm allowed.
        norm_type: the p of the p-norm (``inf`` for the largest absolute value).
        error_if_nonfinite: raise if the total norm is nan or inf.
        foreach: accepted for PyTorch compatibility (there is one implementation).

    Returns:
        The total norm of the gradients before clipping (a 0-d tensor).
    """
    grads = _grads(parameters)
    norm_type = float(norm_type)
    if not grads:
        return _rg.tensor(0.0)
    with _rg.no_grad():
        norms = [_rg.linalg.vector_norm(g, norm_type) for g in grads]
        total = _rg.linalg.vector_norm(_rg.stack(norms), norm_type)
        if error_if_nonfinite and not bool(_rg.isfinite(total)):
            raise RuntimeError(
                f"The total norm of order {norm_type} for gradients from `parameters` is "
                "non-finite, so it cannot be clipped. To disable this error and scale the "
                "gradients by the non-finite norm anyway, set `error_if_nonfinite=False`"
            )
        coef = (max_norm / (total + 1e-6)).clamp(max=1.0)
        for g in grads:
            g.mul_(coef.to(g.dtype))
    return total


def clip_grad_value_(parameters: Tensor | Iterable[Tensor], clip_value: float,
                     foreach: bool | None = None) -> None:  # fmt: skip
    """Clamp every gradient element into ``[-clip_value, clip_value]`` in place."""
    with _rg.no_grad():
        for g in _grads(parameters):
            g.clamp_(-clip_value, clip_value)
