"""Summary protocol buffers for scalars, histograms, text, images and hyperparameters, built
as ``torch.utils.tensorboard.summary`` builds them (so TensorBoard reads both alike)."""

from __future__ import annotations

import io
from typing import Any

import numpy as np
from tensorboard.compat.proto.summary_pb2 import HistogramProto, Summary, SummaryMetadata
from tensorboard.compat.proto.tensor_pb2 import TensorProto
from tensorboard.compat.proto.tensor_shape_pb2 import TensorShapeProto
from tensorboard.plugins.text.plugin_data_pb2 import TextPluginData

from ..._tensor import Tensor

__all__ = ["histogram", "hparams", "image", "make_np", "scalar", "text"]


def make_np(x: Any) -> np.ndarray:
    """A NumPy array of a tensor, array or number (bfloat16 as float16, as PyTorch)."""
    if isinstance(x, np.ndarray):
        return x
    if np.isscalar(x):
        return np.array([x])
    if isinstance(x, Tensor):
        arr = x.detach().numpy()
        return arr.astype(np.float16) if arr.dtype.kind == "V" else arr
    raise NotImplementedError(f"Got {type(x)}, but numpy array or torch tensor are expected.")


def scalar(name: str, value: Any, new_style: bool = False,
           double_precision: bool = False) -> Summary:  # fmt: skip
    arr = make_np(value).squeeze()
    if arr.ndim != 0:
        raise AssertionError(
            f"Tensor should contain one element (0 dimensions). Was given size: {arr.size} "
            f"and {arr.ndim} dimensions."
        )
    v = float(arr)
    if not new_style:
        return Summary(value=[Summary.Value(tag=name, simple_value=v)])
    proto = (TensorProto(double_val=[v], dtype="DT_DOUBLE") if double_precision
             else TensorProto(float_val=[v], dtype="DT_FLOAT"))  # fmt: skip
    meta = SummaryMetadata(plugin_data=SummaryMetadata.PluginData(plugin_name="scalars"))
    return Summary(value=[Summary.Value(tag=name, tensor=proto, metadata=meta)])


def histogram(name: str, values: Any, bins: Any, max_bins: int | None = None) -> Summary:
    hist = make_histogram(make_np(values).astype(float), bins, max_bins)
    return Summary(value=[Summary.Value(tag=name, histo=hist)])


def _subsample(counts: np.ndarray, limits: np.ndarray, max_bins: int) -> tuple[Any, Any]:
    """Merge neighbouring bins so at most ``max_bins`` remain."""
    step = len(counts) // max_bins
    if len(counts) % step:
        counts = np.pad(counts, [[0, step - len(counts) % step]])
    counts = counts.reshape(-1, step).sum(axis=-1)
    new_limits = np.empty((counts.size + 1,), limits.dtype)
    new_limits[:-1] = limits[:-1:step]
    new_limits[-1] = limits[-1]
    return counts, new_limits


def make_histogram(values: np.ndarray, bins: Any, max_bins: int | None = None) -> HistogramProto:
    """TensorBoard's histogram of ``values``: empty bins at both ends are dropped but one."""
    if values.size == 0:
        raise ValueError("The input has no element.")
    values = values.reshape(-1)
    counts, limits = np.histogram(values, bins=bins)
    if max_bins is not None and len(counts) > max_bins:
        counts, limits = _subsample(counts, limits, max_bins)
    cum = np.cumsum(np.greater(counts, 0))
    start, end = np.searchsorted(cum, [0, cum[-1] - 1], side="right")
    start, end = int(start), int(end) + 1
    counts = counts[start - 1 : end] if start > 0 else np.concatenate([[0], counts[:end]])
    limits = limits[start : end + 1]
    if counts.size == 0 or limits.size == 0:
        raise ValueError("The histogram is empty, please file a bug report.")
    return HistogramProto(
        min=values.min(), max=values.max(), num=len(values), sum=values.sum(),
        sum_squares=values.dot(values), bucket_limit=limits.tolist(), bucket=counts.tolist(),
    )  # fmt: skip


def text(tag: str, text: str) -> Summary:
    plugin = SummaryMetadata.PluginData(
        plugin_name="text", content=TextPluginData(version=0).SerializeToString()
    )
    tensor = TensorProto(
        dtype="DT_STRING",
        string_val=[text.encode(encoding="utf_8")],
        tensor_shape=TensorShapeProto(dim=[TensorShapeProto.Dim(size=1)]),
    )
    meta = SummaryMetadata(plugin_data=plugin)
    return Summary(value=[Summary.Value(tag=tag + "/text_summary", metadata=meta, tensor=tensor)])


def _to_hwc(arr: np.ndarray, fmt: str) -> np.ndarray:
    """An image array in layout ``fmt`` (CHW, HWC, HW; NCHW tiles a grid) as HWC RGB."""
    if len(set(fmt)) != len(fmt):
        raise AssertionError(
            f"You can not use the same dimension shorthand twice. input_format: {fmt}"
        )
    if arr.ndim != len(fmt):
        raise AssertionError(
            f"size of input tensor and input format are different. tensor shape: "
            f"{arr.shape}, input_format: {fmt}"
        )
    fmt = fmt.upper()
    if len(fmt) == 4:
        return _grid(arr.transpose([fmt.find(c) for c in "NCHW"])).transpose(1, 2, 0)
    if len(fmt) == 3:
        hwc = arr.transpose([fmt.find(c) for c in "HWC"])
        return np.concatenate([hwc] * 3, 2) if hwc.shape[2] == 1 else hwc
    return np.stack([arr.transpose([fmt.find(c) for c in "HW"])] * 3, 2)


def _grid(imgs: np.ndarray, ncols: int = 8) -> np.ndarray:
    """N images (N, 1 or 3, H, W) tiled row by row into one (3, rows*H, cols*W) canvas."""
    if imgs.shape[1] == 1:
        imgs = np.concatenate([imgs] * 3, 1)
    n, _, h, w = imgs.shape
    ncols = min(n, ncols)
    nrows = -(-n // ncols)
    padded = np.zeros((nrows * ncols, 3, h, w), imgs.dtype)
    padded[:n] = imgs
    tiles = padded.reshape(nrows, ncols, 3, h, w)
    return tiles.transpose(2, 0, 3, 1, 4).reshape(3, nrows * h, ncols * w)


def image(tag: str, tensor: Any, dataformats: str = "CHW") -> Summary:
    """A PNG image summary (needs Pillow); floats in [0, 1] are scaled to 0..255."""
    from PIL import Image

    arr = _to_hwc(make_np(tensor), dataformats)
    scale = 1 if arr.dtype == np.uint8 else 255
    hwc = (arr.astype(np.float32) * scale).clip(0, 255).astype(np.uint8)
    height, width, channel = hwc.shape
    out = io.BytesIO()
    Image.fromarray(hwc).save(out, format="PNG")
    img = Summary.Image(height=height, width=width, colorspace=channel,
                        encoded_image_string=out.getvalue())  # fmt: skip
    return Summary(value=[Summary.Value(tag=tag, image=img)])


def _hparam_info(name: str, v: Any, discrete: list[Any] | None) -> tuple[str, Any, Any]:
    """(the SessionStartInfo field, HParamInfo, value) of one hyperparameter."""
    from google.protobuf import struct_pb2
    from tensorboard.plugins.hparams.api_pb2 import DataType, HParamInfo

    if isinstance(v, Tensor):
        v = make_np(v)[0]
    # a bool is an int, so it lands among the numbers first, as in PyTorch
    kind = ("number_value", "DATA_TYPE_FLOAT64") if isinstance(v, (int, float, np.number)) \
        else ("string_value", "DATA_TYPE_STRING") if isinstance(v, str) \
        else ("bool_value", "DATA_TYPE_BOOL") if isinstance(v, bool) else None  # fmt: skip
    if kind is None:
        raise ValueError("value should be one of int, float, str, bool, or torch.Tensor")
    domain = None
    if discrete is not None:
        domain = struct_pb2.ListValue(values=[struct_pb2.Value(**{kind[0]: d}) for d in discrete])
    info = HParamInfo(name=name, type=DataType.Value(kind[1]), domain_discrete=domain)
    return kind[0], info, v


def _plugin_summary(tag: str, **content: Any) -> Summary:
    from tensorboard.plugins.hparams.metadata import PLUGIN_DATA_VERSION, PLUGIN_NAME
    from tensorboard.plugins.hparams.plugin_data_pb2 import HParamsPluginData

    data = HParamsPluginData(version=PLUGIN_DATA_VERSION, **content)
    meta = SummaryMetadata(plugin_data=SummaryMetadata.PluginData(
        plugin_name=PLUGIN_NAME, content=data.SerializeToString()))  # fmt: skip
    return Summary(value=[Summary.Value(tag=tag, metadata=meta)])


def hparams(
    hparam_dict: dict[str, Any],
    metric_dict: dict[str, Any],
    hparam_domain_discrete: dict[str, list[Any]] | None = None,
) -> tuple[Any, ...]:
    """The experiment, session-start and session-end summaries of the hparams plugin."""
    from tensorboard.plugins.hparams import metadata
    from tensorboard.plugins.hparams.api_pb2 import Experiment, MetricInfo, MetricName, Status
    from tensorboard.plugins.hparams.plugin_data_pb2 import SessionEndInfo, SessionStartInfo

    for what, d in (("hparam_dict", hparam_dict), ("metric_dict", metric_dict)):
        if not isinstance(d, dict):
            raise TypeError(f"parameter: {what} should be a dictionary, nothing logged.")
    discrete = hparam_domain_discrete or {}
    for k, v in discrete.items():
        if (
            k not in hparam_dict
            or not isinstance(v, list)
            or not all(isinstance(d, type(hparam_dict[k])) for d in v)
        ):
            raise TypeError(
                f"parameter: hparam_domain_discrete[{k}] should be a list of same type as "
                f"hparam_dict[{k}]."
            )
    ssi, infos = SessionStartInfo(), []
    for k, v in hparam_dict.items():
        if v is None:
            continue
        field, info, value = _hparam_info(k, v, discrete.get(k))
        setattr(ssi.hparams[k], field, value)
        infos.append(info)
    exp = Experiment(
        hparam_infos=infos, metric_infos=[MetricInfo(name=MetricName(tag=k)) for k in metric_dict]
    )
    sei = SessionEndInfo(status=Status.Value("STATUS_SUCCESS"))
    return (
        _plugin_summary(metadata.EXPERIMENT_TAG, experiment=exp),
        _plugin_summary(metadata.SESSION_START_INFO_TAG, session_start_info=ssi),
        _plugin_summary(metadata.SESSION_END_INFO_TAG, session_end_info=sei),
    )
