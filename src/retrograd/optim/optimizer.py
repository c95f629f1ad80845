"""The Optimizer base class: parameter groups, per-parameter state, state_dict, step hooks."""

from __future__ import annotations

import functools
import warnings
from collections import defaultdict
from collections.abc import Callable
from copy import deepcopy
from itertools import chain
from typing import Any

from .._tensor import Tensor
from ..autograd.grad_mode import enable_grad, no_grad
from ..autograd.graph import HookDict, RemovableHandle, add_hook

__all__ = ["Optimizer", "required"]


class _RequiredParameter:
    """Marks a hyper-parameter with no default that every group must give (PyTorch's sentinel)."""

    def __repr__(self) -> str:
        return "<required parameter>"


required = _RequiredParameter()


_HOOK_DICTS = (
    "_optimizer_step_pre_hooks",
    "_optimizer_step_post_hooks",
    "_optimizer_state_dict_pre_hooks",
    "_optimizer_state_dict_post_hooks",
    "_optimizer_load_state_dict_pre_hooks",
    "_optimizer_load_state_dict_post_hooks",
)


def _add_ordered_hook(hooks: HookDict, hook: Callable[..., Any], prepend: bool) -> RemovableHandle:
    handle = add_hook(hooks, hook)
    if prepend:
        rest = [(k, v) for k, v in hooks.items() if k != handle.id]
        hooks.clear()
        hooks[handle.id] = hook
        hooks.update(rest)
    return handle


def _typename(obj: Any) -> str:
    if isinstance(obj, Tensor):
        return "retrograd.Tensor"
    module = type(obj).__module__
    name = type(obj).__qualname__
    return name if module == "builtins" else f"{module}.{name}"


def _with_step_hooks(step: Callable[..., Any]) -> Callable[..., Any]:
    """Wrap a ``step`` (the base class's, or a subclass's own) so registered pre/post hooks
    run around it."""

    @functools.wraps(step)
    def wrapper(self: Optimizer, *args: Any, **kwargs: Any) -> Any:
        for pre_hook in list(self._optimizer_step_pre_hooks.values()):
            result = pre_hook(self, args, kwargs)
            if result is not None:
                if not (isinstance(result, tuple) and len(result) == 2):
                    raise RuntimeError(
                        "a step pre-hook must return None or a tuple of (new_args, new_kwargs), "
                        f"but got {result}."
                    )
                args, kwargs = result
        out = step(self, *args, **kwargs)
        self._opt_called = True
        for post_hook in list(self._optimizer_step_post_hooks.values()):
            post_hook(self, args, kwargs)
        return out

    wrapper._hooked = True  # type: ignore[attr-defined]
    return wrapper


class Optimizer:
    """Base class for all optimizers.

    Args:
        params (iterable): an iterable of tensors, of ``(name, tensor)`` pairs, or of dicts.
            Dicts define parameter groups, each with its own hyper-parameters.
        defaults (dict): default values of the optimization options, used by any group
            that does not set them.

    Example:
        >>> opt = retrograd.optim.SGD(model.parameters(), lr=0.1)
        >>> opt.zero_grad(); loss_fn(model(x), y).backward(); opt.step()
    """

    _optimizer_step_pre_hooks: HookDict
    _optimizer_step_post_hooks: HookDict
    _optimizer_state_dict_pre_hooks: HookDict
    _optimizer_state_dict_post_hooks: HookDict
    _optimizer_load_state_dict_pre_hooks: HookDict
    _optimizer_load_state_dict_post_hooks: HookDict

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        step = cls.__dict__.get("step")
        if step is not None and not getattr(step, "_hooked", False):
            cls.step = _with_step_hooks(step)  # type: ignore[method-assign]

    def __init__(self, params: Any, defaults: dict[str, Any]) -> None:
        if defaults.get("differentiable"):
            # PyTorch then records the update in the autograd graph; ours run under no_grad
            raise NotImplementedError(
                f"{type(self).__name__}: differentiable=True is not supported; retrograd's "
                "optimizer steps are not differentiable (they run under no_grad)"
            )
        self.defaults = defaults
        self._opt_called = False
        self._ensure_hook_dicts()
        if isinstance(params, Tensor):
            raise TypeError(
                "params argument given to the optimizer should be an iterable of Tensors "
                f"or dicts, but got {_typename(params)}"
            )
        self.state: defaultdict[Any, dict[str, Any]] = defaultdict(dict)
        self.param_groups: list[dict[str, Any]] = []
        param_groups = list(params)
        if len(param_groups) == 0:
            raise ValueError("optimizer got an empty parameter list")
        if not isinstance(param_groups[0], dict):
            param_groups = [{"params": param_groups}]
        for group in param_groups:
            self.add_param_group(dict(group))

    def __repr__(self) -> str:
        text = self.__class__.__name__ + " ("
        for i, group in enumerate(self.param_groups):
            text += f"\nParameter Group {i}\n"
            text += "".join(
                f"    {key}: {group[key]}\n" for key in sorted(group) if key != "params"
            )
        return text + ")"

    def __getstate__(self) -> dict[str, Any]:
        return {"defaults": self.defaults, "state": self.state, "param_groups": self.param_groups}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self.__dict__.setdefault("_opt_called", False)
        self._ensure_hook_dicts()

    def _ensure_hook_dicts(self) -> None:
        for name in _HOOK_DICTS:
            self.__dict__.setdefault(name, HookDict())

    def add_param_group(self, param_group: dict[str, Any]) -> None:
        """Add a parameter group to ``param_groups``, filling unset options from ``defaults``.

        Args:
            param_group (dict): the tensors to optimize under ``"params"`` plus any
                group-specific options.
        """
        if not isinstance(param_group, dict):
            raise TypeError(f"param_group must be a dict, but got {type(param_group)}")
        params = param_group["params"]
        if isinstance(params, Tensor):
            params = [params]
        elif isinstance(params, set):
            raise TypeError(
                "optimizer parameters need to be organized in ordered collections, but "
                "the ordering of tensors in sets will change between runs. "
                "Please use a list instead."
            )
        self._split_names(param_group, list(params))
        for param in param_group["params"]:
            if not isinstance(param, Tensor):
                raise TypeError(
                    "optimizer can only optimize Tensors, but one of the params is "
                    + _typename(param)
                )
            if not self.defaults.get("differentiable", None) and not (
                param.is_leaf or param.retains_grad
            ):
                raise ValueError("can't optimize a non-leaf Tensor")
        for name, default in self.defaults.items():
            if default is required and name not in param_group:
                raise ValueError(
                    "parameter group didn't specify a value of required optimization "
                    f"parameter {name}"
                )
            param_group.setdefault(name, default)
        self._check_group_against_existing(param_group)
        self.param_groups.append(param_group)

    @staticmethod
    def _split_names(param_group: dict[str, Any], params: list[Any]) -> None:
        names = [p[0] for p in params if isinstance(p, tuple)]
        param_group["params"] = [p[1] if isinstance(p, tuple) else p for p in params]
        if names:
            if len(names) != len(params):
                raise ValueError(
                    "all optimizer params should be with/without names. "
                    "Some param names are missing"
                )
            param_group["param_names"] = names

    def _check_group_against_existing(self, param_group: dict[str, Any]) -> None:
        params = param_group["params"]
        if len(params) != len({id(p) for p in params}):
            warnings.warn(
                "optimizer contains a parameter group with duplicate parameters; "
                "in future, this will cause an error; "
                "see github.com/pytorch/pytorch/issues/40967 for more information",
                stacklevel=4,
            )
        seen: set[int] = set()
        for group in self.param_groups:
            seen.update(id(p) for p in group["params"])
            if ("param_names" in param_group) != ("param_names" in group):
                which = "with names" if "param_names" in param_group else "without names"
                raise ValueError(
                    "all optimizer param groups should be with/without names. "
                    f"cannot add param group {which} to the optimizer"
                )
        if any(id(p) in seen for p in params):
            raise ValueError("some parameters appear in more than one parameter group")

    def zero_grad(self, set_to_none: bool = True) -> None:
        """Reset the gradients of all optimized tensors.

        Args:
            set_to_none (bool): set ``.grad`` to ``None`` instead of filling it with zeros
                (the default, as in PyTorch; it saves memory and a later ``step`` skips
                parameters whose grad is ``None``).
        """
        for group in self.param_groups:
            for p in group["params"]:
                if p.grad is None:
                    continue
                if set_to_none:
                    p.grad = None
                else:
                    grad = p.grad
                    if grad.grad_fn is not None:
                        grad.detach_()
                    else:
                        grad.requires_grad_(False)
                    with no_grad():
                        grad.zero_()

    # the per-parameter kernel ``(param, grad, state, group)`` of a single-tensor optimizer
    _param_update: Callable[..., None] | None = None

    def step(self, closure: Callable[[], Any] | None = None) -> Any:
        """Perform one optimization step.

        Args:
            closure (callable, optional): re-evaluates the model and returns the loss.

        Returns:
            The closure's loss, or ``None``.
        """
        if self._param_update is None:
            raise NotImplementedError(f"{type(self).__name__} does not implement step()")
        return self._step_each(closure, self._param_update)

    def _step_each(self, closure: Callable[[], Any] | None, update: Callable[..., None]) -> Any:
        """Run ``update(param, grad, state, group)`` for every parameter that has a grad.

        This is the single-tensor (``foreach=False``) loop of PyTorch's optimizers; the
        closure runs with gradients on, the updates without.
        """
        loss = _run_closure(closure)
        with no_grad():
            for group in self.param_groups:
                for p in group["params"]:
                    if p.grad is not None:
                        update(p, p.grad, self.state[p], group)
        return loss

    def register_step_pre_hook(self, hook: Callable[..., Any]) -> RemovableHandle:
        """Register ``hook(optimizer, args, kwargs)`` to run before every ``step``.

        The hook may return ``(new_args, new_kwargs)`` to replace ``step``'s arguments.

        Returns:
            RemovableHandle: ``handle.remove()`` unregisters the hook.
        """
        return add_hook(self._optimizer_step_pre_hooks, hook)

    def register_step_post_hook(self, hook: Callable[..., Any]) -> RemovableHandle:
        """Register ``hook(optimizer, args, kwargs)`` to run after every ``step``.

        Returns:
            RemovableHandle: ``handle.remove()`` unregisters the hook.
        """
        return add_hook(self._optimizer_step_post_hooks, hook)

    def register_state_dict_pre_hook(
        self, hook: Callable[..., Any], prepend: bool = False
    ) -> RemovableHandle:
        """Register ``hook(optimizer)`` to run before ``state_dict`` builds its result.

        Args:
            hook (callable): the hook.
            prepend (bool): run it before the hooks already registered (default: False).

        Returns:
            RemovableHandle: ``handle.remove()`` unregisters the hook.
        """
        return _add_ordered_hook(self._optimizer_state_dict_pre_hooks, hook, prepend)

    def register_state_dict_post_hook(
        self, hook: Callable[..., Any], prepend: bool = False
    ) -> RemovableHandle:
        """Register ``hook(optimizer, state_dict)``, run on ``state_dict``'s result; it may
        return a replacement dict.

        Args:
            hook (callable): the hook.
            prepend (bool): run it before the hooks already registered (default: False).

        Returns:
            RemovableHandle: ``handle.remove()`` unregisters the hook.
        """
        return _add_ordered_hook(self._optimizer_state_dict_post_hooks, hook, prepend)

    def register_load_state_dict_pre_hook(
        self, hook: Callable[..., Any], prepend: bool = False
    ) -> RemovableHandle:
        """Register ``hook(optimizer, state_dict)``, run before loading; it may return a
        replacement dict to load instead.

        Args:
            hook (callable): the hook.
            prepend (bool): run it before the hooks already registered (default: False).

        Returns:
            RemovableHandle: ``handle.remove()`` unregisters the hook.
        """
        return _add_ordered_hook(self._optimizer_load_state_dict_pre_hooks, hook, prepend)

    def register_load_state_dict_post_hook(
        self, hook: Callable[..., Any], prepend: bool = False
    ) -> RemovableHandle:
        """Register ``hook(optimizer)`` to run after ``load_state_dict``.

        Args:
            hook (callable): the hook.
            prepend (bool): run it before the hooks already registered (default: False).

        Returns:
            RemovableHandle: ``handle.remove()`` unregisters the hook.
        """
        return _add_ordered_hook(self._optimizer_load_state_dict_post_hooks, hook, prepend)

    def state_dict(self) -> dict[str, Any]:
        """The optimizer's state in PyTorch's format.

        Returns:
            dict: ``"state"`` maps integer parameter ids (their order across
            ``param_groups``) to each parameter's state; ``"param_groups"`` lists each
            group's options with ``"params"`` as those ids. The state tensors are shared,
            not copied, as in PyTorch.
        """
        for pre_hook in list(self._optimizer_state_dict_pre_hooks.values()):
            pre_hook(self)
        mapping: dict[int, int] = {}
        packed_groups = []
        for group in self.param_groups:
            packed = {k: v for k, v in group.items() if k != "params"}
            for p in group["params"]:
                mapping.setdefault(id(p), len(mapping))
            packed["params"] = [mapping[id(p)] for p in group["params"]]
            packed_groups.append(packed)
        packed_state = {
            (mapping[id(k)] if isinstance(k, Tensor) else k): v for k, v in self.state.items()
        }
        state_dict = {"state": packed_state, "param_groups": packed_groups}
        for post_hook in list(self._optimizer_state_dict_post_hooks.values()):
            result = post_hook(self, state_dict)
            if result is not None:
                state_dict = result
        return state_dict

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Load a state produced by ``state_dict`` (ours or PyTorch's, same layout).

        Args:
            state_dict (dict): the optimizer state. Floating-point state tensors are cast to
                their parameter's dtype, except ``"step"``, as in PyTorch.

        Raises:
            ValueError: when the number of groups or of parameters in a group differs.
        """
        state_dict = state_dict.copy()
        for pre_hook in list(self._optimizer_load_state_dict_pre_hooks.values()):
            result = pre_hook(self, state_dict)
            if result is not None:
                state_dict = result
        groups = self.param_groups
        saved_groups = deepcopy(state_dict["param_groups"])
        if len(groups) != len(saved_groups):
            raise ValueError("loaded state dict has a different number of parameter groups")
        if any(len(g["params"]) != len(s["params"]) for g, s in zip(groups, saved_groups)):
            raise ValueError(
                "loaded state dict contains a parameter group "
                "that doesn't match the size of optimizer's group"
            )
        id_map = dict(
            zip(
                chain.from_iterable(g["params"] for g in saved_groups),
                chain.from_iterable(g["params"] for g in groups),
            )
        )
        state: defaultdict[Any, dict[str, Any]] = defaultdict(dict)
        for k, v in state_dict["state"].items():
            if k in id_map:
                state[id_map[k]] = _cast_state(id_map[k], v)
            else:
                state[k] = v
        for group, new_group in zip(groups, saved_groups):
            new_group["params"] = group["params"]
            if "param_names" in group and "param_names" not in new_group:
                new_group["param_names"] = group["param_names"]
        self.__setstate__({"state": state, "param_groups": saved_groups})
        for post_hook in list(self._optimizer_load_state_dict_post_hooks.values()):
            post_hook(self)


def _cast_state(param: Tensor, value: Any, key: Any = None) -> Any:
    """Floating state tensors take ``param``'s dtype, except ``step``.

    As in PyTorch, a tensor that already has the right dtype is used as given, not copied.
    """
    if isinstance(value, Tensor):
        if key != "step" and param.is_floating_point() and value.is_floating_point():
            return value.to(dtype=param.dtype)
        return value
    if isinstance(value, dict):
        return {k: _cast_state(param, v, k) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(_cast_state(param, v) for v in value)
    return value


def _run_closure(closure: Callable[[], Any] | None) -> Any:
    """Evaluate ``closure`` with gradients on (steps themselves run under no_grad)."""
    if closure is None:
        return None
    with enable_grad():
        return closure()


def _check_hyper(name: str, value: float, *, low: float = 0.0) -> None:
    """PyTorch's constructor checks: ``Invalid <name>: <value>`` as a ValueError."""
    if not value >= low:
        raise ValueError(f"Invalid {name}: {value}")


def _check_betas(betas: tuple[float, float]) -> None:
    for i, beta in enumerate(betas):
        if not 0.0 <= beta < 1.0:
            raise ValueError(f"Invalid beta parameter at index {i}: {beta}")


def _step_counter() -> Tensor:
    """A fresh ``state["step"]``: a float32 scalar tensor, whatever the parameter's dtype."""
    from .._dtype import float32
    from .._ops.creation import tensor

    return tensor(0.0, dtype=float32)


# the single-tensor optimizers inherit this step; subclasses with their own are wrapped by
# Optimizer.__init_subclass__
Optimizer.step = _with_step_hooks(Optimizer.step)  # type: ignore[method-assign]
