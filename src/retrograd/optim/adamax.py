"""Adamax: Adam with the infinity norm in place of the second moment."""

from __future__ import annotations

from typing import Any

from .._ops.creation import zeros_like
from .._ops.elementwise_ops import maximum
from .._tensor import Tensor
from .optimizer import Optimizer, _check_betas, _check_hyper, _step_counter

__all__ = ["Adamax", "adamax_update"]


class Adamax(Optimizer):
    r"""Adamax, as ``torch.optim.Adamax``.

    :math:`m_t = \beta_1 m_{t-1} + (1-\beta_1) g_t`,
    :math:`u_t = \max(\beta_2 u_{t-1}, |g_t| + \epsilon)`,
    :math:`\theta_t = \theta_{t-1} - \gamma m_t / ((1-\beta_1^t) u_t)`.

    Args:
        params (iterable): tensors or parameter groups to optimize.
        lr (float): learning rate (default: 2e-3).
        betas (tuple[float, float]): decay rates (default: (0.9, 0.999)).
        eps (float): added to :math:`|g_t|` (default: 1e-8).
        weight_decay (float): L2 penalty (default: 0).
        maximize (bool): ascend the objective (default: False).
        foreach, differentiable, capturable: accepted for PyTorch compatibility.

    Example:
        >>> opt = retrograd.optim.Adamax(model.parameters())
    """

    def __init__(
        self,
        params: Any,
        lr: float = 2e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0,
        foreach: bool | None = None,
        *,
        maximize: bool = False,
        differentiable: bool = False,
        capturable: bool = False,
    ) -> None:
        _check_hyper("learning rate", lr)
        _check_hyper("epsilon value", eps)
        _check_betas(betas)
        _check_hyper("weight_decay value", weight_decay)
        defaults = {
            "lr": lr,
            "betas": betas,
            "eps": eps,
            "weight_decay": weight_decay,
            "foreach": foreach,
            "maximize": maximize,
            "differentiable": differentiable,
            "capturable": capturable,
        }
        super().__init__(params, defaults)

    @staticmethod
    def _param_update(
        p: Tensor, grad: Tensor, state: dict[str, Any], group: dict[str, Any]
    ) -> None:
        if not state:
            state["step"] = _step_counter()
            state["exp_avg"] = zeros_like(p)
            state["exp_inf"] = zeros_like(p)
        beta1, beta2 = group["betas"]
        adamax_update(
            p,
            grad,
            state,
            lr=group["lr"],
            beta1=beta1,
            beta2=beta2,
            eps=group["eps"],
            weight_decay=group["weight_decay"],
            maximize=group["maximize"],
        )


def adamax_update(
    param: Tensor,
    grad: Tensor,
    state: dict[str, Any],
    *,
    lr: float,
    beta1: float,
    beta2: float,
    eps: float,
    weight_decay: float,
    maximize: bool,
) -> None:
    """One Adamax update of ``param`` and ``state`` in place (PyTorch's single-tensor kernel)."""
    if maximize:
        grad = -grad
    exp_avg, exp_inf = state["exp_avg"], state["exp_inf"]
    state["step"] += 1
    if weight_decay != 0:
        grad = grad.add(param, alpha=weight_decay)
    exp_avg.lerp_(grad, 1 - beta1)
    exp_inf.copy_(maximum(exp_inf.mul_(beta2), grad.abs().add_(eps)))
    clr = lr / (1 - beta1 ** state["step"].item())
    param.addcdiv_(exp_avg, exp_inf, value=-clr)
