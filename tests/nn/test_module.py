"""nn.Module, Parameter, Buffer and the containers, against torch.nn."""

from __future__ import annotations

import copy
import pickle

import numpy as np
import pytest
import torch

import retrograd as rg
from retrograd import nn

tnn = torch.nn


def from_torch_state(sd: dict) -> dict:
    """A torch state_dict converted to retrograd tensors through NumPy."""
    return {k: rg.tensor(v.detach().numpy()) for k, v in sd.items()}


def _make_torch_net() -> tnn.Module:
    class TBlock(tnn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.fc = tnn.Linear(3, 4)
            self.act = tnn.ReLU()
            self.register_buffer("count", torch.zeros(2))
            self.register_buffer("scratch", torch.ones(1), persistent=False)

    class TNet(tnn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.first = TBlock()
            self.layers = tnn.Sequential(tnn.Linear(4, 4), tnn.Tanh(), tnn.Linear(4, 2))
            self.scale = tnn.Parameter(torch.ones(2))

        def forward(self, x):
            return self.layers(self.first.act(self.first.fc(x))) * self.scale

    return TNet()


class OurBlock(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.fc = nn.Linear(3, 4)
        self.act = nn.ReLU()
        self.register_buffer("count", rg.zeros(2))
        self.register_buffer("scratch", rg.ones(1), persistent=False)


class OurNet(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.first = OurBlock()
        self.layers = nn.Sequential(nn.Linear(4, 4), nn.Tanh(), nn.Linear(4, 2))
        self.scale = nn.Parameter(rg.ones(2))

    def forward(self, x):
        return self.layers(self.first.act(self.first.fc(x))) * self.scale


@pytest.fixture
def nets() -> tuple[OurNet, tnn.Module]:
    torch.manual_seed(0)
    theirs = _make_torch_net()
    ours = OurNet()
    ours.load_state_dict(from_torch_state(theirs.state_dict()))
    return ours, theirs


# ---------------------------------------------------------------- registration and traversal


def test_names_and_order_match_torch(nets) -> None:
    ours, theirs = nets
    assert [n for n, _ in ours.named_parameters()] == [n for n, _ in theirs.named_parameters()]
    assert [n for n, _ in ours.named_buffers()] == [n for n, _ in theirs.named_buffers()]
    assert [n for n, _ in ours.named_modules()] == [n for n, _ in theirs.named_modules()]
    assert [n for n, _ in ours.named_children()] == [n for n, _ in theirs.named_children()]
    assert list(ours.state_dict()) == list(theirs.state_dict())
    assert [n for n, _ in ours.named_parameters(prefix="m", recurse=False)] == ["m.scale"]
    assert len(list(ours.modules())) == len(list(theirs.modules())) == 8
    assert len(list(ours.children())) == 2


def test_forward_and_grads_match_torch(nets) -> None:
    ours, theirs = nets
    x = np.random.default_rng(0).standard_normal((5, 3)).astype(np.float32)
    out, tout = ours(rg.tensor(x)), theirs(torch.tensor(x))
    np.testing.assert_allclose(out.detach().numpy(), tout.detach().numpy(), rtol=1e-5, atol=1e-6)
    g = np.random.default_rng(1).standard_normal((5, 2)).astype(np.float32)
    out.backward(rg.tensor(g))
    tout.backward(torch.tensor(g))
    for (n, p), (_, tp) in zip(ours.named_parameters(), theirs.named_parameters(), strict=True):
        np.testing.assert_allclose(p.grad.numpy(), tp.grad.numpy(), rtol=1e-5, atol=1e-6,
                                   err_msg=n)  # fmt: skip


def test_shared_parameters_listed_once_unless_asked() -> None:
    class Tied(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.a = nn.Linear(2, 2)
            self.b = nn.Linear(2, 2)
            self.b.weight = self.a.weight

    m = Tied()
    assert [n for n, _ in m.named_parameters()] == ["a.weight", "a.bias", "b.bias"]
    names = [n for n, _ in m.named_parameters(remove_duplicate=False)]
    assert names == ["a.weight", "a.bias", "b.weight", "b.bias"]
    assert m.b.weight is m.a.weight
    assert list(m.state_dict()) == ["a.weight", "a.bias", "b.weight", "b.bias"]


def test_attribute_assignment_moves_between_tables() -> None:
    m = nn.Module()
    m.x = nn.Parameter(rg.zeros(1))
    assert "x" in m._parameters
    m.x = None  # a registered parameter may be set to None
    assert m._parameters["x"] is None and m.x is None
    with pytest.raises(TypeError, match="cannot assign 'retrograd.FloatTensor' as parameter 'x'"):
        m.x = rg.zeros(1)
    m.sub = nn.Linear(1, 1)
    with pytest.raises(TypeError, match="as child module 'sub'"):
        m.sub = 3
    m.buf = nn.Buffer(rg.ones(2), persistent=False)
    assert "buf" in m._buffers and "buf" in m._non_persistent_buffers_set
    m.buf = rg.zeros(2)  # a plain tensor assigned to a buffer name stays a buffer
    assert "buf" in m._buffers and "buf" not in m.state_dict()
    del m.buf
    assert not hasattr(m, "buf")
    with pytest.raises(AttributeError, match="'Module' object has no attribute 'nope'"):
        _ = m.nope


@pytest.mark.parametrize(
    ("call", "exc", "match"),
    [
        (lambda m: m.register_parameter("a.b", None), KeyError, "contain"),
        (lambda m: m.register_parameter("", None), KeyError, "empty string"),
        (lambda m: m.register_parameter("p", rg.zeros(1)), TypeError, "nn.Parameter or None"),
        (lambda m: m.register_buffer(1, None), TypeError, "buffer name should be a string"),
        (lambda m: m.register_buffer("b", 3), TypeError, "cannot assign 'int' object to buffer"),
        (lambda m: m.add_module("m", 3), TypeError, "int is not a Module subclass"),
        (lambda m: m.register_buffer("training", None), KeyError, "already exists"),
    ],
)
def test_registration_errors(call, exc, match) -> None:
    with pytest.raises(exc, match=match):
        call(nn.Module())


def test_non_leaf_parameter_refused() -> None:
    m = nn.Module()
    x = rg.ones(2, requires_grad=True)
    with pytest.raises(ValueError, match="Cannot assign non-leaf Tensor to parameter 'w'"):
        m.register_parameter("w", _nonleaf(x))


def _nonleaf(x: rg.Tensor) -> nn.Parameter:
    p = nn.Parameter(x)
    p._grad_fn = (x * 2).grad_fn  # a parameter that claims a history
    return p


def test_assignment_before_init_is_refused() -> None:
    class Early(nn.Module):
        def __init__(self) -> None:
            self.w = nn.Parameter(rg.zeros(1))

    with pytest.raises(AttributeError, match="before Module.__init__"):
        Early()


def test_get_submodule_and_parameter(nets) -> None:
    ours, _ = nets
    assert ours.get_submodule("layers.2") is ours.layers[2]
    assert ours.get_parameter("first.fc.bias") is ours.first.fc.bias
    assert ours.get_buffer("first.count") is ours.first.count
    with pytest.raises(AttributeError, match="Sequential has no attribute `7`"):
        ours.get_submodule("layers.7")
    with pytest.raises(AttributeError, match="`scale` is not an nn.Module"):
        ours.get_submodule("scale")
    with pytest.raises(AttributeError, match="`act` is not an nn.Parameter"):
        ours.get_parameter("first.act")


# ---------------------------------------------------------------- state_dict


def test_state_dict_round_trip_both_ways(nets) -> None:
    ours, theirs = nets
    sd = ours.state_dict()
    assert all(not v.requires_grad for v in sd.values())
    assert ours.state_dict(keep_vars=True)["scale"] is ours.scale
    for k, v in theirs.state_dict().items():
        np.testing.assert_array_equal(sd[k].numpy(), v.numpy())
    fresh = _make_torch_net()
    fresh.load_state_dict({k: torch.from_numpy(v.numpy().copy()) for k, v in sd.items()})
    x = torch.randn(2, 3)
    np.testing.assert_allclose(fresh(x).detach().numpy(), theirs(x).detach().numpy())


def test_load_keeps_parameter_identity_and_copies(nets) -> None:
    ours, _ = nets
    w = ours.first.fc.weight
    sd = {k: v.clone() for k, v in ours.state_dict().items()}
    sd["first.fc.weight"].fill_(3.0)
    res = ours.load_state_dict(sd)
    assert ours.first.fc.weight is w
    np.testing.assert_array_equal(w.detach().numpy(), np.full((4, 3), 3.0, np.float32))
    assert repr(res) == "<All keys matched successfully>"
    assert res.missing_keys == [] and res.unexpected_keys == []


def test_strict_load_reports_like_torch(nets) -> None:
    ours, theirs = nets
    sd = {k: v.clone() for k, v in ours.state_dict().items()}
    tsd = {k: v.clone() for k, v in theirs.state_dict().items()}
    for d in (sd, tsd):
        del d["first.fc.bias"]
        d["extra.weight"] = d["scale"]
    with pytest.raises(RuntimeError) as ours_err:
        ours.load_state_dict(sd)
    with pytest.raises(RuntimeError) as torch_err:
        theirs.load_state_dict(tsd)
    assert str(ours_err.value).replace("OurNet", "TNet") == str(torch_err.value)


def test_non_strict_load_returns_keys(nets) -> None:
    ours, theirs = nets
    sd = {k: v.clone() for k, v in ours.state_dict().items() if k != "scale"}
    sd["bogus"] = rg.zeros(1)
    tsd = {k: v.clone() for k, v in theirs.state_dict().items() if k != "scale"}
    tsd["bogus"] = torch.zeros(1)
    res, tres = ours.load_state_dict(sd, strict=False), theirs.load_state_dict(tsd, strict=False)
    assert res.missing_keys == tres.missing_keys == ["scale"]
    assert res.unexpected_keys == tres.unexpected_keys == ["bogus"]


def test_shape_mismatch_raises_and_loads_nothing(nets) -> None:
    ours, _ = nets
    before = {k: v.clone() for k, v in ours.state_dict().items()}
    sd = {k: v.clone() + 1 for k, v in before.items()}
    sd["layers.0.weight"] = rg.zeros(3, 3)
    with pytest.raises(RuntimeError) as err:
        ours.load_state_dict(sd)
    msg = str(err.value)
    assert msg.startswith("Error(s) in loading state_dict for OurNet:\n\t")
    assert "size mismatch for layers.0.weight: copying a param with shape" in msg
    assert "[3, 3]" in msg and "[4, 4]" in msg
    for k, v in ours.state_dict().items():  # nothing half-loaded
        np.testing.assert_array_equal(v.numpy(), before[k].numpy())
    with pytest.raises(RuntimeError, match="size mismatch"):
        ours.load_state_dict(sd, strict=False)
    with pytest.raises(TypeError, match="Expected state_dict to be dict-like"):
        ours.load_state_dict([1, 2])


def test_load_with_assign_replaces_parameters(nets) -> None:
    ours, _ = nets
    sd = {k: v.clone() for k, v in ours.state_dict().items()}
    old = ours.scale
    ours.load_state_dict(sd, assign=True)
    assert ours.scale is not old and isinstance(ours.scale, nn.Parameter)
    assert ours.scale.requires_grad


# ---------------------------------------------------------------- modes, transforms, hooks


def test_train_eval_requires_grad_zero_grad(nets) -> None:
    ours, _ = nets
    assert ours.training and ours.layers[1].training
    ours.eval()
    assert not any(m.training for m in ours.modules())
    ours.train()
    assert all(m.training for m in ours.modules())
    with pytest.raises(ValueError, match="training mode is expected to be boolean"):
        ours.train("yes")
    ours(rg.ones(1, 3)).sum().backward()
    ours.zero_grad(set_to_none=False)
    assert all(not np.any(p.grad.numpy()) for p in ours.parameters())
    ours.zero_grad()
    assert all(p.grad is None for p in ours.parameters())
    ours.requires_grad_(False)
    assert not any(p.requires_grad for p in ours.parameters())


def test_apply_visits_children_first(nets) -> None:
    ours, theirs = nets
    seen, tseen = [], []
    ours.apply(lambda m: seen.append(type(m).__name__))
    theirs.apply(lambda m: tseen.append(type(m).__name__))
    assert [s.replace("Our", "T") for s in seen] == [s.replace("Our", "T") for s in tseen]


def test_to_dtype_keeps_parameter_objects(nets) -> None:
    ours, _ = nets
    w = ours.first.fc.weight
    ours(rg.ones(1, 3)).sum().backward()
    ours.double()
    assert ours.first.fc.weight is w and w.dtype == rg.float64 and w.grad.dtype == rg.float64
    assert ours.first.count.dtype == rg.float64
    ours.to(rg.float16)
    assert w.dtype == rg.float16
    ours.float()
    assert w.dtype == rg.float32
    ours.register_buffer("steps", rg.tensor(3))
    ours.half()
    assert ours.steps.dtype == rg.int64  # integer buffers are left alone
    with pytest.raises(TypeError, match="only accepts floating point or complex dtypes"):
        ours.to(rg.int32)
    assert ours.to("cpu") is ours and ours.to(device="cpu", dtype=rg.float64) is ours
    assert w.dtype == rg.float64
    with pytest.raises(RuntimeError, match="CPU only"):
        ours.to("cuda")


def _run_hooks(mod, lib) -> tuple[np.ndarray, np.ndarray]:
    x = np.ones((1, 3), np.float32)
    calls: list = []
    h1 = mod.register_forward_pre_hook(lambda m, a: calls.append("pre") or (a[0] * 2,))
    h2 = mod.register_forward_hook(lambda m, a, o: calls.append("post") or o + 1)
    h3 = mod.register_forward_pre_hook(lambda m, a: calls.append("first"), prepend=True)
    h4 = mod.register_forward_hook(lambda m, a, k, o: calls.append(sorted(k)), with_kwargs=True)
    hooked = mod(lib.tensor(x)).detach().numpy()
    assert calls == ["first", "pre", "post", []]
    for h in (h1, h2, h3, h4):
        h.remove()
    return hooked, mod(lib.tensor(x)).detach().numpy()


def test_forward_hooks_like_torch(nets) -> None:
    ours, theirs = nets
    for a, b in zip(_run_hooks(ours, rg), _run_hooks(theirs, torch), strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-5)


def test_missing_forward() -> None:
    with pytest.raises(NotImplementedError, match=r"Module \[Module\] is missing the required"):
        nn.Module()(1)


def test_repr_matches_torch(nets) -> None:
    ours, theirs = nets
    assert repr(ours).replace("Our", "T") == repr(theirs)
    assert repr(nn.Module()) == repr(tnn.Module()) == "Module()"


def test_deepcopy_and_pickle(nets) -> None:
    ours, _ = nets
    for clone in (copy.deepcopy(ours), pickle.loads(pickle.dumps(ours))):
        assert isinstance(clone.scale, nn.Parameter) and clone.scale is not ours.scale
        x = rg.ones(2, 3)
        np.testing.assert_allclose(clone(x).detach().numpy(), ours(x).detach().numpy())


# ---------------------------------------------------------------- Parameter and Buffer


def test_parameter_basics() -> None:
    p = nn.Parameter(rg.tensor([1.0, 2.0]))
    tp = tnn.Parameter(torch.tensor([1.0, 2.0]))
    assert repr(p) == repr(tp).replace("torch", "retrograd")
    assert p.is_leaf and p.requires_grad and isinstance(p, rg.Tensor)
    assert type(p * 2) is rg.Tensor
    assert not nn.Parameter(rg.zeros(1), requires_grad=False).requires_grad
    assert nn.Parameter().shape == (0,)
    b = nn.Buffer(rg.zeros(2))
    assert isinstance(b, nn.Buffer) and not isinstance(rg.zeros(2), nn.Buffer)


# ---------------------------------------------------------------- containers


def test_sequential_indexing_like_torch() -> None:
    layers = [nn.Linear(2, 2), nn.ReLU(), nn.Linear(2, 3), nn.Tanh()]
    s = nn.Sequential(*layers)
    ts = tnn.Sequential(tnn.Linear(2, 2), tnn.ReLU(), tnn.Linear(2, 3), tnn.Tanh())
    assert len(s) == 4 and s[0] is layers[0] and s[-1] is layers[3]
    assert list(s) == layers
    sub = s[1:3]
    assert isinstance(sub, nn.Sequential) and list(sub) == layers[1:3]
    assert repr(sub) == repr(ts[1:3])
    s.append(nn.Sigmoid())
    ts.append(tnn.Sigmoid())
    assert repr(s) == repr(ts)
    del s[0]
    del ts[0]
    assert repr(s) == repr(ts)
    with pytest.raises(IndexError):
        s[10]
    from collections import OrderedDict

    named = nn.Sequential(OrderedDict([("lin", nn.Linear(1, 1)), ("act", nn.ReLU())]))
    assert [n for n, _ in named.named_children()] == ["lin", "act"]


def test_module_list_and_dict() -> None:
    ml = nn.ModuleList([nn.Linear(2, 2) for _ in range(3)] + [nn.ReLU()])
    tml = tnn.ModuleList([tnn.Linear(2, 2) for _ in range(3)] + [tnn.ReLU()])
    assert repr(ml) == repr(tml)
    assert len(list(ml.parameters())) == 6 and len(ml[1:]) == 3
    ml.insert(0, nn.Tanh())
    tml.insert(0, tnn.Tanh())
    assert repr(ml) == repr(tml)
    md = nn.ModuleDict({"a": nn.Linear(1, 2), "b": nn.ReLU()})
    tmd = tnn.ModuleDict({"a": tnn.Linear(1, 2), "b": tnn.ReLU()})
    assert repr(md) == repr(tmd) and list(md.keys()) == ["a", "b"] and "a" in md
    assert [n for n, _ in md.named_parameters()] == ["a.weight", "a.bias"]
    md.pop("a")
    assert len(md) == 1


def test_parameter_list_and_dict() -> None:
    pl = nn.ParameterList([nn.Parameter(rg.zeros(2, 3)), rg.zeros(1)])
    tpl = tnn.ParameterList([tnn.Parameter(torch.zeros(2, 3)), torch.zeros(1)])
    assert repr(pl) == repr(tpl).replace("torch", "retrograd")
    assert all(isinstance(p, nn.Parameter) for p in pl) and len(pl) == 2
    assert [n for n, _ in pl.named_parameters()] == ["0", "1"]
    pd = nn.ParameterDict({"a": rg.zeros(2)})
    tpd = tnn.ParameterDict({"a": torch.zeros(2)})
    assert repr(pd) == repr(tpd).replace("torch", "retrograd")
    assert isinstance(pd["a"], nn.Parameter) and list(pd.keys()) == ["a"]
    assert list(dict(pd.named_parameters())) == ["a"]


def test_short_training_loop_matches_torch_step_by_step() -> None:
    torch.manual_seed(1)
    theirs = tnn.Sequential(tnn.Linear(4, 8), tnn.Tanh(), tnn.Dropout(0.0), tnn.Linear(8, 3))
    ours = nn.Sequential(nn.Linear(4, 8), nn.Tanh(), nn.Dropout(0.0), nn.Linear(8, 3))
    ours.load_state_dict(from_torch_state(theirs.state_dict()))
    r = np.random.default_rng(0)
    x, y = r.standard_normal((16, 4)).astype(np.float32), r.integers(0, 3, 16)
    for _ in range(5):
        loss = nn.CrossEntropyLoss()(ours(rg.tensor(x)), rg.tensor(y))
        tloss = tnn.CrossEntropyLoss()(theirs(torch.tensor(x)), torch.tensor(y))
        np.testing.assert_allclose(loss.item(), tloss.item(), rtol=1e-5)
        ours.zero_grad()
        theirs.zero_grad()
        loss.backward()
        tloss.backward()
        with rg.no_grad(), torch.no_grad():
            for p, tp in zip(ours.parameters(), theirs.parameters(), strict=True):
                p -= 0.5 * p.grad
                tp -= 0.5 * tp.grad
    for k, v in theirs.state_dict().items():
        np.testing.assert_allclose(ours.state_dict()[k].numpy(), v.numpy(), rtol=1e-4, atol=1e-6)
