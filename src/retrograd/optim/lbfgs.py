"""L-BFGS: a limited-memory quasi-Newton method, optionally with a strong-Wolfe line search."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .._ops.creation import zeros
from .._ops.shape_ops import cat
from .._tensor import Tensor
from ..autograd.grad_mode import enable_grad, no_grad
from .optimizer import Optimizer, _check_hyper

__all__ = ["LBFGS"]


def _cubic_interpolate(
    x1: Any, f1: Any, g1: Any, x2: Any, f2: Any, g2: Any, bounds: tuple | None = None
) -> Any:
    """Minimiser of the cubic through two points with given values and slopes, clamped to
    ``bounds`` (the midpoint when the cubic has no minimum)."""
    if bounds is not None:
        xmin_bound, xmax_bound = bounds
    else:
        xmin_bound, xmax_bound = (x1, x2) if x1 <= x2 else (x2, x1)
    d1 = g1 + g2 - 3 * (f1 - f2) / (x1 - x2)
    d2_square = d1**2 - g1 * g2
    if d2_square >= 0:
        d2 = d2_square.sqrt()
        if x1 <= x2:
            min_pos = x2 - (x2 - x1) * ((g2 + d2 - d1) / (g2 - g1 + 2 * d2))
        else:
            min_pos = x1 - (x1 - x2) * ((g1 + d2 - d1) / (g1 - g2 + 2 * d2))
        return min(max(min_pos, xmin_bound), xmax_bound)
    return (xmin_bound + xmax_bound) / 2.0


class _Bracket:
    """The two ends of the interval a strong-Wolfe search narrows: step, loss, grad, slope."""

    def __init__(self, t: list, f: list, g: list, gtd: list) -> None:
        self.t, self.f, self.g, self.gtd = t, f, g, gtd

    def order(self) -> tuple[int, int]:
        return (0, 1) if self.f[0] <= self.f[-1] else (1, 0)

    def set(self, i: int, t: Any, f: Any, g: Any, gtd: Any) -> None:
        self.t[i], self.f[i], self.g[i], self.gtd[i] = t, f, g, gtd


def _bracket_phase(obj_func, x, t, d, f, g, gtd, c1, c2, max_ls):  # noqa: ANN001, ANN202
    """Grow the step until the Wolfe conditions hold or an interval containing a point that
    satisfies them is found (PyTorch's first loop)."""
    f_new, g_new = obj_func(x, t, d)
    evals, gtd_new = 1, g_new.dot(d)
    t_prev, f_prev, g_prev, gtd_prev = 0, f, g, gtd
    ls_iter = 0
    while ls_iter < max_ls:
        too_far = f_new > (f + c1 * t * gtd) or (ls_iter > 1 and f_new >= f_prev)
        # the order of these tests is PyTorch's: the Wolfe test wins over a rising slope
        if not too_far and abs(gtd_new) <= -c2 * gtd:
            return _Bracket([t], [f_new], [g_new], [gtd_new]), True, ls_iter, evals
        if too_far or gtd_new >= 0:
            br = _Bracket(
                [t_prev, t], [f_prev, f_new], [g_prev, g_new.clone()], [gtd_prev, gtd_new]
            )
            return br, False, ls_iter, evals
        min_step, max_step = t + 0.01 * (t - t_prev), t * 10
        tmp = t
        t = _cubic_interpolate(
            t_prev, f_prev, gtd_prev, t, f_new, gtd_new, bounds=(min_step, max_step)
        )
        t_prev, f_prev, g_prev, gtd_prev = tmp, f_new, g_new.clone(), gtd_new
        f_new, g_new = obj_func(x, t, d)
        evals += 1
        gtd_new = g_new.dot(d)
        ls_iter += 1
    # out of evaluations: PyTorch keeps no slopes for this interval
    return _Bracket([0, t], [f, f_new], [g, g_new], [None, None]), False, ls_iter, evals


def _safeguard(t: Any, bracket: list, insuf_progress: bool) -> tuple[Any, bool]:
    """Keep the interpolated step away from the interval's ends (PyTorch's rule)."""
    eps = 0.1 * (max(bracket) - min(bracket))
    if min(max(bracket) - t, t - min(bracket)) >= eps:
        return t, False
    if insuf_progress or t >= max(bracket) or t <= min(bracket):
        if abs(t - max(bracket)) < abs(t - min(bracket)):
            return max(bracket) - eps, False
        return min(bracket) + eps, False
    return t, True


def _strong_wolfe(obj_func, x, t, d, f, g, gtd, c1=1e-4, c2=0.9, tolerance_change=1e-9, max_ls=25):  # noqa: ANN001, ANN202, E501
    """Line search along ``d`` for a step satisfying the strong Wolfe conditions; returns
    (loss, flat grad, step, evaluations), as PyTorch's ``_strong_wolfe``."""
    d_norm = d.abs().max()
    br, done, ls_iter, evals = _bracket_phase(obj_func, x, t, d, f, g.clone(), gtd, c1, c2, max_ls)
    insuf_progress = False
    low, high = br.order()
    while not done and ls_iter < max_ls:
        if abs(br.t[1] - br.t[0]) * d_norm < tolerance_change:
            break
        t = _cubic_interpolate(br.t[0], br.f[0], br.gtd[0], br.t[1], br.f[1], br.gtd[1])
        t, insuf_progress = _safeguard(t, br.t, insuf_progress)
        f_new, g_new = obj_func(x, t, d)
        evals += 1
        gtd_new = g_new.dot(d)
        ls_iter += 1
        if f_new > (f + c1 * t * gtd) or f_new >= br.f[low]:
            br.set(high, t, f_new, g_new.clone(), gtd_new)
            low, high = br.order()
            continue
        if abs(gtd_new) <= -c2 * gtd:
            done = True
        elif gtd_new * (br.t[high] - br.t[low]) >= 0:
            br.set(high, br.t[low], br.f[low], br.g[low], br.gtd[low])
        br.set(low, t, f_new, g_new.clone(), gtd_new)
    return br.f[low], br.g[low], br.t[low], evals


class LBFGS(Optimizer):
    """L-BFGS, as ``torch.optim.LBFGS``: ``step(closure)`` runs up to ``max_iter`` iterations,
    re-evaluating the loss through ``closure``.

    Args:
        params (iterable): the tensors to optimize (a single group).
        lr (float): step length (default: 1).
        max_iter (int): iterations per ``step`` (default: 20).
        max_eval (int, optional): closure evaluations per ``step`` (default: max_iter * 1.25).
        tolerance_grad (float): stop when the largest gradient entry is this small (1e-7).
        tolerance_change (float): stop when the loss or step changes less (default: 1e-9).
        history_size (int): number of curvature pairs kept (default: 100).
        line_search_fn (str, optional): ``None`` or ``'strong_wolfe'``.

    Example:
        >>> opt = retrograd.optim.LBFGS([x], line_search_fn="strong_wolfe")
        >>> def closure():
        ...     opt.zero_grad(); loss = f(x); loss.backward(); return loss
        >>> opt.step(closure)
    """

    def __init__(
        self,
        params: Any,
        lr: float = 1,
        max_iter: int = 20,
        max_eval: int | None = None,
        tolerance_grad: float = 1e-7,
        tolerance_change: float = 1e-9,
        history_size: int = 100,
        line_search_fn: str | None = None,
    ) -> None:
        _check_hyper("learning rate", lr)
        if max_eval is None:
            max_eval = max_iter * 5 // 4
        defaults = {
            "lr": lr,
            "max_iter": max_iter,
            "max_eval": max_eval,
            "tolerance_grad": tolerance_grad,
            "tolerance_change": tolerance_change,
            "history_size": history_size,
            "line_search_fn": line_search_fn,
        }
        super().__init__(params, defaults)
        if len(self.param_groups) != 1:
            raise ValueError("LBFGS doesn't support per-parameter options (parameter groups)")
        self._params: list[Tensor] = self.param_groups[0]["params"]

    def _gather_flat_grad(self) -> Tensor:
        views = [
            zeros(p.numel(), dtype=p.dtype) if p.grad is None else p.grad.reshape(-1)
            for p in self._params
        ]
        return cat(views, 0)

    def _add_grad(self, step_size: Any, update: Tensor) -> None:
        offset = 0
        for p in self._params:
            numel = p.numel()
            p.add_(update[offset : offset + numel].view_as(p), alpha=float(step_size))
            offset += numel

    def _directional_evaluate(self, closure: Callable, x: list, t: Any, d: Tensor) -> tuple:
        self._add_grad(t, d)
        loss = float(closure())
        flat_grad = self._gather_flat_grad()
        for p, pdata in zip(self._params, x):
            p.copy_(pdata)
        return loss, flat_grad

    def step(self, closure: Callable[[], Any]) -> Any:  # type: ignore[override]
        """Run up to ``max_iter`` L-BFGS iterations.

        Args:
            closure (callable): clears the gradients, computes the loss, calls ``backward``
                and returns the loss. Required.

        Returns:
            The loss from the first closure evaluation.
        """
        with no_grad():
            return _LBFGSRun(self, closure).run()


class _LBFGSRun:
    """One ``LBFGS.step``: PyTorch's loop, with the history kept in the optimizer's state."""

    def __init__(self, opt: LBFGS, closure: Callable[[], Any]) -> None:
        self.opt = opt
        self.group = opt.param_groups[0]
        self.state = opt.state[opt._params[0]]
        self.state.setdefault("func_evals", 0)
        self.state.setdefault("n_iter", 0)

        def with_grad() -> Any:
            with enable_grad():
                return closure()

        self.closure = with_grad

    def run(self) -> Any:
        state, group = self.state, self.group
        orig_loss = self.closure()
        loss = float(orig_loss)
        current_evals = 1
        state["func_evals"] += 1
        flat_grad = self.opt._gather_flat_grad()
        if flat_grad.abs().max() <= group["tolerance_grad"]:
            return orig_loss
        n_iter = 0
        while n_iter < group["max_iter"]:
            n_iter += 1
            state["n_iter"] += 1
            d = self._direction(flat_grad)
            if state.get("prev_flat_grad") is None:
                state["prev_flat_grad"] = flat_grad.clone()
            else:
                state["prev_flat_grad"].copy_(flat_grad)
            state["prev_loss"] = loss
            lr = group["lr"]
            t = min(1.0, 1.0 / flat_grad.abs().sum()) * lr if state["n_iter"] == 1 else lr
            gtd = flat_grad.dot(d)
            if gtd > -group["tolerance_change"]:
                state["t"] = t
                break
            loss, flat_grad, t, evals, opt_cond = self._move(loss, flat_grad, t, d, gtd,
                                                            n_iter, current_evals)  # fmt: skip
            state["t"] = t
            current_evals += evals
            state["func_evals"] += evals
            if self._should_stop(n_iter, current_evals, opt_cond, d, t, loss):
                break
        return orig_loss

    def _direction(self, flat_grad: Tensor) -> Tensor:
        """The two-loop recursion: -H g from the stored curvature pairs."""
        state = self.state
        if state["n_iter"] == 1:
            state.update(d=flat_grad.neg(), old_dirs=[], old_stps=[], ro=[], H_diag=1)
            return state["d"]
        y = flat_grad.sub(state["prev_flat_grad"])
        s = state["d"].mul(state["t"])
        ys = y.dot(s)
        old_dirs, old_stps, ro = state["old_dirs"], state["old_stps"], state["ro"]
        if ys > 1e-10:
            if len(old_dirs) == self.group["history_size"]:
                old_dirs.pop(0)
                old_stps.pop(0)
                ro.pop(0)
            old_dirs.append(y)
            old_stps.append(s)
            ro.append(1.0 / ys)
            state["H_diag"] = ys / y.dot(y)
        if "al" not in state:
            state["al"] = [None] * self.group["history_size"]
        al = state["al"]
        q = flat_grad.neg()
        for i in range(len(old_dirs) - 1, -1, -1):
            al[i] = old_stps[i].dot(q) * ro[i]
            q.add_(old_dirs[i], alpha=-float(al[i]))
        d = r = q * state["H_diag"]
        for i in range(len(old_dirs)):
            be_i = old_dirs[i].dot(r) * ro[i]
            r.add_(old_stps[i], alpha=float(al[i] - be_i))
        state["d"] = d
        return d

    def _move(self, loss, flat_grad, t, d, gtd, n_iter, current_evals):  # noqa: ANN001, ANN202
        """Take the step (after a line search if asked); returns the new loss, gradient, step,
        the evaluations spent and whether the gradient is small enough to stop."""
        opt, group = self.opt, self.group
        if group["line_search_fn"] is not None:
            if group["line_search_fn"] != "strong_wolfe":
                raise RuntimeError("only 'strong_wolfe' is supported")
            x_init = [p.clone() for p in opt._params]

            def obj_func(x: list, t: Any, d: Tensor) -> tuple:
                return opt._directional_evaluate(self.closure, x, t, d)

            loss, flat_grad, t, evals = _strong_wolfe(
                obj_func, x_init, t, d, loss, flat_grad, gtd,
                max_ls=group["max_eval"] - current_evals,
            )  # fmt: skip
            opt._add_grad(t, d)
            return loss, flat_grad, t, evals, bool(flat_grad.abs().max() <= group["tolerance_grad"])
        opt._add_grad(t, d)
        if n_iter == group["max_iter"]:
            return loss, flat_grad, t, 0, False
        loss = float(self.closure())
        flat_grad = opt._gather_flat_grad()
        return loss, flat_grad, t, 1, bool(flat_grad.abs().max() <= group["tolerance_grad"])

    def _should_stop(self, n_iter, current_evals, opt_cond, d, t, loss) -> bool:  # noqa: ANN001
        group = self.group
        return (
            n_iter == group["max_iter"]
            or current_evals >= group["max_eval"]
            or opt_cond
            or bool(d.mul(t).abs().max() <= group["tolerance_change"])
            or abs(loss - self.state["prev_loss"]) < group["tolerance_change"]
        )
