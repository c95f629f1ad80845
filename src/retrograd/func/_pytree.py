"""Nested Python containers (tuples, lists, dicts) of tensors, flattened to a list of leaves
and rebuilt, as ``torch.utils._pytree`` does for the ``torch.func`` transforms."""

from __future__ import annotations

from typing import Any


class TreeSpec:
    """The shape of a container tree: its node type, keys (for dicts) and child specs."""

    def __init__(self, kind: type | None, context: Any, children: list[TreeSpec]) -> None:
        self.kind = kind  # None for a leaf
        self.context = context
        self.children = children

    def is_leaf(self) -> bool:
        return self.kind is None

    @property
    def num_leaves(self) -> int:
        return 1 if self.kind is None else sum(c.num_leaves for c in self.children)

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, TreeSpec)
            and self.kind is other.kind
            and self.context == other.context
            and self.children == other.children
        )

    def pprint(self) -> str:
        """The structure with ``*`` for leaves, as PyTorch prints it: ``(*, [*, {'a': *}])``."""
        if self.kind is None:
            return "*"
        kids = [c.pprint() for c in self.children]
        if self.kind is dict:
            return "{" + ", ".join(f"{k!r}: {v}" for k, v in zip(self.context, kids)) + "}"
        if self.kind is list:
            return "[" + ", ".join(kids) + "]"
        inner = ", ".join(kids) + ("," if len(kids) == 1 else "")
        return f"({inner})" if self.kind is tuple else f"{self.kind.__name__}({inner})"

    def __repr__(self) -> str:
        if self.kind is None:
            return "*"
        kids = ", ".join(repr(c) for c in self.children)
        return f"TreeSpec({self.kind.__name__}, {self.context!r}, [{kids}])"


LEAF = TreeSpec(None, None, [])


def _is_namedtuple(x: Any) -> bool:
    return isinstance(x, tuple) and hasattr(type(x), "_fields")


def tree_flatten(tree: Any) -> tuple[list[Any], TreeSpec]:
    """The leaves of ``tree`` in order, and the spec that :func:`tree_unflatten` rebuilds from."""
    leaves: list[Any] = []
    return leaves, _flatten(tree, leaves)


def _flatten(tree: Any, leaves: list[Any]) -> TreeSpec:
    if isinstance(tree, (tuple, list)):
        kind = type(tree) if _is_namedtuple(tree) else (tuple if isinstance(tree, tuple) else list)
        return TreeSpec(kind, None, [_flatten(x, leaves) for x in tree])
    if isinstance(tree, dict):
        keys = list(tree)
        return TreeSpec(dict, keys, [_flatten(tree[k], leaves) for k in keys])
    leaves.append(tree)
    return LEAF


def tree_unflatten(leaves: list[Any], spec: TreeSpec) -> Any:
    """Rebuild the container tree described by ``spec`` around ``leaves``."""
    it = iter(leaves)
    return _build(it, spec)


def _build(it: Any, spec: TreeSpec) -> Any:
    if spec.kind is None:
        return next(it)
    kids = [_build(it, c) for c in spec.children]
    if spec.kind is dict:
        return dict(zip(spec.context, kids))
    if spec.kind is list:
        return kids
    if spec.kind is tuple:
        return tuple(kids)
    return spec.kind(*kids)  # a namedtuple


def tree_map(fn: Any, tree: Any) -> Any:
    leaves, spec = tree_flatten(tree)
    return tree_unflatten([fn(x) for x in leaves], spec)


def broadcast_prefix(prefix: Any, spec: TreeSpec) -> list[Any] | None:
    """The value of ``prefix`` for each leaf of ``spec`` when ``prefix`` is a tree prefix
    of it (a leaf of ``prefix`` covers a whole subtree), or None when it is not."""
    out: list[Any] = []
    return out if _broadcast(prefix, spec, out) else None


def _broadcast(prefix: Any, spec: TreeSpec, out: list[Any]) -> bool:
    pspec = tree_flatten(prefix)[1] if isinstance(prefix, (tuple, list, dict)) else LEAF
    if pspec.kind is None:
        out.extend([prefix] * spec.num_leaves)
        return True
    if spec.kind is None or len(pspec.children) != len(spec.children):
        return False
    if isinstance(prefix, dict):
        if spec.kind is not dict or set(prefix) != set(spec.context):
            return False
        return all(_broadcast(prefix[k], c, out) for k, c in zip(spec.context, spec.children))
    if spec.kind is dict or (type(prefix) is list) != (spec.kind is list):
        return False
    return all(_broadcast(p, c, out) for p, c in zip(prefix, spec.children))
