"""The ``retrograd.*`` / ``Tensor.*`` operation surface: argument handling, promotion and
composites over the primitives in ``_prims``. No derivative rules live here."""

from . import methods as _methods  # noqa: F401  (attaches Tensor methods)
