"""retrograd.backends: PyTorch's backend switches, so scripts that set them run unchanged.

retrograd computes everything with NumPy on the CPU, so the CUDA/cuDNN/MPS flags are
plain settable values that change nothing; ``cpu.get_cpu_capability`` and
``opt_einsum.is_available`` report on this machine.
"""

from . import cpu, cuda, cudnn, mkldnn, mps, opt_einsum

__all__ = ["cpu", "cuda", "cudnn", "mkldnn", "mps", "opt_einsum"]
