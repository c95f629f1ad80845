"""Recurrent layers: RNN, LSTM, GRU and their single-step cells, as ``torch.nn``.

Parameter names, shapes, gate order (LSTM ``i, f, g, o``; GRU ``r, z, n``) and the default
initialisation U(-1/sqrt(hidden_size), 1/sqrt(hidden_size)) are PyTorch's, so state_dicts
move between the two unchanged. The recurrence itself lives in ``nn._rnn``.
"""

from __future__ import annotations

import math
import numbers
import warnings
from typing import Any

import numpy as np

import retrograd as _rg

from ..._tensor import Tensor
from .. import _rnn, init
from ..parameter import Parameter
from ..utils.rnn import PackedSequence
from .linear import _factory
from .module import Module

__all__ = ["GRU", "GRUCell", "LSTM", "LSTMCell", "RNN", "RNNBase", "RNNCell", "RNNCellBase"]


def _check_sizes(mode: str, input_size: Any, hidden_size: Any, num_layers: int, bias: Any,
                 batch_first: Any, dropout: Any, proj_size: int) -> None:  # fmt: skip
    if (
        not isinstance(dropout, numbers.Number)
        or isinstance(dropout, bool)
        or not (
            0 <= dropout <= 1  # type: ignore[operator]
        )
    ):
        raise ValueError(
            "dropout should be a number in range [0, 1] representing the probability of an "
            "element being zeroed"
        )
    if dropout > 0 and num_layers == 1:  # type: ignore[operator]
        warnings.warn(
            "dropout option adds dropout after all but last recurrent layer, so non-zero "
            f"dropout expects num_layers greater than 1, but got dropout={dropout} and "
            f"num_layers={num_layers}",
            stacklevel=4,
        )
    for name, value, kind in (("bias", bias, bool), ("batch_first", batch_first, bool),
                              ("input_size", input_size, int),
                              ("hidden_size", hidden_size, int)):  # fmt: skip
        if not isinstance(value, kind):
            raise TypeError(f"{name} should be of type {kind.__name__}, got: "
                            f"{type(value).__name__}")  # fmt: skip
    if input_size <= 0:
        raise ValueError("input_size must be greater than zero")
    if hidden_size <= 0:
        raise ValueError("hidden_size must be greater than zero")
    if num_layers <= 0:
        raise ValueError("num_layers must be greater than zero")
    if proj_size < 0:
        raise ValueError("proj_size should be a positive integer or zero to disable projections")
    if proj_size >= hidden_size:
        raise ValueError("proj_size has to be smaller than hidden_size")
    if mode not in _rnn.GATES:
        raise ValueError("Unrecognized RNN mode: " + mode)


class RNNBase(Module):
    """The shared machinery of :class:`RNN`, :class:`LSTM` and :class:`GRU`: parameters
    ``weight_ih_l{k}``, ``weight_hh_l{k}``, ``bias_ih_l{k}``, ``bias_hh_l{k}`` (and
    ``weight_hr_l{k}`` for a projected LSTM), with ``_reverse`` for the backward direction."""

    def __init__(self, mode: str, input_size: int, hidden_size: int, num_layers: int = 1,
                 bias: bool = True, batch_first: bool = False, dropout: float = 0.0,
                 bidirectional: bool = False, proj_size: int = 0, device: Any = None,
                 dtype: Any = None) -> None:  # fmt: skip
        super().__init__()
        _check_sizes(mode, input_size, hidden_size, num_layers, bias, batch_first, dropout,
                     proj_size)  # fmt: skip
        self.mode = mode
        self.input_size = input_size
        self.hidden_size = hidden_size
        self.num_layers = num_layers
        self.bias = bias
        self.batch_first = batch_first
        self.dropout = float(dropout)
        self.bidirectional = bidirectional
        self.proj_size = proj_size
        gate_size = _rnn.GATES[mode] * hidden_size
        dirs = 2 if bidirectional else 1
        real_hidden = proj_size if proj_size > 0 else hidden_size
        fk = _factory(device, dtype)
        self._flat_weights_names: list[str] = []
        self._all_weights: list[list[str]] = []
        for layer in range(num_layers):
            layer_input = input_size if layer == 0 else real_hidden * dirs
            for direction in range(dirs):
                shapes = {"weight_ih_l{}{}": (gate_size, layer_input),
                          "weight_hh_l{}{}": (gate_size, real_hidden)}  # fmt: skip
                if bias:
                    shapes.update({"bias_ih_l{}{}": (gate_size,), "bias_hh_l{}{}": (gate_size,)})
                if proj_size > 0:
                    shapes["weight_hr_l{}{}"] = (proj_size, hidden_size)
                suffix = "_reverse" if direction == 1 else ""
                names = [n.format(layer, suffix) for n in shapes]
                for name, shape in zip(names, shapes.values(), strict=True):
                    setattr(self, name, Parameter(_rg.empty(shape, **fk)))
                self._flat_weights_names.extend(names)
                self._all_weights.append(names)
        self.reset_parameters()

    @property
    def _flat_weights(self) -> list[Parameter]:
        return [getattr(self, n) for n in self._flat_weights_names]

    @property
    def all_weights(self) -> list[list[Parameter]]:
        """The parameters grouped per layer and direction."""
        return [[getattr(self, n) for n in names] for names in self._all_weights]

    def flatten_parameters(self) -> None:
        """A no-op: parameters are never flattened into one buffer on the CPU (as PyTorch)."""

    def reset_parameters(self) -> None:
        stdv = 1.0 / math.sqrt(self.hidden_size) if self.hidden_size > 0 else 0
        for weight in self.parameters():
            init.uniform_(weight, -stdv, stdv)

    def _weights(self) -> list[tuple[Tensor | None, ...]]:
        """Per layer and direction, ``(w_ih, w_hh, b_ih, b_hh, w_hr)``."""
        out = []
        for names in self._all_weights:
            p = [getattr(self, n) for n in names]
            b_ih, b_hh = (p[2], p[3]) if self.bias else (None, None)
            out.append((p[0], p[1], b_ih, b_hh, p[-1] if self.proj_size > 0 else None))
        return out

    def _state_shapes(self, batch: int) -> tuple[tuple[int, ...], tuple[int, ...]]:
        dirs = 2 if self.bidirectional else 1
        real_hidden = self.proj_size if self.proj_size > 0 else self.hidden_size
        lead = self.num_layers * dirs
        return (lead, batch, real_hidden), (lead, batch, self.hidden_size)

    def _prepare(self, input: Any) -> tuple[Tensor, list[int], Tensor | None, bool]:
        """The packed data and batch sizes of ``input``, its sort order, and whether it was
        batched (an unbatched sequence is a batch of one)."""
        if isinstance(input, PackedSequence):
            sizes = [int(n) for n in np.asarray(input.batch_sizes.numpy())]
            self._check_input(input.data, 2)
            return input.data, sizes, input.sorted_indices, True
        name = "RNN" if self.mode.startswith("RNN") else self.mode
        if input.dim() not in (2, 3):
            raise ValueError(
                f"{name}: Expected input to be 2D or 3D, got {input.dim()}D tensor instead"
            )
        batched = input.dim() == 3
        if not batched:
            input = input.unsqueeze(1)
        elif self.batch_first:
            input = input.transpose(0, 1)
        self._check_input(input, 3)
        steps, batch = input.shape[0], input.shape[1]
        if steps == 0:
            raise RuntimeError(f"{name}: Expected sequence length to be larger than 0 in RNN")
        return input.reshape(steps * batch, input.shape[2]), [batch] * steps, None, batched

    def _check_input(self, input: Tensor, dims: int) -> None:
        dtype = self._flat_weights[0].dtype
        if input.dtype != dtype:
            raise ValueError(
                f"RNN input dtype ({input.dtype}) does not match weight dtype ({dtype}). "
                f"Convert input: input.to({dtype}), or convert model: model.to({input.dtype})"
            )
        if input.dim() != dims:
            raise RuntimeError(f"input must have {dims} dimensions, got {input.dim()}")
        if input.shape[-1] != self.input_size:
            raise RuntimeError(
                f"{self._get_name()}: input.size(-1) must be equal to input_size. Expected "
                f"{self.input_size}, got {input.shape[-1]}"
            )

    def _initial(self, hx: Tensor | None, shape: tuple[int, ...], batched: bool,
                 sorted_indices: Tensor | None, which: str, dtype: Any) -> Tensor:  # fmt: skip
        if hx is None:
            return _rg.zeros(shape, dtype=dtype)
        if hx.dim() != (3 if batched else 2):
            kind = "batched 3-D" if batched else "unbatched 2-D"
            raise RuntimeError(
                f"{self._get_name()}: For {kind} input, {which} should also be "
                f"{3 if batched else 2}-D but got {hx.dim()}-D tensor"
            )
        if not batched:
            hx = hx.unsqueeze(1)
        if tuple(hx.shape) != shape:
            label = "hidden" if which == "hx" else f"hidden[{0 if which == 'h0' else 1}]"
            raise RuntimeError(
                f"{self._get_name()}: Expected {label} size {shape}, got {list(hx.shape)}"
            )
        # the state is given in the user's batch order; the packed data runs sorted
        return hx if sorted_indices is None else hx.index_select(1, sorted_indices)

    def _run(self, input: Any, hx: Tensor | None, cx: Tensor | None,
             labels: tuple[str, str]) -> tuple[Any, Tensor, Tensor | None]:  # fmt: skip
        data, sizes, sorted_indices, batched = self._prepare(input)
        h_shape, c_shape = self._state_shapes(sizes[0])
        h0 = self._initial(hx, h_shape, batched, sorted_indices, labels[0], data.dtype)
        c0 = None
        if self.mode == "LSTM":
            c0 = self._initial(cx, c_shape, batched, sorted_indices, labels[1], data.dtype)
        out, h_n, c_n = _rnn.rnn_packed(self.mode, data, sizes, h0, c0, self._weights(),
                                        self.num_layers, self.bidirectional, self.dropout,
                                        self.training)  # fmt: skip
        if isinstance(input, PackedSequence):
            unsorted = input.unsorted_indices
            if unsorted is not None:
                h_n = h_n.index_select(1, unsorted)
                c_n = None if c_n is None else c_n.index_select(1, unsorted)
            return (PackedSequence(out, input.batch_sizes, input.sorted_indices, unsorted),
                    h_n, c_n)  # fmt: skip
        out = out.reshape(len(sizes), sizes[0], out.shape[-1])
        if not batched:
            return out.squeeze(1), h_n.squeeze(1), (None if c_n is None else c_n.squeeze(1))
        return (out.transpose(0, 1) if self.batch_first else out), h_n, c_n

    def extra_repr(self) -> str:
        s = f"{self.input_size}, {self.hidden_size}"
        if self.proj_size != 0:
            s += f", proj_size={self.proj_size}"
        if self.num_layers != 1:
            s += f", num_layers={self.num_layers}"
        if self.bias is not True:
            s += f", bias={self.bias}"
        if self.batch_first is not False:
            s += f", batch_first={self.batch_first}"
        if self.dropout != 0:
            s += f", dropout={self.dropout}"
        if self.bidirectional is not False:
            s += f", bidirectional={self.bidirectional}"
        return s


class RNN(RNNBase):
    """A multi-layer Elman RNN: ``h_t = tanh(x_t W_ih^T + b_ih + h_{t-1} W_hh^T + b_hh)``
    (or ReLU).

    Args:
        input_size: features of each input step.
        hidden_size: features of the hidden state.
        num_layers: stacked layers (default 1).
        nonlinearity: ``'tanh'`` or ``'relu'``.
        bias: whether to use ``b_ih`` and ``b_hh``.
        batch_first: input and output as ``(batch, seq, feature)``.
        dropout: dropout on each layer's output but the last (training only).
        bidirectional: also run each layer backwards in time.

    Returns:
        ``(output, h_n)``: output ``(L, N, D * H)`` (or a PackedSequence for packed input),
        ``h_n`` ``(D * num_layers, N, H)``.

    Example::

        >>> rnn = nn.RNN(10, 20, 2)
        >>> output, hn = rnn(retrograd.randn(5, 3, 10), retrograd.randn(2, 3, 20))
    """

    def __init__(self, input_size: int, hidden_size: int, num_layers: int = 1,
                 nonlinearity: str = "tanh", bias: bool = True, batch_first: bool = False,
                 dropout: float = 0.0, bidirectional: bool = False, device: Any = None,
                 dtype: Any = None) -> None:  # fmt: skip
        if nonlinearity not in ("tanh", "relu"):
            raise ValueError(
                f"Unknown nonlinearity '{nonlinearity}'. Select from 'tanh' or 'relu'."
            )
        self.nonlinearity = nonlinearity
        super().__init__("RNN_TANH" if nonlinearity == "tanh" else "RNN_RELU", input_size,
                         hidden_size, num_layers, bias, batch_first, dropout, bidirectional,
                         device=device, dtype=dtype)  # fmt: skip

    def forward(self, input: Any, hx: Tensor | None = None) -> tuple[Any, Tensor]:
        out, h_n, _ = self._run(input, hx, None, ("hx", ""))
        return out, h_n


class LSTM(RNNBase):
    """A multi-layer long short-term memory RNN (gates ``i, f, g, o``), optionally with a
    projection of the hidden state to ``proj_size`` features.

    Args:
        input_size, hidden_size, num_layers, bias, batch_first, dropout, bidirectional:
            as :class:`RNN`.
        proj_size: if > 0, ``h_t = W_hr (o_t * tanh(c_t))`` has ``proj_size`` features.

    Returns:
        ``(output, (h_n, c_n))``.

    Example::

        >>> lstm = nn.LSTM(10, 20, 2)
        >>> output, (hn, cn) = lstm(retrograd.randn(5, 3, 10))
    """

    def __init__(self, input_size: int, hidden_size: int, num_layers: int = 1,
                 bias: bool = True, batch_first: bool = False, dropout: float = 0.0,
                 bidirectional: bool = False, proj_size: int = 0, device: Any = None,
                 dtype: Any = None) -> None:  # fmt: skip
        super().__init__("LSTM", input_size, hidden_size, num_layers, bias, batch_first,
                         dropout, bidirectional, proj_size, device, dtype)  # fmt: skip

    def forward(
        self, input: Any, hx: tuple[Tensor, Tensor] | None = None
    ) -> tuple[Any, tuple[Tensor, Tensor]]:
        h0, c0 = (None, None) if hx is None else hx
        if hx is not None and not isinstance(input, PackedSequence) and input.dim() in (2, 3):
            dims = input.dim()
            if h0.dim() != dims or c0.dim() != dims:  # type: ignore[union-attr]
                kind = "batched 3-D" if dims == 3 else "unbatched 2-D"
                raise RuntimeError(
                    f"LSTM: For {kind} input, hx and cx should also be {dims}-D but got "
                    f"({h0.dim()}-D, {c0.dim()}-D) tensors"  # type: ignore[union-attr]
                )
        out, h_n, c_n = self._run(input, h0, c0, ("h0", "c0"))
        assert c_n is not None
        return out, (h_n, c_n)


class GRU(RNNBase):
    """A multi-layer gated recurrent unit RNN (gates ``r, z, n``;
    ``n = tanh(W_in x + b_in + r * (W_hn h + b_hn))``, ``h' = (1 - z) * n + z * h``).

    Args:
        as :class:`RNN` (without ``nonlinearity``).

    Returns:
        ``(output, h_n)``.

    Example::

        >>> gru = nn.GRU(10, 20, 2)
        >>> output, hn = gru(retrograd.randn(5, 3, 10))
    """

    def __init__(self, input_size: int, hidden_size: int, num_layers: int = 1,
                 bias: bool = True, batch_first: bool = False, dropout: float = 0.0,
                 bidirectional: bool = False, device: Any = None,
                 dtype: Any = None) -> None:  # fmt: skip
        super().__init__("GRU", input_size, hidden_size, num_layers, bias, batch_first,
                         dropout, bidirectional, device=device, dtype=dtype)  # fmt: skip

    def forward(self, input: Any, hx: Tensor | None = None) -> tuple[Any, Tensor]:
        out, h_n, _ = self._run(input, hx, None, ("hx", ""))
        return out, h_n


class RNNCellBase(Module):
    """Parameters ``weight_ih``, ``weight_hh``, ``bias_ih``, ``bias_hh`` of a cell with
    ``num_chunks`` gates."""

    def __init__(self, input_size: int, hidden_size: int, bias: bool, num_chunks: int,
                 device: Any = None, dtype: Any = None) -> None:  # fmt: skip
        super().__init__()
        self.input_size = input_size
        self.hidden_size = hidden_size
        self.bias = bias
        fk = _factory(device, dtype)
        self.weight_ih = Parameter(_rg.empty((num_chunks * hidden_size, input_size), **fk))
        self.weight_hh = Parameter(_rg.empty((num_chunks * hidden_size, hidden_size), **fk))
        if bias:
            self.bias_ih = Parameter(_rg.empty(num_chunks * hidden_size, **fk))
            self.bias_hh = Parameter(_rg.empty(num_chunks * hidden_size, **fk))
        else:
            self.register_parameter("bias_ih", None)
            self.register_parameter("bias_hh", None)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        stdv = 1.0 / math.sqrt(self.hidden_size) if self.hidden_size > 0 else 0
        for weight in self.parameters():
            init.uniform_(weight, -stdv, stdv)

    def extra_repr(self) -> str:
        s = f"{self.input_size}, {self.hidden_size}"
        if self.bias is not True:
            s += f", bias={self.bias}"
        nonlinearity = getattr(self, "nonlinearity", "tanh")
        if nonlinearity != "tanh":
            s += f", nonlinearity={nonlinearity}"
        return s

    def _step(self, mode: str, input: Tensor, hx: Tensor | None,
              cx: Tensor | None) -> tuple[Tensor, Tensor | None]:  # fmt: skip
        name = self._get_name()
        if input.dim() not in (1, 2):
            raise ValueError(f"{name}: Expected input to be 1D or 2D, got {input.dim()}D instead")
        for i, state in enumerate((hx, cx)):
            if state is not None and state.dim() not in (1, 2):
                what = "hidden" if mode != "LSTM" else f"hx[{i}]"
                raise ValueError(
                    f"{name}: Expected {what} to be 1D or 2D, got {state.dim()}D instead"
                )
        batched = input.dim() == 2
        if not batched:
            input = input.unsqueeze(0)
            hx = None if hx is None else hx.unsqueeze(0)
            cx = None if cx is None else cx.unsqueeze(0)
        zeros = _rg.zeros((input.shape[0], self.hidden_size), dtype=input.dtype)
        hx = zeros if hx is None else hx
        if mode == "LSTM":
            cx = zeros if cx is None else cx
        h, c = _rnn.cell(mode, name, input, hx, cx, self.weight_ih, self.weight_hh,
                         self.bias_ih, self.bias_hh)  # fmt: skip
        if not batched:
            h, c = h.squeeze(0), (None if c is None else c.squeeze(0))
        return h, c


class RNNCell(RNNCellBase):
    """One step of an Elman RNN: ``h' = tanh(x W_ih^T + b_ih + h W_hh^T + b_hh)`` (or ReLU).

    Args:
        input_size, hidden_size: feature sizes; bias: whether to use biases;
        nonlinearity: ``'tanh'`` or ``'relu'``.

    Example::

        >>> cell = nn.RNNCell(10, 20)
        >>> h = cell(retrograd.randn(3, 10))
    """

    def __init__(self, input_size: int, hidden_size: int, bias: bool = True,
                 nonlinearity: str = "tanh", device: Any = None,
                 dtype: Any = None) -> None:  # fmt: skip
        super().__init__(input_size, hidden_size, bias, 1, device, dtype)
        self.nonlinearity = nonlinearity

    def forward(self, input: Tensor, hx: Tensor | None = None) -> Tensor:
        if self.nonlinearity not in ("tanh", "relu"):
            raise RuntimeError(f"Unknown nonlinearity: {self.nonlinearity}")
        return self._step("RNN_" + self.nonlinearity.upper(), input, hx, None)[0]


class LSTMCell(RNNCellBase):
    """One LSTM step; returns ``(h', c')``.

    Example::

        >>> cell = nn.LSTMCell(10, 20)
        >>> h, c = cell(retrograd.randn(3, 10))
    """

    def __init__(self, input_size: int, hidden_size: int, bias: bool = True,
                 device: Any = None, dtype: Any = None) -> None:  # fmt: skip
        super().__init__(input_size, hidden_size, bias, 4, device, dtype)

    def forward(self, input: Tensor,
                hx: tuple[Tensor, Tensor] | None = None) -> tuple[Tensor, Tensor]:  # fmt: skip
        h0, c0 = (None, None) if hx is None else hx
        h, c = self._step("LSTM", input, h0, c0)
        assert c is not None
        return h, c


class GRUCell(RNNCellBase):
    """One GRU step.

    Example::

        >>> cell = nn.GRUCell(10, 20)
        >>> h = cell(retrograd.randn(3, 10))
    """

    def __init__(self, input_size: int, hidden_size: int, bias: bool = True,
                 device: Any = None, dtype: Any = None) -> None:  # fmt: skip
        super().__init__(input_size, hidden_size, bias, 3, device, dtype)

    def forward(self, input: Tensor, hx: Tensor | None = None) -> Tensor:
        return self._step("GRU", input, hx, None)[0]
