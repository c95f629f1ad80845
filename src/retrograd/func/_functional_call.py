"""``functional_call``: run a module with some of its parameters and buffers replaced."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

_MISSING = object()


def _named(module: Any, what: str) -> list[tuple[str, Any]]:
    fn = getattr(module, what, None)
    if fn is None:
        return []
    try:  # tied weights appear under each of their names
        return list(fn(remove_duplicate=False))
    except TypeError:
        return list(fn())


def _owner(module: Any, name: str) -> tuple[Any, str]:
    *path, leaf = name.split(".")
    for p in path:
        module = getattr(module, p)
    return module, leaf


def _swap(owner: Any, attr: str, value: Any) -> Any:
    """Put ``value`` in place of ``owner.attr`` and return what was there; parameters and
    buffers held in a module's ``_parameters`` / ``_buffers`` tables are swapped there."""
    for table in ("_parameters", "_buffers"):
        d = owner.__dict__.get(table) if hasattr(owner, "__dict__") else None
        if isinstance(d, dict) and attr in d:
            old = d[attr]
            d[attr] = value
            return old
    old = getattr(owner, attr, _MISSING)
    if value is _MISSING:
        delattr(owner, attr)
    else:
        object.__setattr__(owner, attr, value)
    return old


@contextmanager
def _reparametrized(module: Any, values: dict[str, Any]) -> Iterator[None]:
    done: list[tuple[Any, str, Any]] = []
    try:
        for name, value in values.items():
            owner, attr = _owner(module, name)
            done.append((owner, attr, _swap(owner, attr, value)))
        yield
    finally:
        for owner, attr, old in reversed(done):
            _swap(owner, attr, old)


def _merge(dicts: Any) -> dict[str, Any]:
    if isinstance(dicts, dict):
        return dict(dicts)
    merged: dict[str, Any] = {}
    repeated = []
    for d in dicts:
        for k, v in d.items():
            if k in merged:
                repeated.append(k)
            merged[k] = v
    if repeated:
        raise ValueError(
            f"{repeated} appeared in multiple dictionaries; behavior of functional call is "
            "ambiguous"
        )
    return merged


def functional_call(module: Any, parameter_and_buffer_dicts: dict[str, Any] | Sequence[dict],
                    args: Any = None, kwargs: dict[str, Any] | None = None, *,
                    tie_weights: bool = True, strict: bool = False) -> Any:  # fmt: skip
    """Call ``module`` with its parameters and buffers replaced by the given tensors, then
    put the originals back.

    Args:
        module: a module, or any object whose ``named_parameters()`` / ``named_buffers()``
            name its tensors by dotted attribute paths.
        parameter_and_buffer_dicts: a dict (or a sequence of dicts) from names to tensors.
        args: the positional argument(s) (a non-tuple is one argument).
        kwargs: keyword arguments.
        tie_weights: a tensor registered under several names is replaced under all of them.
        strict: every parameter and buffer must be given, and no other name.

    Returns:
        What ``module(*args, **kwargs)`` returns.

    Example:
        >>> functional_call(model, {"weight": w}, (x,))
    """
    values = _merge(parameter_and_buffer_dicts)
    named = _named(module, "named_parameters") + _named(module, "named_buffers")
    if strict:
        names = {n for n, _ in named}
        missing = sorted(names - set(values))
        unexpected = sorted(set(values) - names)
        if missing or unexpected:
            raise RuntimeError(
                f"Error(s) in reparametrizing for {type(module).__name__}:\n\t"
                + ("Unexpected key(s): " + ", ".join(repr(k) for k in unexpected) + ".\n\t"
                   if unexpected else "")
                + ("Missing key(s): " + ", ".join(repr(k) for k in missing) + "."
                   if missing else "")
            )  # fmt: skip
    if tie_weights:
        by_tensor = {id(t): values[n] for n, t in named if n in values}
        for n, t in named:
            if n not in values and id(t) in by_tensor:
                values[n] = by_tensor[id(t)]
    if args is None:
        args = ()
    elif not isinstance(args, tuple):
        args = (args,)
    with _reparametrized(module, values):
        return module(*args, **(kwargs or {}))
