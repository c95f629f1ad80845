"""Module.register_full_backward_hook / register_full_backward_pre_hook against PyTorch: the
order of the calls, the gradients each hook receives, what a returned value replaces, the
handles, and PyTorch's warnings and errors."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
import torch

import retrograd as rg
from _torch_compare import assert_close

LIBS = (rg, torch)


def _sums(grads: Any) -> list[float | None]:
    return [None if g is None else round(float(g.sum()), 4) for g in grads]


def _mlp(lib: Any) -> Any:
    torch.manual_seed(0)
    tnet = torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.Tanh(), torch.nn.Linear(4, 2))
    if lib is torch:
        return tnet
    net = rg.nn.Sequential(rg.nn.Linear(3, 4), rg.nn.Tanh(), rg.nn.Linear(4, 2))
    net.load_state_dict({k: rg.from_numpy(v.numpy().copy()) for k, v in tnet.state_dict().items()})
    return net


def _x(lib: Any, requires_grad: bool = True) -> Any:
    x = np.random.default_rng(0).standard_normal((5, 3)).astype(np.float32)
    return lib.from_numpy(x).requires_grad_(requires_grad)


def _both(fn: Any) -> tuple[Any, Any]:
    return fn(rg), fn(torch)


def test_call_order_and_gradients_seen_match_torch():
    def run(lib):
        net, log = _mlp(lib), []
        for name, m in [("net", net)] + [(n, c) for n, c in net.named_children()]:
            m.register_full_backward_pre_hook(
                lambda mod, go, name=name: log.append(("pre", name, _sums(go)))
            )
            m.register_full_backward_hook(
                lambda mod, gi, go, name=name: log.append(("full", name, _sums(gi), _sums(go)))
            )
        x = _x(lib)
        y = net(x)
        g = np.random.default_rng(1).standard_normal((5, 2)).astype(np.float32)
        y.backward(lib.from_numpy(g))
        return log, y.grad_fn.name(), x.grad

    (ours, name, gx), (theirs, tname, tgx) = _both(run)
    assert [e[:2] for e in ours] == [e[:2] for e in theirs]
    for a, b in zip(ours, theirs):
        for sa, sb in zip(a[2:], b[2:]):
            np.testing.assert_allclose(np.array(sa, float), np.array(sb, float), rtol=1e-4)
    assert name == tname == "BackwardHookFunctionBackward"
    assert_close(gx, tgx)


def test_full_hook_replaces_grad_input_and_pre_hook_replaces_grad_output():
    def run(lib):
        net = _mlp(lib)
        net[2].register_full_backward_pre_hook(lambda m, go: (go[0] * 3,))
        net[1].register_full_backward_hook(lambda m, gi, go: (gi[0] * -2,))
        x = _x(lib)
        net(x).pow(2).sum().backward()
        return [x.grad] + [p.grad for p in net.parameters()]

    for a, b in zip(*_both(run)):
        assert_close(a, b)


def test_non_tensor_arguments_inputs_without_grad_and_unused_outputs():
    def run(lib):
        class Mixed(lib.nn.Module):
            def forward(self, x, k, y, z):
                return x * k, y * 2, x + z

        m, log = Mixed(), []
        m.register_full_backward_pre_hook(lambda mod, go: log.append(("pre", _sums(go))))

        def hook(mod, gi, go):
            log.append(("full", _sums(gi), _sums(go)))
            return (gi[0] * 10, None, gi[2], gi[3])

        m.register_full_backward_hook(hook)
        x, z = lib.ones(4, requires_grad=True), lib.ones(4, requires_grad=True)
        a, b, c = m(x, 3.0, lib.ones(2), z)
        a.sum().backward()
        return log, x.grad, z.grad

    (ours, gx, gz), (theirs, tgx, tgz) = _both(run)
    assert ours == theirs
    assert_close(gx, tgx)
    assert_close(gz, tgz)


def test_autograd_grad_runs_the_hooks_too():
    def run(lib):
        net, seen = _mlp(lib), []
        net[0].register_full_backward_hook(lambda m, gi, go: seen.append(_sums(gi + go)))
        x = _x(lib)
        (gx,) = lib.autograd.grad(net(x).sum(), x)
        return seen, gx

    (ours, gx), (theirs, tgx) = _both(run)
    assert len(ours) == len(theirs) == 1
    np.testing.assert_allclose(ours[0], theirs[0], rtol=1e-4)
    assert_close(gx, tgx)


def test_handles_remove_and_prepend_orders_first():
    def run(lib):
        lin, log = lib.nn.Linear(2, 2), []
        h1 = lin.register_full_backward_hook(lambda *a: log.append("first"))
        lin.register_full_backward_hook(lambda *a: log.append("prepended"), prepend=True)
        lin.register_full_backward_pre_hook(lambda *a: log.append("pre"))
        lin.register_full_backward_pre_hook(lambda *a: log.append("pre0"), prepend=True)
        x = lib.ones(1, 2, requires_grad=True)
        lin(x).sum().backward()
        h1.remove()
        with lin.register_full_backward_hook(lambda *a: log.append("scoped")):
            lin(x).sum().backward()
        lin(x).sum().backward()
        return log

    ours, theirs = _both(run)
    assert ours == theirs
    assert ours.count("scoped") == 1 and ours.count("first") == 1


def test_no_input_requiring_grad_fires_on_outputs_with_torch_warning():
    def run(lib):
        lin, seen = _mlp(lib)[0], []
        lin.register_full_backward_hook(lambda m, gi, go: seen.append((gi, _sums(go))))
        with pytest.warns(UserWarning, match="Full backward hook is firing when gradients"):
            lin(_x(lib, requires_grad=False)).sum().backward()
        lin.register_full_backward_hook(lambda m, gi, go: (lib.ones(5, 3),))
        with pytest.warns(UserWarning), pytest.raises(RuntimeError, match="should always "
                                                      "return None or None for all"):  # fmt: skip
            lin(_x(lib, requires_grad=False)).sum().backward()
        return seen[0]

    ours, theirs = _both(run)
    assert ours == theirs and ours[0] == (None,)


@pytest.mark.parametrize("lib", LIBS, ids=["retrograd", "torch"])
def test_wrong_number_of_gradients_returned_is_an_error(lib):
    lin = lib.nn.Linear(2, 2)
    x = lib.ones(1, 2, requires_grad=True)
    h = lin.register_full_backward_hook(lambda m, gi, go: (gi[0], gi[0]))
    with pytest.raises(RuntimeError, match="invalid number of grad_input, got 2, but expected 1"):
        lin(x).sum().backward()
    h.remove()
    lin.register_full_backward_pre_hook(lambda m, go: (go[0], go[0]))
    with pytest.raises(RuntimeError, match="invalid number of grad_output, got 2, but expected 1"):
        lin(x).sum().backward()


@pytest.mark.parametrize("lib", LIBS, ids=["retrograd", "torch"])
def test_in_place_change_of_a_hooked_output_is_forbidden(lib):
    net = lib.nn.Sequential(lib.nn.Linear(2, 2), lib.nn.ReLU(inplace=True))
    net[0].register_full_backward_hook(lambda *a: None)
    x = lib.ones(1, 2, requires_grad=True)
    with pytest.raises(RuntimeError, match="Output 0 of BackwardHookFunction is a view and is "
                                           "being modified inplace"):  # fmt: skip
        net(x)
    with lib.no_grad():  # nothing recorded, nothing wrapped
        net(x)


@pytest.mark.parametrize("lib", LIBS, ids=["retrograd", "torch"])
def test_output_that_is_not_a_tensor_or_tuple_warns(lib):
    class DictOut(lib.nn.Module):
        def forward(self, x):
            return {"y": x * 2}

    m = DictOut()
    m.register_full_backward_hook(lambda *a: None)
    with pytest.warns(UserWarning, match="module output should be a Tensor or a tuple of "
                                         "Tensors but received <class 'dict'>"):  # fmt: skip
        m(lib.ones(2, requires_grad=True))


def test_global_module_hooks_run_on_every_module_before_its_own():
    def run(lib):
        mm = lib.nn.modules.module
        net, log = _mlp(lib), []
        net[2].register_full_backward_hook(lambda m, gi, go: log.append(("own", type(m).__name__)))
        handles = [
            mm.register_module_full_backward_pre_hook(
                lambda m, go: log.append(("global pre", type(m).__name__, _sums(go)))
            ),
            mm.register_module_full_backward_hook(
                lambda m, gi, go: log.append(("global", type(m).__name__, _sums(gi)))
            ),
        ]
        try:
            net(_x(lib)).sum().backward()
        finally:
            for h in handles:
                h.remove()
        net(_x(lib)).sum().backward()  # removed: only the module's own hook runs
        return log

    ours, theirs = _both(run)
    assert [e[:2] for e in ours] == [e[:2] for e in theirs]
    for a, b in zip(ours, theirs):
        if len(a) > 2:
            np.testing.assert_allclose(np.array(a[2], float), np.array(b[2], float), rtol=1e-4)
