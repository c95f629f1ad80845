"""Reverse-mode automatic differentiation: ``backward``, ``grad``, custom ``Function``s,
grad modes, forward-mode AD and gradient checking, under PyTorch's names."""

from . import forward_ad, functional, graph
from .engine import backward, grad
from .function import Function, FunctionCtx, once_differentiable
from .grad_mode import (
    enable_grad,
    inference_mode,
    is_grad_enabled,
    is_inference_mode_enabled,
    no_grad,
    set_grad_enabled,
)
from .gradcheck import gradcheck, gradgradcheck

__all__ = [
    "backward", "grad", "no_grad", "enable_grad", "set_grad_enabled", "inference_mode",
    "is_grad_enabled", "is_inference_mode_enabled", "forward_ad", "functional", "graph",
    "gradcheck", "gradgradcheck", "Function", "FunctionCtx", "once_differentiable",
]  # fmt: skip
