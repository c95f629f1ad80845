"""Activations, losses and normalizations given integer tensors: PyTorch's CPU kernels refuse
them (NotImplementedError naming the kernel, or its RuntimeError); retrograd must not quietly
compute in floating point instead. Mixed integer/float operands promote in both."""

from __future__ import annotations

import pytest
import torch
import torch.nn.functional as TF

import retrograd
import retrograd.nn.functional as RF

CASES = {
    "elu": lambda F, x, L: F.elu(x),
    "celu": lambda F, x, L: F.celu(x),
    "selu": lambda F, x, L: F.selu(x),
    "gelu": lambda F, x, L: F.gelu(x),
    "silu": lambda F, x, L: F.silu(x),
    "softplus": lambda F, x, L: F.softplus(x),
    "mish": lambda F, x, L: F.mish(x),
    "hardswish": lambda F, x, L: F.hardswish(x),
    "hardsigmoid": lambda F, x, L: F.hardsigmoid(x),
    "leaky_relu": lambda F, x, L: F.leaky_relu(x),
    "logsigmoid": lambda F, x, L: F.logsigmoid(x),
    "layer_norm": lambda F, x, L: F.layer_norm(x, (3,)),
    "layer_norm_weight": lambda F, x, L: F.layer_norm(x, (3,), L.ones(3)),
    "rms_norm": lambda F, x, L: F.rms_norm(x, (3,)),
    "group_norm": lambda F, x, L: F.group_norm(x.reshape(1, 2, 3), 1),
    "batch_norm": lambda F, x, L: F.batch_norm(x, None, None, training=True),
    "instance_norm": lambda F, x, L: F.instance_norm(x.reshape(1, 2, 3)),
    "kl_div": lambda F, x, L: F.kl_div(x, x, reduction="sum"),
    "kl_div_float_input": lambda F, x, L: F.kl_div(x.float(), x, reduction="sum"),
    "bce_with_logits": lambda F, x, L: F.binary_cross_entropy_with_logits(x, x),
    "mse_loss": lambda F, x, L: F.mse_loss(x, x),
    "smooth_l1_loss": lambda F, x, L: F.smooth_l1_loss(x, x),
    "huber_loss": lambda F, x, L: F.huber_loss(x, x),
    "hardtanh": lambda F, x, L: F.hardtanh(x - 3),
    "hardtanh_cut_limits": lambda F, x, L: F.hardtanh(x - 3, -1.5, 2.5),
    "hardtanh_unsigned": lambda F, x, L: F.hardtanh(x.to(L.uint8)),
    "relu6": lambda F, x, L: F.relu6(x * 3 - 4),
    "mse_loss_mixed": lambda F, x, L: F.mse_loss(x, x.float()),
    "huber_loss_mixed": lambda F, x, L: F.huber_loss(x.float(), x),
}


def _outcome(fn, F, L):
    x = L.arange(6).reshape(2, 3)
    try:
        out = fn(F, x, L)
    except Exception as e:  # noqa: BLE001  (the exception itself is what is compared)
        return type(e).__name__, str(e)
    return "ok", str(out.dtype).split(".")[-1], out.tolist()


@pytest.mark.parametrize("name", CASES)
def test_integer_inputs_fail_or_promote_as_in_pytorch(name):
    assert _outcome(CASES[name], RF, retrograd) == _outcome(CASES[name], TF, torch)
