"""Adadelta: step sizes from running averages of squared gradients and squared updates."""

from __future__ import annotations

from typing import Any

from .._ops.creation import zeros_like
from .._tensor import Tensor
from .optimizer import Optimizer, _check_hyper, _step_counter

__all__ = ["Adadelta", "adadelta_update"]


class Adadelta(Optimizer):
    r"""Adadelta, as ``torch.optim.Adadelta``.

    :math:`v_t = \rho v_{t-1} + (1-\rho) g_t^2`,
    :math:`\Delta_t = \sqrt{u_{t-1} + \epsilon} / \sqrt{v_t + \epsilon}\, g_t`,
    :math:`u_t = \rho u_{t-1} + (1-\rho)\Delta_t^2`,
    :math:`\theta_t = \theta_{t-1} - \gamma\Delta_t`.

    Args:
        params (iterable): tensors or parameter groups to optimize.
        lr (float): scale of the update (default: 1.0).
        rho (float): decay of the running averages (default: 0.9).
        eps (float): added inside the square roots (default: 1e-6).
        weight_decay (float): L2 penalty (default: 0).
        maximize (bool): ascend the objective (default: False).
        foreach, capturable, differentiable: accepted for PyTorch compatibility.

    Example:
        >>> opt = retrograd.optim.Adadelta(model.parameters())
    """

    def __init__(
        self,
        params: Any,
        lr: float = 1.0,
        rho: float = 0.9,
        eps: float = 1e-6,
        weight_decay: float = 0,
        foreach: bool | None = None,
        *,
        capturable: bool = False,
        maximize: bool = False,
        differentiable: bool = False,
    ) -> None:
        _check_hyper("learning rate", lr)
        if not 0.0 <= rho <= 1.0:
            raise ValueError(f"Invalid rho value: {rho}")
        _check_hyper("epsilon value", eps)
        _check_hyper("weight_decay value", weight_decay)
        defaults = {
            "lr": lr,
            "rho": rho,
            "eps": eps,
            "weight_decay": weight_decay,
            "maximize": maximize,
            "capturable": capturable,
            "foreach": foreach,
            "differentiable": differentiable,
        }
        super().__init__(params, defaults)

    @staticmethod
    def _param_update(
        p: Tensor, grad: Tensor, state: dict[str, Any], group: dict[str, Any]
    ) -> None:
        if not state:
            state["step"] = _step_counter()
            state["square_avg"] = zeros_like(p)
            state["acc_delta"] = zeros_like(p)
        adadelta_update(
            p,
            grad,
            state,
            lr=group["lr"],
            rho=group["rho"],
            eps=group["eps"],
            weight_decay=group["weight_decay"],
            maximize=group["maximize"],
        )


def adadelta_update(
    param: Tensor,
    grad: Tensor,
    state: dict[str, Any],
    *,
    lr: float,
    rho: float,
    eps: float,
    weight_decay: float,
    maximize: bool,
) -> None:
    """One Adadelta update of ``param`` and ``state`` in place (PyTorch's single-tensor kernel)."""
    state["step"] += 1
    if maximize:
        grad = -grad
    if weight_decay != 0:
        grad = grad.add(param, alpha=weight_decay)
    square_avg, acc_delta = state["square_avg"], state["acc_delta"]
    square_avg.mul_(rho).addcmul_(grad, grad, value=1 - rho)
    std = square_avg.add(eps).sqrt_()
    delta = acc_delta.add(eps).sqrt_()
    delta.div_(std).mul_(grad)
    acc_delta.mul_(rho).addcmul_(delta, delta, value=1 - rho)
    param.add_(delta, alpha=-lr)
