"""Stochastic gradient descent, with PyTorch's momentum, dampening and Nesterov options."""

from __future__ import annotations

from typing import Any

from .._tensor import Tensor
from .optimizer import Optimizer, _check_hyper

__all__ = ["SGD", "sgd_update"]


class SGD(Optimizer):
    r"""Stochastic gradient descent (optionally with momentum), as ``torch.optim.SGD``.

    With momentum :math:`\mu` the buffer is :math:`b_t = \mu b_{t-1} + (1-\tau) g_t`
    (:math:`b_1 = g_1`), and the step is :math:`\theta_t = \theta_{t-1} - \gamma b_t`
    (Nesterov: :math:`g_t + \mu b_t` in place of :math:`b_t`).

    Args:
        params (iterable): tensors or parameter groups to optimize.
        lr (float): learning rate :math:`\gamma` (default: 1e-3).
        momentum (float): momentum factor :math:`\mu` (default: 0).
        dampening (float): dampening :math:`\tau` for momentum (default: 0).
        weight_decay (float): L2 penalty added to the gradient (default: 0).
        nesterov (bool): use Nesterov momentum (default: False).
        maximize (bool): ascend the objective instead of descending (default: False).
        foreach, differentiable, fused: accepted for PyTorch compatibility and recorded in
            the groups; the update is always the single-tensor one.

    Example:
        >>> opt = retrograd.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
        >>> opt.zero_grad(); loss.backward(); opt.step()
    """

    def __init__(
        self,
        params: Any,
        lr: float = 1e-3,
        momentum: float = 0,
        dampening: float = 0,
        weight_decay: float = 0,
        nesterov: bool = False,
        *,
        maximize: bool = False,
        foreach: bool | None = None,
        differentiable: bool = False,
        fused: bool | None = None,
    ) -> None:
        _check_hyper("learning rate", lr)
        _check_hyper("momentum value", momentum)
        _check_hyper("weight_decay value", weight_decay)
        if nesterov and (momentum <= 0 or dampening != 0):
            raise ValueError("Nesterov momentum requires a momentum and zero dampening")
        defaults = {
            "lr": lr,
            "momentum": momentum,
            "dampening": dampening,
            "weight_decay": weight_decay,
            "nesterov": nesterov,
            "maximize": maximize,
            "foreach": foreach,
            "differentiable": differentiable,
            "fused": fused,
        }
        super().__init__(params, defaults)

    @staticmethod
    def _param_update(
        p: Tensor, grad: Tensor, state: dict[str, Any], group: dict[str, Any]
    ) -> None:
        buf = sgd_update(
            p,
            grad,
            state.get("momentum_buffer"),
            lr=group["lr"],
            momentum=group["momentum"],
            dampening=group["dampening"],
            weight_decay=group["weight_decay"],
            nesterov=group["nesterov"],
            maximize=group["maximize"],
        )
        # PyTorch keeps a buffer only when momentum is on.
        if group["momentum"] != 0:
            state["momentum_buffer"] = buf


def sgd_update(
    param: Tensor,
    grad: Tensor,
    buf: Tensor | None,
    *,
    lr: float,
    momentum: float,
    dampening: float,
    weight_decay: float,
    nesterov: bool,
    maximize: bool,
) -> Tensor | None:
    """One SGD update of ``param`` in place; returns the (new or updated) momentum buffer.

    Call under ``no_grad``. The operations and their order are those of PyTorch's
    single-tensor kernel, so float32 results agree bit for bit.
    """
    if maximize:
        grad = -grad
    if weight_decay != 0:
        grad = grad.add(param, alpha=weight_decay)
    if momentum != 0:
        if buf is None:
            buf = grad.detach().clone()
        else:
            buf.mul_(momentum).add_(grad, alpha=1 - dampening)
        grad = grad.add(buf, alpha=momentum) if nesterov else buf
    param.add_(grad, alpha=-lr)
    return buf
