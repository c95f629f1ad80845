"""The ``retrograd.*`` / ``Tensor.*`` operation surface: argument handling, promotion and
composites over the primitives in ``_prims``. No derivative rules live here."""

from . import _out, creation, elementwise_ops, linalg_ops, reduce_ops, shape_ops
from . import methods as _methods  # noqa: F401  (attaches Tensor methods)

# after the methods took the plain functions: only retrograd.xxx(..., out=t) pays for out=
_out.install(creation, elementwise_ops, linalg_ops, reduce_ops, shape_ops)
