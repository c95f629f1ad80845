"""Forward-mode AD: dual tensors carry a tangent per open level; every primitive's ``jvp``
rule pushes tangents through as the forward runs.

Levels nest (PyTorch allows one at a time; ``torch.func.jvp`` nests its own): each has a
fresh id, a rule runs with its own level switched off, so a tangent computed at an inner
level carries the outer levels' tangents and second derivatives come out without
perturbation confusion. ``retrograd.func.jvp`` opens one level per call.

Example:
    >>> import retrograd.autograd.forward_ad as fwAD
    >>> with fwAD.dual_level():
    ...     x = fwAD.make_dual(retrograd.tensor(2.0), retrograd.tensor(1.0))
    ...     fwAD.unpack_dual(x * x).tangent
    tensor(4.)
"""

from __future__ import annotations

import itertools
from typing import TYPE_CHECKING, Any, NamedTuple

from .._fpe import quiet

if TYPE_CHECKING:
    from .._tensor import Tensor

active = False  # whether any level is open: the only check on the hot path
_levels: list[int] = []
_suppressed: set[int] = set()
_ids = itertools.count()


class dual_level:
    """Context manager that opens a forward-AD level; tangents vanish when it closes."""

    def __enter__(self) -> int:
        global active
        level = next(_ids)
        _levels.append(level)
        active = True
        self.level = level
        return level

    def __exit__(self, *exc: object) -> None:
        global active
        _levels.remove(self.level)
        active = bool(_levels)


def enter_dual_level() -> int:
    """Open a forward-AD level (the function form of :class:`dual_level`); returns its id."""
    lvl = dual_level()
    return lvl.__enter__()


def exit_dual_level(*, level: int | None = None) -> None:
    """Close ``level`` (default: the innermost open one); its tangents stop propagating."""
    global active
    if level is None and not _levels:
        raise RuntimeError("Trying to exit a forward AD level but no level is currently active.")
    level = _levels[-1] if level is None else level
    if level not in _levels:
        raise RuntimeError(f"Trying to exit forward AD level {level}, which is not open.")
    _levels.remove(level)
    active = bool(_levels)


def _level(level: int | None) -> int:
    if level is None:
        if not _levels:
            raise RuntimeError(
                "Trying to create a dual Tensor for forward AD but no level exists, make sure "
                "to enter_dual_level() first."
            )
        return _levels[-1]
    return level


def make_dual(tensor: Tensor, tangent: Tensor, *, level: int | None = None) -> Tensor:
    """A tensor with ``tensor``'s value (and reverse-mode history) and ``tangent`` as its
    forward gradient at ``level``."""
    from .._ops.shape_ops import alias

    lvl = _level(level)
    if tangent.shape != tensor.shape:
        raise RuntimeError(
            "Trying to set a forward gradient that has a different size than that of the "
            f"original Tensor, this is not supported. Tensor is of size {list(tensor.shape)} "
            f"while the given forward gradient is of size {list(tangent.shape)}."
        )
    if not (tensor.is_floating_point() or tensor.is_complex()):
        raise ValueError(
            f"Expected primal to be floating point or complex, but got: {tensor.dtype}"
        )
    if not (tangent.is_floating_point() or tangent.is_complex()):
        raise ValueError(
            f"Expected tangent to be floating point or complex, but got: {tangent.dtype}"
        )
    out = alias(tensor)
    fw = dict(tensor._fw) if tensor._fw else {}
    # PyTorch keeps the tangent's own dtype; rules then promote it with the primal's values
    fw[lvl] = tangent
    out._fw = fw
    return out


class UnpackedDualTensor(NamedTuple):
    primal: Tensor
    tangent: Tensor | None


def unpack_dual(tensor: Tensor, *, level: int | None = None) -> UnpackedDualTensor:
    """The primal (without this level's tangent) and the tangent (None if there is none)."""
    from .._ops.shape_ops import alias

    if not _levels:
        return UnpackedDualTensor(tensor, None)
    lvl = _level(level)
    fw = tensor._fw
    if not fw or lvl not in fw:
        return UnpackedDualTensor(tensor, None)
    primal = alias(tensor)
    rest = {k: v for k, v in fw.items() if k != lvl}
    primal._fw = rest or None
    return UnpackedDualTensor(primal, fw[lvl])


def tangent_of(t: Tensor, level: int) -> Tensor | None:
    fw = t._fw
    return fw.get(level) if fw else None


def propagate(prim: Any, ctx: Any, inputs: tuple[Tensor, ...], results: list[Tensor]) -> None:
    """Run ``prim.jvp`` once per open level that some input carries a tangent for."""
    for level in list(_levels):
        if level in _suppressed:
            continue
        tangents = [tangent_of(t, level) for t in inputs]
        if all(t is None for t in tangents):
            continue
        # a tangent made by make_dual in another dtype than its primal's keeps the dtype
        # the rule computes (PyTorch's); otherwise tangents take their outputs' dtypes
        mixed = any(t is not None and t._data.dtype != x._data.dtype
                    for t, x in zip(tangents, inputs))  # fmt: skip
        ctx.inputs = inputs
        ctx.out = results[0]
        ctx.outs = results
        # Inside the rule this level is switched off, so the rule's own ops don't carry
        # tangents of tangents at the same level.
        _suppressed.add(level)
        try:
            # as in backward: edges meet inf * 0 (pow at a zero base), PyTorch is silent
            with quiet():
                touts = prim.jvp(ctx, *tangents)
        finally:
            _suppressed.discard(level)
            # the context may be the outputs' grad_fn: holding them would be a cycle
            del ctx.inputs, ctx.out, ctx.outs
        if not isinstance(touts, (tuple, list)):
            touts = (touts,)
        for r, tg in zip(results, touts):
            if tg is None or r._data.dtype.kind not in "fcV":
                continue
            if tg._data.dtype != r._data.dtype and not mixed:
                tg = tg.real if tg.is_complex() and not r.is_complex() else tg
                tg = tg.to(r.dtype)
            if tg.shape != r.shape:
                tg = tg.expand(r.shape)
            r._fw = {**(r._fw or {}), level: tg}
