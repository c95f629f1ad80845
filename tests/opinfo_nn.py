"""Op database entries for the neural-network functions PyTorch also exposes at top level
(``torch.conv2d``, ``torch.max_pool2d``, ``torch.pixel_shuffle``...), see opinfo.py. Only
those whose top-level signature is the ``nn.functional`` one are aliased; the layers and
the rest of ``nn.functional`` are compared with PyTorch in tests/nn/."""

from __future__ import annotations

from typing import Any

from opinfo import Maker, OpInfo, S, Sample, _alias, idx


def conv1d_samples(m: Maker) -> list[Sample]:
    return [
        S(m(2, 3, 7), m(4, 3, 3), m(4)),
        S(m(2, 4, 8), m(6, 2, 2), None, 2, 1, 2, 2, desc="stride, padding, dilation, groups"),
        S(m(3, 6), m(2, 3, 3), m(2), padding="same", desc="unbatched, 'same'"),
    ]


def conv2d_samples(m: Maker) -> list[Sample]:
    return [
        S(m(2, 2, 5, 5), m(3, 2, 3, 3), m(3), padding=1),
        S(
            m(1, 4, 6, 5), m(4, 2, 2, 3), None, (2, 1), (1, 0), (1, 2), 2, desc="pairs, groups"
        ),  # fmt: skip
    ]


def conv3d_samples(m: Maker) -> list[Sample]:
    return [S(m(1, 2, 4, 4, 3), m(2, 2, 2, 2, 2), m(2), stride=(1, 2, 1), padding=1)]


def conv_transpose1d_samples(m: Maker) -> list[Sample]:
    return [
        S(m(2, 3, 5), m(3, 2, 3), m(2)),
        S(m(1, 4, 4), m(4, 1, 3), None, 2, 1, 1, 2, 1, desc="output_padding, groups"),
    ]


def conv_transpose2d_samples(m: Maker) -> list[Sample]:
    return [S(m(1, 2, 3, 4), m(2, 3, 2, 2), m(3), stride=2, padding=(0, 1), dilation=(1, 2))]


def conv_transpose3d_samples(m: Maker) -> list[Sample]:
    return [S(m(1, 2, 3, 2, 3), m(2, 1, 2, 2, 2), None, stride=(2, 1, 1))]


def pool1d_samples(m: Maker) -> list[Sample]:
    return [S(m.no_ties(2, 3, 8), 2), S(m.no_ties(3, 9), 3, 2, 1, desc="unbatched, padding")]


def max_pool2d_samples(m: Maker) -> list[Sample]:
    return [
        S(m.no_ties(2, 2, 6, 6), 2),
        S(m.no_ties(1, 2, 7, 5), (3, 2), (2, 1), (1, 0), 1, True, desc="ceil_mode"),
    ]


def max_pool3d_samples(m: Maker) -> list[Sample]:
    return [S(m.no_ties(1, 2, 4, 4, 4), 2), S(m.no_ties(2, 3, 5, 4), (2, 3, 2), 1)]


def avg_pool1d_samples(m: Maker) -> list[Sample]:
    return [
        S(m(2, 3, 8), 2),
        S(m(2, 3, 9), 3, 2, 1, True, False, desc="ceil_mode, count_include_pad=False"),
    ]


def adaptive_samples(m: Maker) -> list[Sample]:
    return [S(m.no_ties(2, 3, 8), 3), S(m.no_ties(3, 7), 4, desc="unbatched, uneven bins")]


def pixel_shuffle_samples(m: Maker) -> list[Sample]:
    return [S(m(2, 8, 3, 2), 2), S(m(9, 2, 2), 3, desc="unbatched")]


def pixel_unshuffle_samples(m: Maker) -> list[Sample]:
    return [S(m(2, 2, 4, 6), 2), S(m(1, 3, 3), 3, desc="unbatched")]


def channel_shuffle_samples(m: Maker) -> list[Sample]:
    return [S(m(2, 6, 3, 2), 3), S(m(1, 4, 5), 2)]


def _targets(m: Maker, *values: float) -> Any:
    """A fixed +1/-1 (or other) target that takes no gradient."""
    return m.of(list(values), rg=False)


def norm_samples(m: Maker) -> dict[str, list[Sample]]:
    stats = (m(3, rg=False), m(3, low=0.5, high=2.0, rg=False))
    return {
        "layer_norm": [S(m(2, 3, 4), (4,), m(4), m(4)), S(m(2, 3, 4), (3, 4), None, None, 1e-3)],
        "rms_norm": [S(m(2, 3, 4), (4,), m(4)), S(m(2, 3), [2, 3], None, 1e-3)],
        "group_norm": [S(m(2, 4, 3), 2, m(4), m(4)), S(m(2, 6, 2, 2), 3)],
        "batch_norm": [
            S(m(4, 3), m(3), m(3), None, None, True, 0.1, 1e-5, False, desc="batch stats"),
            S(m(4, 3, 2), m(3), m(3), *stats, False, 0.1, 1e-5, False, desc="running stats"),
        ],
        "instance_norm": [S(m(2, 3, 4), m(3), m(3), None, None, True, 0.1, 1e-5, False)],
    }


def loss_samples(m: Maker) -> dict[str, list[Sample]]:
    pm = _targets(m, 1.0, -1.0, 1.0)
    rates = m(3, 4, low=0.5, high=2.0)  # log_input=False takes positive rates
    return {
        "kl_div": [
            S(m(3, 4), m(3, 4, low=0.1, high=1.0), 1),
            S(m(3, 4), m(3, 4), 0, log_target=True),
        ],
        "binary_cross_entropy_with_logits": [
            S(m(3, 4), m(3, 4, low=0.0, high=1.0)),
            # PyTorch takes no gradient for weight and pos_weight
            S(
                m(3, 4),
                m(3, 4, low=0.0, high=1.0),
                m(4, rg=False),
                m(4, low=0.5, high=2.0, rg=False),
                2,
            ),  # fmt: skip
        ],
        "cosine_embedding_loss": [S(m(3, 4), m(3, 4), pm, 0.2, 1), S(m(3, 4), m(3, 4), pm)],
        "hinge_embedding_loss": [S(m(3), pm, 0.5, 0), S(m(3), pm)],
        "margin_ranking_loss": [S(m(3), m(3), pm, 0.1, 2), S(m(3), m(3), pm)],
        "poisson_nll_loss": [
            S(m(3, 4), m(3, 4, low=0.0, high=3.0, rg=False), True, False, 1e-8, 1),
            S(rates, m(3, 4, low=0.0, high=3.0, rg=False), False, True, 1e-8, 0, desc="full"),
        ],
        "triplet_margin_loss": [
            S(m(3, 4), m(3, 4), m(3, 4)),
            S(m(3, 4), m(3, 4), m(3, 4), 0.5, 1.0, 1e-6, True, 0, desc="swap, p=1"),
        ],
    }


def activation_samples(m: Maker) -> dict[str, list[Sample]]:
    return {
        "celu": [S(m(3, 4)), S(m(3, 4), 0.5)],
        "selu": [S(m(3, 4))],
        "prelu": [S(m(2, 3, 4), m(3)), S(m(2, 3), m(1))],
        "bilinear": [S(m(2, 3), m(2, 4), m(5, 3, 4), m(5)), S(m(3), m(4), m(2, 3, 4))],
        "threshold": [S(m(3, 4), 0.1, 20.0)],
        "cosine_similarity": [S(m(3, 4), m(3, 4)), S(m(2, 3), m(1, 3), -1)],
        "pairwise_distance": [S(m(3, 4), m(3, 4)), S(m(3, 4), m(4), 1.0, 1e-6, True)],
        "dropout": [S(m(3, 4), 0.0, True, desc="p=0"), S(m(3, 4), 0.7, False, desc="eval")],
        "alpha_dropout": [S(m(3, 4), 0.5, False)],
        "feature_alpha_dropout": [S(m(2, 3, 4), 0.5, False)],
        "embedding": [
            S(m(5, 3), idx([[0, 2], [4, 2]])),
            # the padding row takes no gradient by definition: no finite differences
            S(m(5, 3), idx([1, 3, 1]), 1, desc="padding_idx", edge=True),
        ],
    }


def _group(samples: Any, *names: str) -> list[OpInfo]:
    """One entry per name, its samples picked from a ``{name: samples}`` maker."""
    return [OpInfo(n, _alias(n), lambda m, n=n: samples(m)[n]) for n in names]


op_db_nn: list[OpInfo] = [
    OpInfo("conv1d", _alias("conv1d"), conv1d_samples, complex=True),
    OpInfo("conv2d", _alias("conv2d"), conv2d_samples, complex=True),
    OpInfo("conv3d", _alias("conv3d"), conv3d_samples),
    OpInfo("conv_transpose1d", _alias("conv_transpose1d"), conv_transpose1d_samples),
    OpInfo("conv_transpose2d", _alias("conv_transpose2d"), conv_transpose2d_samples),
    OpInfo("conv_transpose3d", _alias("conv_transpose3d"), conv_transpose3d_samples),
    OpInfo("max_pool1d", _alias("max_pool1d"), pool1d_samples),
    OpInfo("max_pool1d_with_indices", _alias("max_pool1d_with_indices"), pool1d_samples),
    OpInfo("max_pool2d", _alias("max_pool2d"), max_pool2d_samples),
    OpInfo("max_pool3d", _alias("max_pool3d"), max_pool3d_samples),
    OpInfo("avg_pool1d", _alias("avg_pool1d"), avg_pool1d_samples),
    OpInfo("adaptive_avg_pool1d", _alias("adaptive_avg_pool1d"), adaptive_samples),
    OpInfo("adaptive_max_pool1d", _alias("adaptive_max_pool1d"), adaptive_samples),
    OpInfo("pixel_shuffle", _alias("pixel_shuffle"), pixel_shuffle_samples),
    OpInfo("pixel_unshuffle", _alias("pixel_unshuffle"), pixel_unshuffle_samples),
    OpInfo("channel_shuffle", _alias("channel_shuffle"), channel_shuffle_samples),
]
op_db_nn += _group(norm_samples, "layer_norm", "rms_norm", "group_norm", "batch_norm",
                   "instance_norm")  # fmt: skip
op_db_nn += _group(loss_samples, "kl_div", "binary_cross_entropy_with_logits",
                   "cosine_embedding_loss", "hinge_embedding_loss", "margin_ranking_loss",
                   "poisson_nll_loss", "triplet_margin_loss")  # fmt: skip
op_db_nn += _group(activation_samples, "celu", "selu", "prelu", "bilinear", "threshold",
                   "cosine_similarity", "pairwise_distance", "dropout", "alpha_dropout",
                   "feature_alpha_dropout", "embedding")  # fmt: skip
