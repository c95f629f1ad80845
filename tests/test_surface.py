"""What ordinary CPU training scripts touch, against PyTorch's CPU build: the cuda and
backends modules, global flags, compile, sampling, and the module/tensor details that
small GPT-style trainers rely on."""

from __future__ import annotations

import numpy as np
import pytest
import torch

import retrograd as rg

# ------------------------------------------------------------------------ cuda / backends

CUDA_ANSWERS = ["is_available", "device_count", "is_bf16_supported", "is_initialized",
                "is_tf32_supported", "memory_allocated", "max_memory_allocated",
                "memory_reserved", "empty_cache", "seed", "seed_all"]  # fmt: skip


@pytest.mark.parametrize("name", CUDA_ANSWERS)
def test_cuda_queries_answer_as_torch_cpu_build(name):
    assert getattr(rg.cuda, name)() == getattr(torch.cuda, name)()


@pytest.mark.parametrize("name", ["current_device", "synchronize", "get_device_name", "init"])
def test_cuda_calls_that_need_a_device_raise_like_torch(name):
    with pytest.raises(AssertionError) as theirs:
        getattr(torch.cuda, name)()
    with pytest.raises(AssertionError) as ours:
        getattr(rg.cuda, name)()
    assert str(ours.value) == str(theirs.value)


def test_cuda_seeding_is_accepted_and_leaves_the_cpu_stream_alone():
    rg.manual_seed(5)
    a = rg.rand(3)
    rg.manual_seed(5)
    rg.cuda.manual_seed(123)
    rg.cuda.manual_seed_all(7)
    assert rg.equal(a, rg.rand(3))
    assert rg.cuda.is_bf16_supported(including_emulation=False) is False


def test_backend_flags_have_torch_defaults_and_are_settable():
    pairs = [
        ("cuda.matmul.allow_tf32", rg.backends.cuda.matmul, torch.backends.cuda.matmul,
         "allow_tf32"),
        ("fp16 reduction", rg.backends.cuda.matmul, torch.backends.cuda.matmul,
         "allow_fp16_reduced_precision_reduction"),
        ("bf16 reduction", rg.backends.cuda.matmul, torch.backends.cuda.matmul,
         "allow_bf16_reduced_precision_reduction"),
        ("cudnn.allow_tf32", rg.backends.cudnn, torch.backends.cudnn, "allow_tf32"),
        ("cudnn.benchmark", rg.backends.cudnn, torch.backends.cudnn, "benchmark"),
        ("cudnn.deterministic", rg.backends.cudnn, torch.backends.cudnn, "deterministic"),
        ("cudnn.enabled", rg.backends.cudnn, torch.backends.cudnn, "enabled"),
        ("mkldnn.enabled", rg.backends.mkldnn, torch.backends.mkldnn, "enabled"),
    ]  # fmt: skip
    for label, ours, theirs, attr in pairs:
        assert getattr(ours, attr) == getattr(theirs, attr), label
        old = getattr(ours, attr)
        setattr(ours, attr, not old)
        assert getattr(ours, attr) is (not old), label
        setattr(ours, attr, old)
    with pytest.raises(AttributeError, match="Unknown attribute foo"):
        rg.backends.cuda.matmul.foo = 1
    with pytest.raises(AttributeError, match="Unknown attribute foo"):
        rg.backends.cuda.matmul.foo  # noqa: B018


def test_backend_queries_match_torch():
    assert rg.backends.cudnn.is_available() == torch.backends.cudnn.is_available()
    assert rg.backends.cudnn.version() == torch.backends.cudnn.version()
    assert rg.backends.mps.is_available() == torch.backends.mps.is_available()
    assert rg.backends.mps.is_built() == torch.backends.mps.is_built()
    assert rg.backends.cuda.is_built() == torch.backends.cuda.is_built()
    assert rg.backends.cpu.get_cpu_capability() == torch.backends.cpu.get_cpu_capability()
    assert rg.backends.opt_einsum.is_available() == torch.backends.opt_einsum.is_available()
    assert rg.backends.cuda.flash_sdp_enabled() == torch.backends.cuda.flash_sdp_enabled()
    rg.backends.cuda.enable_flash_sdp(False)
    assert not rg.backends.cuda.flash_sdp_enabled()
    rg.backends.cuda.enable_flash_sdp(True)


def test_cudnn_flags_context_restores():
    with rg.backends.cudnn.flags(enabled=False, benchmark=True):
        assert rg.backends.cudnn.enabled is False and rg.backends.cudnn.benchmark is True
    assert rg.backends.cudnn.enabled is True and rg.backends.cudnn.benchmark is False


def test_cpu_device_module():
    assert rg.cpu.is_available() and rg.cpu.device_count() == torch.cpu.device_count()
    assert rg.cpu.current_device() == torch.cpu.current_device()
    rg.cpu.synchronize()


# ---------------------------------------------------------------------------- global flags


def test_float32_matmul_precision_round_trip_and_bad_value_warns_like_torch():
    assert rg.get_float32_matmul_precision() == torch.get_float32_matmul_precision()
    for p in ("high", "medium", "highest"):
        rg.set_float32_matmul_precision(p)
        assert rg.get_float32_matmul_precision() == p
    with pytest.warns(UserWarning, match="foo is not one of 'highest', 'high', or 'medium'"):
        rg.set_float32_matmul_precision("foo")
    assert rg.get_float32_matmul_precision() == "highest"


def test_deterministic_algorithms_flags_like_torch():
    try:
        for mode, warn_only in ((True, False), (True, True), (False, False)):
            rg.use_deterministic_algorithms(mode, warn_only=warn_only)
            torch.use_deterministic_algorithms(mode, warn_only=warn_only)
            assert rg.are_deterministic_algorithms_enabled() == mode
            assert rg.is_deterministic_algorithms_warn_only_enabled() == warn_only
            assert rg.get_deterministic_debug_mode() == torch.get_deterministic_debug_mode()
        for bad in ("x", 5):
            with pytest.raises(RuntimeError) as theirs:
                torch.set_deterministic_debug_mode(bad)
            with pytest.raises(RuntimeError) as ours:
                rg.set_deterministic_debug_mode(bad)
            assert str(ours.value) == str(theirs.value)
        with pytest.raises(TypeError, match="must be bool, not str"):
            rg.use_deterministic_algorithms("yes")
    finally:
        torch.use_deterministic_algorithms(False)
        rg.use_deterministic_algorithms(False)


def test_default_dtype_and_threads_exist():
    assert rg.get_default_dtype() == rg.float32
    n = rg.get_num_threads()
    rg.set_num_threads(n)
    assert rg.get_num_threads() == n


# --------------------------------------------------------------------------------- compile


def test_compile_function_forms_return_working_callables():
    def f(x):
        return x * 2

    assert rg.compile(f) is f

    @rg.compile
    def g(x):
        return x + 1

    @rg.compile(mode="max-autotune", fullgraph=True, dynamic=False)
    def h(x):
        return x - 1

    x = rg.ones(2)
    assert g(x).tolist() == [2.0, 2.0] and h(x).tolist() == [0.0, 0.0]


def test_compile_module_wraps_like_torch():
    tm = torch.nn.Linear(2, 3)
    m = rg.nn.Linear(2, 3)
    cm, tcm = rg.compile(m), torch.compile(tm)
    assert type(cm).__name__ == type(tcm).__name__ == "OptimizedModule"
    assert cm._orig_mod is m and cm.weight is m.weight
    assert list(cm.state_dict()) == list(tcm.state_dict())
    assert repr(cm) == repr(tcm)
    x = rg.ones(4, 2)
    assert rg.equal(cm(x), m(x))
    assert rg.compile(m, disable=True) is m


def test_module_compile_in_place():
    m = rg.nn.Linear(2, 2)
    assert m.compile(mode="reduce-overhead") is None
    assert isinstance(m, rg.nn.Linear) and m(rg.ones(1, 2)).shape == (1, 2)


@pytest.mark.parametrize(
    "kw", [dict(mode="foo"), dict(mode="default", options={}), dict(backend="nope")]
)
def test_compile_bad_options_raise_like_torch(kw):
    def f(x):
        return x

    with pytest.raises(Exception) as theirs:
        torch.compile(f, **kw)
    with pytest.raises(RuntimeError) as ours:
        rg.compile(f, **kw)
    assert str(ours.value) == str(theirs.value)


def test_compile_non_callable_raises_like_torch():
    with pytest.raises(AssertionError) as theirs:
        torch.compile(3)
    with pytest.raises(AssertionError) as ours:
        rg.compile(3)
    assert str(ours.value) == str(theirs.value)


# -------------------------------------------------------------------------------- sampling


def _chi2_ok(counts: np.ndarray, probs: np.ndarray) -> bool:
    """Counts agree with ``probs`` at the 99.9% level (a fixed seed makes it repeatable)."""
    from scipy.stats import chi2

    expected = probs / probs.sum() * counts.sum()
    nz = expected > 0
    stat = (((counts - expected) ** 2)[nz] / expected[nz]).sum()
    return bool(stat < chi2.ppf(0.999, nz.sum() - 1)) and not counts[~nz].any()


def test_multinomial_with_replacement_follows_each_row():
    rg.manual_seed(0)
    p = np.array([[1.0, 2.0, 3.0, 4.0, 0.0], [0.0, 0.0, 5.0, 1.0, 1.0]], np.float32)
    s = rg.multinomial(rg.tensor(p), 20000, replacement=True)
    assert s.shape == (2, 20000) and s.dtype == rg.int64
    for row, probs in zip(s.numpy(), p, strict=True):
        assert _chi2_ok(np.bincount(row, minlength=5), probs.astype(np.float64))


def test_multinomial_without_replacement_draws_distinct_weighted_indices():
    rg.manual_seed(1)
    p = np.array([4.0, 1.0, 2.0, 0.0, 3.0])
    s = rg.multinomial(rg.tensor(p).expand(5000, 5), 4).numpy()
    assert all(len(set(r)) == 4 for r in s)
    assert not (s == 3).any()  # four non-zero categories fill four draws
    assert _chi2_ok(np.bincount(s[:, 0], minlength=5), p)  # the first draw follows p
    full = rg.multinomial(rg.ones(3, 6), 6).numpy()
    assert (np.sort(full, axis=1) == np.arange(6)).all()


def test_multinomial_is_reproducible_under_a_seed_and_generator():
    p = rg.tensor([0.1, 0.5, 0.4])
    rg.manual_seed(7)
    a = rg.multinomial(p, 10, True)
    rg.manual_seed(7)
    assert rg.equal(a, p.multinomial(10, replacement=True))
    g1, g2 = rg.Generator().manual_seed(3), rg.Generator().manual_seed(3)
    assert rg.equal(rg.multinomial(p, 3, generator=g1), rg.multinomial(p, 3, generator=g2))


MULTINOMIAL_BAD = [
    ([0.5, -0.1], 1, False), ([0.5, -0.1], 2, True), ([1.0, float("inf")], 1, False),
    ([1.0, float("inf")], 2, True), ([1.0, float("nan")], 2, True), ([0.0, 0.0], 1, False),
    ([[1.0, 1.0], [0.0, 0.0]], 2, True), ([1.0, 1.0], 3, False), ([1.0, 1.0], 0, True),
    ([[[1.0]]], 1, True), (1.0, 1, True), ([1, 2], 1, True), ([], 3, True),
]  # fmt: skip


@pytest.mark.parametrize("data,n,replacement", MULTINOMIAL_BAD)
def test_multinomial_errors_match_torch(data, n, replacement):
    with pytest.raises(RuntimeError) as theirs:
        torch.multinomial(torch.tensor(data), n, replacement)
    with pytest.raises(RuntimeError) as ours:
        rg.multinomial(rg.tensor(data), n, replacement)
    assert str(ours.value) == str(theirs.value)


def test_bernoulli_rate_dtype_and_zero_gradient():
    rg.manual_seed(2)
    p = rg.tensor([0.0, 0.1, 0.5, 0.9, 1.0], dtype=rg.float64, requires_grad=True)
    draws = rg.bernoulli(p.expand(4000, 5))
    assert draws.dtype == rg.float64 and draws.grad_fn.name() == "BernoulliBackward0"
    freq = draws.detach().numpy().mean(0)
    assert np.all(np.abs(freq - p.detach().numpy()) <= 4 * np.sqrt(0.25 / 4000))
    assert freq[0] == 0 and freq[-1] == 1
    draws.sum().backward()
    assert p.grad.tolist() == [0.0] * 5
    half = rg.ones(4000, dtype=rg.bfloat16).bernoulli(0.3)
    assert half.dtype == rg.bfloat16 and abs(float(half.float().mean()) - 0.3) < 0.03


def test_bernoulli_in_place_with_number_and_tensor_probabilities():
    rg.manual_seed(3)
    x = rg.zeros(3000, dtype=rg.int64)
    assert x.bernoulli_(0.25) is x and x.dtype == rg.int64
    assert abs(float(x.double().mean()) - 0.25) < 0.04
    assert x.bernoulli_(rg.tensor([0.0, 1.0]).repeat(1500)).tolist() == [0, 1] * 1500


@pytest.mark.parametrize(
    "call",
    [
        lambda T: T.bernoulli(T.tensor([1.5])),
        lambda T: T.bernoulli(T.tensor([float("nan")])),
        lambda T: T.bernoulli(T.tensor([1, 0])),
        lambda T: T.bernoulli(T.ones(3), 1.5),
        lambda T: T.ones(3).bernoulli_(2.0),
        lambda T: T.poisson(T.tensor([-1.0])),
        lambda T: T.poisson(T.tensor([1])),
    ],
)
def test_bernoulli_and_poisson_errors_match_torch(call):
    with pytest.raises((RuntimeError, NotImplementedError)) as theirs:
        call(torch)
    with pytest.raises(theirs.type) as ours:
        call(rg)
    assert str(ours.value) == str(theirs.value)


def test_poisson_mean_and_variance_and_zero_gradient():
    rg.manual_seed(4)
    rate = rg.tensor([0.0, 1.0, 4.0, 30.0], requires_grad=True)
    s = rg.poisson(rate.expand(5000, 4))
    assert s.dtype == rg.float32 and s.grad_fn.name() == "PoissonBackward0"
    arr = s.detach().numpy()
    r = np.array([0.0, 1.0, 4.0, 30.0])
    assert np.all(np.abs(arr.mean(0) - r) <= 4 * np.sqrt(np.maximum(r, 1e-9) / 5000))
    assert np.allclose(arr.var(0), r, rtol=0.1)
    s.sum().backward()
    assert rate.grad.tolist() == [0.0] * 4


# name, args, expected mean, expected variance (exact math; None when undefined)
FILLS = [
    ("normal_", (2.0, 3.0), 2.0, 9.0),
    ("uniform_", (-1.0, 3.0), 1.0, 16 / 12),
    ("exponential_", (2.0,), 0.5, 0.25),
    ("geometric_", (0.25,), 4.0, 0.75 / 0.0625),
    ("log_normal_", (0.0, 0.5), float(np.exp(0.125)), float((np.exp(0.25) - 1) * np.exp(0.25))),
    ("random_", (3, 8), 5.0, 2.0),
]


@pytest.mark.parametrize("name,args,mean,var", FILLS, ids=[f[0] for f in FILLS])
def test_in_place_fills_follow_their_distribution(name, args, mean, var):
    rg.manual_seed(5)
    x = rg.empty(40000, dtype=rg.float64)
    assert getattr(x, name)(*args) is x and x._version == 1
    a = x.numpy()
    assert abs(a.mean() - mean) <= 5 * np.sqrt(var / a.size)
    assert abs(a.var() - var) <= 0.05 * var
    if name == "uniform_":
        assert a.min() >= -1 and a.max() < 3
    if name in ("geometric_", "random_"):
        assert (a == np.round(a)).all() and a.min() >= (3 if name == "random_" else 1)


def test_cauchy_median_and_quartiles():
    rg.manual_seed(6)
    a = rg.empty(40000).cauchy_(1.0, 2.0).numpy()
    q1, med, q3 = np.percentile(a, [25, 50, 75])
    assert abs(med - 1.0) < 0.1 and abs(q1 + 1.0) < 0.15 and abs(q3 - 3.0) < 0.15


def test_random_default_ranges_by_dtype():
    rg.manual_seed(8)
    assert set(rg.empty(200, dtype=rg.bool).random_().tolist()) == {False, True}
    u8 = rg.empty(5000, dtype=rg.uint8).random_().numpy()
    assert u8.min() < 10 and u8.max() > 245
    f = rg.empty(1000).random_().numpy()
    assert f.max() <= 2**24 and f.max() > 2**23 and (f == np.round(f)).all()
    assert rg.empty(1000, dtype=rg.int32).random_(10).numpy().max() == 9
    assert rg.empty(10).uniform_(**{"from": 5.0, "to": 6.0}).numpy().min() >= 5


def test_in_place_fills_keep_dtype_and_respect_seed():
    for dt in (rg.float16, rg.bfloat16, rg.float32):
        assert rg.empty(3, dtype=dt).normal_().dtype == dt
    rg.manual_seed(9)
    a = rg.empty(5).normal_()
    rg.manual_seed(9)
    assert rg.equal(a, rg.empty(5).normal_())
    g = rg.Generator().manual_seed(1)
    b = rg.empty(5).uniform_(generator=g)
    assert rg.equal(b, rg.empty(5).uniform_(generator=rg.Generator().manual_seed(1)))


FILL_BAD = [
    ("normal_", (0, -1), "float32"), ("uniform_", (2, 1), "float32"),
    ("exponential_", (0,), "float32"), ("geometric_", (1.5,), "float32"),
    ("cauchy_", (0, -1), "float32"), ("log_normal_", (1, -2), "float32"),
    ("random_", (5, 2), "float32"), ("random_", (-1,), "float32"),
    ("normal_", (), "int32"), ("uniform_", (), "uint8"), ("exponential_", (), "int64"),
    ("cauchy_", (), "int64"), ("cauchy_", (), "uint8"), ("log_normal_", (), "bool"),
    ("geometric_", (0.5,), "bool"),
]  # fmt: skip


@pytest.mark.parametrize("name,args,dtype", FILL_BAD)
def test_in_place_fill_errors_match_torch(name, args, dtype):
    with pytest.raises((RuntimeError, NotImplementedError)) as theirs:
        getattr(torch.empty(3, dtype=getattr(torch, dtype)), name)(*args)
    with pytest.raises(theirs.type) as ours:
        getattr(rg.empty(3, dtype=getattr(rg, dtype)), name)(*args)
    assert str(ours.value) == str(theirs.value)


def test_in_place_fill_on_a_leaf_that_requires_grad_raises_like_torch():
    with pytest.raises(RuntimeError, match="a leaf Variable that requires grad"):
        rg.ones(2, requires_grad=True).normal_()
    w = rg.ones(2, requires_grad=True)
    with rg.no_grad():
        w.uniform_(-1, 1)
    assert w.requires_grad and w.grad_fn is None
