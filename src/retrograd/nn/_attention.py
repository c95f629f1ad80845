"""Attention as in ``torch.nn.functional``: scaled_dot_product_attention and
multi_head_attention_forward, composed from matmul, softmax and dropout.

The masks follow PyTorch's two conventions: for ``scaled_dot_product_attention`` a boolean
mask says where to attend (True = keep); for multi-head attention a boolean mask says what
to hide (True = masked). Float masks are added to the scores in both.
"""

from __future__ import annotations

import math
import warnings
from typing import Any

import numpy as np

import retrograd as _rg

from .._prims.sequence import split_with_sizes
from .._tensor import Tensor
from ..amp import autocast_mode as _ac
from . import functional as F


def _sdpa_checks(query: Tensor, key: Tensor, value: Tensor, attn_mask: Tensor | None,
                 is_causal: bool) -> None:  # fmt: skip
    if query.dim() < 2 or key.dim() < 2 or value.dim() < 2:
        raise RuntimeError(
            "Expected query, key, and value to all be  at least 2 dimensional, but got "
            f"query.dim: {query.dim()} key.dim: {key.dim()} and value.dim: {value.dim()} instead."
        )
    if not query.dtype == key.dtype == value.dtype:
        raise RuntimeError(
            "Expected query, key, and value to have the same dtype, but got query.dtype: "
            f"{query.dtype} key.dtype: {key.dtype} and value.dtype: {value.dtype} instead."
        )
    if attn_mask is not None:
        if is_causal:
            raise RuntimeError(
                "_scaled_dot_product_attention: Explicit attn_mask should not be set when "
                "is_causal=True"
            )
        if attn_mask.dtype != _rg.bool and not attn_mask.dtype.is_floating_point:
            raise RuntimeError(
                "Expected attn_mask dtype to be bool or float or to match query dtype, but got "
                f"attn_mask.dtype: {attn_mask.dtype} and  query.dtype: {query.dtype} instead."
            )
    if query.shape[-1] != key.shape[-1] or key.shape[-2] != value.shape[-2]:
        raise RuntimeError(
            f"scaled_dot_product_attention: query {list(query.shape)}, key {list(key.shape)} "
            f"and value {list(value.shape)} do not fit: query and key need the same last "
            "dimension (embedding), key and value the same sequence length (dim -2)"
        )


def _expand_kv_heads(query: Tensor, key: Tensor, value: Tensor) -> tuple[Tensor, Tensor]:
    """Grouped-query attention: each key/value head serves a group of query heads."""
    hq, hk, hv = query.shape[-3], key.shape[-3], value.shape[-3]
    if hq % hk or hq % hv:
        raise RuntimeError(
            "Number of heads in key and value must divide the number of heads in query "
            f"(query heads {hq}, key heads {hk}, value heads {hv})"
        )
    return key.repeat_interleave(hq // hk, -3), value.repeat_interleave(hq // hv, -3)


def _masked_softmax(scores: Tensor) -> Tensor:
    """Softmax over the last dim where a row that is masked everywhere (all -inf) gives
    zeros, as PyTorch's SDPA, instead of nan; the row's scores are replaced before the
    softmax so that no nan reaches the backward pass either."""
    dead = np.isneginf(np.max(scores.detach().numpy(), axis=-1, keepdims=True))
    if not dead.any():
        return _rg.softmax(scores, -1)
    dead_t = _rg.tensor(dead)
    weights = _rg.softmax(_rg.where(dead_t, 0.0, scores), -1)
    return _rg.where(dead_t, 0.0, weights)


def scaled_dot_product_attention(query: Tensor, key: Tensor, value: Tensor,
                                 attn_mask: Tensor | None = None, dropout_p: float = 0.0,
                                 is_causal: bool = False, scale: float | None = None,
                                 enable_gqa: bool = False) -> Tensor:  # fmt: skip
    """``softmax(query @ key^T * scale + mask) @ value``.

    Args:
        query: ``(..., L, E)``; key: ``(..., S, E)``; value: ``(..., S, Ev)``.
        attn_mask: broadcastable to ``(..., L, S)``; boolean (True = may attend) or float
            (added to the scores).
        dropout_p: dropout probability on the attention weights (always applied if > 0).
        is_causal: mask out keys after each query (top-left aligned); excludes ``attn_mask``.
        scale: the score scale; ``1 / sqrt(E)`` by default.
        enable_gqa: let key and value have fewer heads (dim -3) than query.

    Returns:
        ``(..., L, Ev)``. A query row that may attend to nothing gives zeros.

    Example::

        >>> q = k = v = retrograd.randn(2, 4, 5, 8)
        >>> F.scaled_dot_product_attention(q, k, v, is_causal=True).shape
        retrograd.Size([2, 4, 5, 8])
    """
    if _ac._enabled:  # CPU autocast runs attention in its lower precision, as PyTorch
        query, key, value, attn_mask = _ac._autocast_args(query, key, value, attn_mask)
    _sdpa_checks(query, key, value, attn_mask, is_causal)
    if enable_gqa:
        key, value = _expand_kv_heads(query, key, value)
    length, source = query.shape[-2], key.shape[-2]
    factor = 1.0 / math.sqrt(query.shape[-1]) if scale is None else scale
    scores = _rg.matmul(query, key.transpose(-2, -1)) * factor
    if is_causal:
        attn_mask = _rg.ones((length, source), dtype=_rg.bool).tril()
    if attn_mask is not None:
        if attn_mask.dtype == _rg.bool:
            neg = np.where(attn_mask.numpy(), 0.0, -np.inf)
            attn_mask = _rg.tensor(neg, dtype=scores.dtype)
        scores = scores + attn_mask
    weights = _masked_softmax(scores)
    if dropout_p > 0.0:
        weights = F.dropout(weights, dropout_p, training=True)
    return _rg.matmul(weights, value)


def _canonical_mask(mask: Tensor | None, mask_name: str, other_type: Any, other_name: str,
                    target_type: Any, check_other: bool = True) -> Tensor | None:  # fmt: skip
    """A boolean mask (True = hidden) as an additive float mask of ``target_type``."""
    if mask is None:
        return None
    is_float = mask.dtype.is_floating_point
    if mask.dtype != _rg.bool and not is_float:
        raise AssertionError(f"only bool and floating types of {mask_name} are supported")
    if check_other and other_type is not None and mask.dtype != other_type:
        warnings.warn(
            f"Support for mismatched {mask_name} and {other_name} is deprecated. Use same "
            "type for both instead.",
            stacklevel=3,
        )
    if is_float:
        return mask
    return _rg.tensor(np.where(mask.numpy(), -np.inf, 0.0), dtype=target_type)


def _none_or_dtype(input: Tensor | None) -> Any:
    return None if input is None else input.dtype


def _mha_shape_check(query: Tensor, key: Tensor, value: Tensor,
                     key_padding_mask: Tensor | None, attn_mask: Tensor | None,
                     num_heads: int) -> bool:  # fmt: skip
    """PyTorch's rank checks; returns whether the input is batched."""
    if query.dim() not in (2, 3):
        raise AssertionError(
            "query should be unbatched 2D or batched 3D tensor but received "
            f"{query.dim()}-D query tensor"
        )
    batched = query.dim() == 3
    kind = "batched (3-D)" if batched else "unbatched (2-D)"
    if key.dim() != query.dim() or value.dim() != query.dim():
        raise AssertionError(
            f"For {kind} `query`, expected `key` and `value` to be {query.dim()}-D but found "
            f"{key.dim()}-D and {value.dim()}-D tensors respectively"
        )
    if key_padding_mask is not None and key_padding_mask.dim() != query.dim() - 1:
        raise AssertionError(
            f"For {kind} `query`, expected `key_padding_mask` to be `None` or "
            f"{query.dim() - 1}-D but found {key_padding_mask.dim()}-D tensor instead"
        )
    if attn_mask is not None:
        if attn_mask.dim() not in (2, 3):
            raise AssertionError(
                f"For {kind} `query`, expected `attn_mask` to be `None`, 2-D or 3-D but found "
                f"{attn_mask.dim()}-D tensor instead"
            )
        expected = (num_heads, query.shape[0], key.shape[0])
        if not batched and attn_mask.dim() == 3 and tuple(attn_mask.shape) != expected:
            raise AssertionError(
                f"Expected `attn_mask` shape to be {expected} but got {attn_mask.shape}"
            )
    return batched


def _in_projection(query: Tensor, key: Tensor, value: Tensor, weights: tuple[Tensor, ...],
                   bias: Tensor | None) -> tuple[Tensor, Tensor, Tensor]:  # fmt: skip
    """q, k, v projections; self-attention shares one matmul of the packed weight."""
    if len(weights) == 1 and key is value and query is key:
        proj = F.linear(query, weights[0], bias)
        e = proj.shape[-1] // 3
        return split_with_sizes(proj, (e, e, e), proj.dim() - 1)  # type: ignore[return-value]
    if len(weights) == 1:
        e = weights[0].shape[0] // 3
        weights = split_with_sizes(weights[0], (e, e, e))
    w_q, w_k, w_v = weights
    b_q, b_k, b_v = (
        (None, None, None) if bias is None else split_with_sizes(bias, (w_q.shape[0],) * 3)
    )
    return F.linear(query, w_q, b_q), F.linear(key, w_k, b_k), F.linear(value, w_v, b_v)


def _merge_key_padding(attn_mask: Tensor | None, key_padding_mask: Tensor | None, bsz: int,
                       num_heads: int, src_len: int) -> Tensor | None:  # fmt: skip
    if key_padding_mask is None:
        return attn_mask
    for i, want in enumerate((bsz, src_len)):
        if key_padding_mask.shape[i] != want:
            raise AssertionError(
                f"Expected key_padded_mask.shape[{i}] to be {want}, but got "
                f"{key_padding_mask.shape[i]}"
            )
    kpm = key_padding_mask.reshape(bsz, 1, 1, src_len).expand(-1, num_heads, -1, -1)
    kpm = kpm.reshape(bsz * num_heads, 1, src_len)
    return kpm if attn_mask is None else attn_mask + kpm


def _check_attn_mask(attn_mask: Tensor, tgt_len: int, src_len: int, bsz_heads: int) -> Tensor:
    if attn_mask.dim() == 2:
        if tuple(attn_mask.shape) != (tgt_len, src_len):
            raise RuntimeError(
                f"The shape of the 2D attn_mask is {attn_mask.shape}, but should be "
                f"{(tgt_len, src_len)}."
            )
        return attn_mask.unsqueeze(0)
    if tuple(attn_mask.shape) != (bsz_heads, tgt_len, src_len):
        raise RuntimeError(
            f"The shape of the 3D attn_mask is {attn_mask.shape}, but should be "
            f"{(bsz_heads, tgt_len, src_len)}."
        )
    return attn_mask


def _pad_last(mask: Tensor | None) -> Tensor | None:
    """One more (unmasked) key column for bias_k or the zero attention slot."""
    return None if mask is None else F.pad(mask, (0, 1))


def _split_heads(x: Tensor, static: Tensor | None, bsz: int, num_heads: int, head_dim: int,
                 name: str) -> Tensor:  # fmt: skip
    """``(S, N, E)`` to ``(N * heads, S, head_dim)``, or the given static projection."""
    if static is None:
        return x.reshape(x.shape[0], bsz * num_heads, head_dim).transpose(0, 1)
    for i, want in ((0, bsz * num_heads), (2, head_dim)):
        if static.shape[i] != want:
            raise AssertionError(
                f"expecting static_{name}.size({i}) of {want}, but got {static.shape[i]}"
            )
    return static


def _attend(q: Tensor, k: Tensor, v: Tensor, attn_mask: Tensor | None, dropout_p: float,
            need_weights: bool, is_causal: bool) -> tuple[Tensor, Tensor | None]:  # fmt: skip
    """Attention on ``(N * heads, L, head_dim)``: with weights the way PyTorch's MHA does it
    (scaled query, plain softmax), else through scaled_dot_product_attention."""
    if not need_weights:
        return scaled_dot_product_attention(q, k, v, attn_mask, dropout_p, is_causal), None
    q_scaled = q * math.sqrt(1.0 / float(q.shape[-1]))
    scores = _rg.matmul(q_scaled, k.transpose(-2, -1))
    if attn_mask is not None:
        scores = scores + attn_mask
    weights = _rg.softmax(scores, -1)
    if dropout_p > 0.0:
        weights = F.dropout(weights, dropout_p)
    return _rg.matmul(weights, v), weights


def multi_head_attention_forward(
    query: Tensor,
    key: Tensor,
    value: Tensor,
    embed_dim_to_check: int,
    num_heads: int,
    in_proj_weight: Tensor | None,
    in_proj_bias: Tensor | None,
    bias_k: Tensor | None,
    bias_v: Tensor | None,
    add_zero_attn: bool,
    dropout_p: float,
    out_proj_weight: Tensor,
    out_proj_bias: Tensor | None,
    training: bool = True,
    key_padding_mask: Tensor | None = None,
    need_weights: bool = True,
    attn_mask: Tensor | None = None,
    use_separate_proj_weight: bool = False,
    q_proj_weight: Tensor | None = None,
    k_proj_weight: Tensor | None = None,
    v_proj_weight: Tensor | None = None,
    static_k: Tensor | None = None,
    static_v: Tensor | None = None,
    average_attn_weights: bool = True,
    is_causal: bool = False,
) -> tuple[Tensor, Tensor | None]:
    """Multi-head attention on sequence-first ``(L, N, E)`` (or unbatched ``(L, E)``) input,
    as :class:`~retrograd.nn.MultiheadAttention` computes it.

    Boolean masks hide where True; float masks are added to the scores. ``attn_mask`` is
    ``(L, S)`` or ``(N * num_heads, L, S)``, ``key_padding_mask`` ``(N, S)``.

    Returns:
        ``(attn_output, attn_weights)``; the weights are None unless ``need_weights``, and
        averaged over heads if ``average_attn_weights``.
    """
    batched = _mha_shape_check(query, key, value, key_padding_mask, attn_mask, num_heads)
    if not batched:
        query, key, value = query.unsqueeze(1), key.unsqueeze(1), value.unsqueeze(1)
        if key_padding_mask is not None:
            key_padding_mask = key_padding_mask.unsqueeze(0)
    tgt_len, bsz, embed_dim = query.shape
    key_padding_mask = _canonical_mask(
        key_padding_mask, "key_padding_mask", _none_or_dtype(attn_mask), "attn_mask", query.dtype
    )
    if is_causal and attn_mask is None:
        raise RuntimeError(
            "Need attn_mask if specifying the is_causal hint. You may use the Transformer "
            "module method `generate_square_subsequent_mask` to create this mask."
        )
    if is_causal and key_padding_mask is None and not need_weights:
        # SDPA builds the causal mask itself
        attn_mask = None
    else:
        attn_mask = _canonical_mask(attn_mask, "attn_mask", None, "", query.dtype, False)
        if key_padding_mask is not None:
            is_causal = False
    if embed_dim != embed_dim_to_check:
        raise AssertionError(
            f"was expecting embedding dimension of {embed_dim_to_check}, but got {embed_dim}"
        )
    head_dim = embed_dim // num_heads
    if head_dim * num_heads != embed_dim:
        raise AssertionError(f"embed_dim {embed_dim} not divisible by num_heads {num_heads}")
    if use_separate_proj_weight:
        if key.shape[:2] != value.shape[:2]:
            raise AssertionError(
                f"key's sequence and batch dims {key.shape[:2]} do not match value's "
                f"{value.shape[:2]}"
            )
        weights = (q_proj_weight, k_proj_weight, v_proj_weight)
        for name, w in zip("qkv", weights, strict=True):
            if w is None:
                raise AssertionError(
                    f"use_separate_proj_weight is True but {name}_proj_weight is None"
                )
    else:
        if key.shape != value.shape:
            raise AssertionError(f"key shape {key.shape} does not match value shape {value.shape}")
        if in_proj_weight is None:
            raise AssertionError("use_separate_proj_weight is False but in_proj_weight is None")
        weights = (in_proj_weight,)
    q, k, v = _in_projection(query, key, value, weights, in_proj_bias)  # type: ignore[arg-type]
    if attn_mask is not None:
        attn_mask = _check_attn_mask(attn_mask, tgt_len, key.shape[0], bsz * num_heads)
    if (bias_k is None) != (bias_v is None):
        raise AssertionError(f"bias_{'k' if bias_k is not None else 'v'} is set but "
                             f"bias_{'v' if bias_k is not None else 'k'} is None")  # fmt: skip
    if bias_k is not None and bias_v is not None:
        if static_k is not None or static_v is not None:
            which = "key" if static_k is not None else "value"
            raise AssertionError(f"bias cannot be added to static {which}.")
        k = _rg.cat([k, bias_k.repeat(1, bsz, 1)])
        v = _rg.cat([v, bias_v.repeat(1, bsz, 1)])
        attn_mask, key_padding_mask = _pad_last(attn_mask), _pad_last(key_padding_mask)
    q = q.reshape(tgt_len, bsz * num_heads, head_dim).transpose(0, 1)
    k = _split_heads(k, static_k, bsz, num_heads, head_dim, "k")
    v = _split_heads(v, static_v, bsz, num_heads, head_dim, "v")
    if add_zero_attn:
        zeros = _rg.zeros((bsz * num_heads, 1, head_dim), dtype=k.dtype)
        k, v = _rg.cat([k, zeros], 1), _rg.cat([v, zeros], 1)
        attn_mask, key_padding_mask = _pad_last(attn_mask), _pad_last(key_padding_mask)
    src_len = k.shape[1]
    attn_mask = _merge_key_padding(attn_mask, key_padding_mask, bsz, num_heads, src_len)
    out, w = _attend(q, k, v, attn_mask, dropout_p if training else 0.0, need_weights,
                     is_causal)  # fmt: skip
    out = out.transpose(0, 1).reshape(tgt_len * bsz, embed_dim)
    out = F.linear(out, out_proj_weight, out_proj_bias).reshape(tgt_len, bsz, -1)
    if w is not None:
        w = w.reshape(bsz, num_heads, tgt_len, src_len)
        if average_attn_weights:
            w = w.mean(1)
        if not batched:
            w = w.squeeze(0)
    return (out if batched else out.squeeze(1)), w
