"""Adagrad: per-coordinate learning rates from the sum of squared gradients."""

from __future__ import annotations

from typing import Any

from .._ops.creation import full_like
from .._tensor import Tensor
from .optimizer import Optimizer, _check_hyper, _step_counter

__all__ = ["Adagrad", "adagrad_update"]


class Adagrad(Optimizer):
    r"""Adagrad, as ``torch.optim.Adagrad``.

    :math:`s_t = s_{t-1} + g_t^2`, step
    :math:`\theta_t = \theta_{t-1} - \tilde\gamma g_t / (\sqrt{s_t} + \epsilon)` with
    :math:`\tilde\gamma = \gamma / (1 + (t-1)\eta)`.

    Args:
        params (iterable): tensors or parameter groups to optimize.
        lr (float): learning rate (default: 1e-2).
        lr_decay (float): learning-rate decay :math:`\eta` (default: 0).
        weight_decay (float): L2 penalty (default: 0).
        initial_accumulator_value (float): starting value of the sum (default: 0).
        eps (float): added to the denominator (default: 1e-10).
        maximize (bool): ascend the objective (default: False).
        foreach, differentiable, fused: accepted for PyTorch compatibility.

    The state is created in the constructor, as in PyTorch, so ``state_dict()`` lists it
    before the first step.

    Example:
        >>> opt = retrograd.optim.Adagrad(model.parameters(), lr=0.1)
    """

    def __init__(
        self,
        params: Any,
        lr: float = 1e-2,
        lr_decay: float = 0,
        weight_decay: float = 0,
        initial_accumulator_value: float = 0,
        eps: float = 1e-10,
        foreach: bool | None = None,
        *,
        maximize: bool = False,
        differentiable: bool = False,
        fused: bool | None = None,
    ) -> None:
        _check_hyper("learning rate", lr)
        _check_hyper("lr_decay value", lr_decay)
        _check_hyper("weight_decay value", weight_decay)
        _check_hyper("initial_accumulator_value value", initial_accumulator_value)
        _check_hyper("epsilon value", eps)
        defaults = {
            "lr": lr,
            "lr_decay": lr_decay,
            "eps": eps,
            "weight_decay": weight_decay,
            "initial_accumulator_value": initial_accumulator_value,
            "foreach": foreach,
            "maximize": maximize,
            "differentiable": differentiable,
            "fused": fused,
        }
        super().__init__(params, defaults)
        for group in self.param_groups:
            for p in group["params"]:
                state = self.state[p]
                state["step"] = _step_counter()
                state["sum"] = full_like(p, group["initial_accumulator_value"])

    @staticmethod
    def _param_update(
        p: Tensor, grad: Tensor, state: dict[str, Any], group: dict[str, Any]
    ) -> None:
        if not state:  # a group added after construction
            state["step"] = _step_counter()
            state["sum"] = full_like(p, group["initial_accumulator_value"])
        adagrad_update(
            p,
            grad,
            state,
            lr=group["lr"],
            lr_decay=group["lr_decay"],
            eps=group["eps"],
            weight_decay=group["weight_decay"],
            maximize=group["maximize"],
        )


def adagrad_update(
    param: Tensor,
    grad: Tensor,
    state: dict[str, Any],
    *,
    lr: float,
    lr_decay: float,
    eps: float,
    weight_decay: float,
    maximize: bool,
) -> None:
    """One Adagrad update of ``param`` and ``state`` in place (PyTorch's single-tensor kernel)."""
    state["step"] += 1
    step = state["step"].item()
    if maximize:
        grad = -grad
    if weight_decay != 0:
        grad = grad.add(param, alpha=weight_decay)
    clr = lr / (1 + (step - 1) * lr_decay)
    state_sum = state["sum"]
    state_sum.addcmul_(grad, grad, value=1)
    std = state_sum.sqrt().add_(eps)
    param.addcdiv_(grad, std, value=-clr)
