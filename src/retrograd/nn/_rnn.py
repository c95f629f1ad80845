"""The recurrences behind nn.RNN, LSTM and GRU and their cells, composed from Tensor ops.

All layers run on the packed layout (see ``nn.utils.rnn``): the input is ``(sum of lengths,
features)``, time-major, and time step ``t`` owns the next ``batch_sizes[t]`` rows. A plain
``(T, B, F)`` batch is the special case ``batch_sizes = [B] * T``, so one loop serves both.
The input projection of a whole layer is one matmul; only the hidden-to-hidden product is
done step by step. Sequences that have finished keep their last state, which is what makes
``h_n`` the state at each sequence's own last step, as in PyTorch.
"""

from __future__ import annotations

from collections.abc import Sequence

import retrograd as _rg

from .._prims.sequence import split_with_sizes
from .._tensor import Tensor
from . import functional as F

GATES = {"RNN_TANH": 1, "RNN_RELU": 1, "LSTM": 4, "GRU": 3}


def _hidden_step(mode: str, xp: Tensor, h: Tensor, c: Tensor | None, w_hh_t: Tensor,
                 b_hh: Tensor | None,
                 w_hr_t: Tensor | None) -> tuple[Tensor, Tensor | None]:  # fmt: skip
    """One time step given the input projection ``xp``; RNN and LSTM get ``b_hh`` folded
    into ``xp`` by the caller, GRU needs it here because ``r`` multiplies ``W_hn h + b_hn``."""
    if mode == "GRU":
        hp = _rg.matmul(h, w_hh_t)
        if b_hh is not None:
            hp = hp + b_hh
        x_r, x_z, x_n = _gates(xp, 3)
        h_r, h_z, h_n = _gates(hp, 3)
        r = _rg.sigmoid(x_r + h_r)
        z = _rg.sigmoid(x_z + h_z)
        n = _rg.tanh(x_n + r * h_n)
        return n + z * (h - n), None
    gates = xp + _rg.matmul(h, w_hh_t)
    if mode == "RNN_TANH":
        return _rg.tanh(gates), None
    if mode == "RNN_RELU":
        return _rg.relu(gates), None
    i, f, g, o = _gates(gates, 4)
    assert c is not None
    c = _rg.sigmoid(f) * c + _rg.sigmoid(i) * _rg.tanh(g)
    h = _rg.sigmoid(o) * _rg.tanh(c)
    if w_hr_t is not None:
        h = _rg.matmul(h, w_hr_t)
    return h, c


def _gates(x: Tensor, n: int) -> tuple[Tensor, ...]:
    """The ``n`` gate blocks of ``x``'s last dim (one node, so one backward concatenation)."""
    size = x.shape[1] // n
    return split_with_sizes(x, (size,) * n, 1)


def _merge(new: Tensor, old: Tensor) -> Tensor:
    """The running rows' new state on top of the finished rows' kept state."""
    return new if new.shape[0] == old.shape[0] else _rg.cat([new, old[new.shape[0] :]])


def _direction(mode: str, data: Tensor, batch_sizes: Sequence[int], h0: Tensor,
               c0: Tensor | None, weights: Sequence[Tensor | None],
               reverse: bool) -> tuple[Tensor, Tensor, Tensor | None]:  # fmt: skip
    """Run one direction of one layer over packed ``data``; returns the packed output and
    the final ``h`` (and ``c``)."""
    w_ih, w_hh, b_ih, b_hh, w_hr = weights
    xp = F.linear(data, w_ih, b_ih)
    if b_hh is not None and mode != "GRU":
        xp = xp + b_hh
    w_hh_t, w_hr_t = w_hh.t(), (w_hr.t() if w_hr is not None else None)
    xs = split_with_sizes(xp, tuple(batch_sizes))
    steps = range(len(batch_sizes) - 1, -1, -1) if reverse else range(len(batch_sizes))
    h, c = h0, c0
    outs: list[Tensor] = [h0] * len(batch_sizes)
    for t in steps:
        n = batch_sizes[t]
        x_t = xs[t]
        h_in = h if n == h.shape[0] else h[:n]
        c_in = c if c is None or n == c.shape[0] else c[:n]
        h_new, c_new = _hidden_step(mode, x_t, h_in, c_in, w_hh_t, b_hh, w_hr_t)
        outs[t] = h_new
        h = _merge(h_new, h)
        c = c if c_new is None or c is None else _merge(c_new, c)
    return _rg.cat(outs) if len(outs) > 1 else outs[0], h, c


def rnn_packed(mode: str, data: Tensor, batch_sizes: Sequence[int], hx: Tensor,
               cx: Tensor | None, weights: Sequence[Sequence[Tensor | None]], num_layers: int,
               bidirectional: bool, dropout: float,
               training: bool) -> tuple[Tensor, Tensor, Tensor | None]:  # fmt: skip
    """A stacked (optionally bidirectional) recurrence over packed ``data``.

    Args:
        mode: ``'RNN_TANH'``, ``'RNN_RELU'``, ``'LSTM'`` or ``'GRU'``.
        data: ``(sum(batch_sizes), input_size)``.
        batch_sizes: the running batch size of each time step (non-increasing).
        hx, cx: ``(num_layers * num_directions, batch, *)`` initial states (``cx`` LSTM only).
        weights: per layer and direction, ``(w_ih, w_hh, b_ih, b_hh, w_hr)`` (None if absent).
        dropout: the probability of zeroing each layer's output but the last, in training.

    Returns:
        ``(output data, h_n, c_n)`` with ``c_n`` None unless LSTM.
    """
    dirs = 2 if bidirectional else 1
    h_n: list[Tensor] = []
    c_n: list[Tensor] = []
    for layer in range(num_layers):
        outs = []
        for d in range(dirs):
            k = layer * dirs + d
            out, h, c = _direction(mode, data, batch_sizes, hx[k], None if cx is None else cx[k],
                                   weights[k], reverse=d == 1)  # fmt: skip
            outs.append(out)
            h_n.append(h)
            if c is not None:
                c_n.append(c)
        data = _rg.cat(outs, 1) if dirs == 2 else outs[0]
        if dropout > 0 and training and layer < num_layers - 1:
            data = F.dropout(data, dropout, training=True)
    return data, _rg.stack(h_n), (_rg.stack(c_n) if c_n else None)


def _check_cell(name: str, input: Tensor, hx: Tensor, idx: int, hidden_size: int) -> None:
    if input.shape[0] != hx.shape[0]:
        raise RuntimeError(
            f"{name}: Input batch size {input.shape[0]} doesn't match hidden{idx} batch size "
            f"{hx.shape[0]}"
        )
    if hx.shape[1] != hidden_size:
        raise RuntimeError(
            f"{name}: hidden{idx} has inconsistent hidden_size: got {hx.shape[1]}, expected "
            f"{hidden_size}"
        )


def cell(mode: str, name: str, input: Tensor, hx: Tensor, cx: Tensor | None, w_ih: Tensor,
         w_hh: Tensor, b_ih: Tensor | None,
         b_hh: Tensor | None) -> tuple[Tensor, Tensor | None]:  # fmt: skip
    """One step of an RNN/LSTM/GRU cell on a 2-D batch, with PyTorch's shape checks."""
    if input.shape[1] != w_ih.shape[1]:
        raise RuntimeError(
            f"{name}: input has inconsistent input_size: got {input.shape[1]} expected "
            f"{w_ih.shape[1]}"
        )
    hidden = w_hh.shape[1]
    _check_cell(name, input, hx, 0, hidden)
    if cx is not None:
        _check_cell(name, input, cx, 1, hidden)
    xp = F.linear(input, w_ih, b_ih)
    if b_hh is not None and mode != "GRU":
        xp = xp + b_hh
    return _hidden_step(mode, xp, hx, cx, w_hh.t(), b_hh, None)
