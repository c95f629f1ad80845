"""retrograd.nn: modules, parameters, functional layers and initialisation, as ``torch.nn``."""

from . import functional, init, utils
from .modules import *  # noqa: F403  (the layer classes, listed in modules/__init__.py)
from .modules import __all__ as _modules_all
from .parameter import Buffer, Parameter

__all__ = ["Buffer", "Parameter", "functional", "init", "utils", *_modules_all]
