"""retrograd.utils.tensorboard: ``SummaryWriter`` writing TensorBoard event files.

The event files and their protocol buffers come from the ``tensorboard`` package, as in
``torch.utils.tensorboard``; importing this module without it installed raises ImportError
(``pip install tensorboard``, or retrograd's ``tensorboard`` extra).
"""

try:
    import tensorboard
except ImportError as e:
    raise ImportError(
        "retrograd.utils.tensorboard writes TensorBoard event files with the `tensorboard` "
        "package, which is not installed: pip install tensorboard"
    ) from e

from .writer import FileWriter, SummaryWriter

del tensorboard

__all__ = ["FileWriter", "SummaryWriter"]
