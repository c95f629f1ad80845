"""Composable function transforms under ``torch.func``'s names: ``grad``,
``grad_and_value``, ``vjp``, ``jvp``, ``jacrev``, ``jacfwd``, ``hessian``,
``functional_call`` and ``vmap``. Each returns (or runs) an ordinary function, so they nest
to any depth: ``jacfwd(jacrev(f))``, ``grad(grad(f))``, ``vmap(grad(f))``.

Example:
    >>> from retrograd.func import grad
    >>> grad(grad(lambda x: x.sin()))(retrograd.tensor(0.5))
    tensor(-0.4794)
"""

from ._eager import grad, grad_and_value, hessian, jacfwd, jacrev, jvp, vjp
from ._functional_call import functional_call
from ._vmap import vmap

__all__ = [
    "grad", "grad_and_value", "vjp", "jvp", "jacrev", "jacfwd", "hessian",
    "functional_call", "vmap",
]  # fmt: skip
