"""Keep freed array memory in the process instead of handing it back to the OS every step.

A training step allocates and frees the same large arrays (activations, gradients, optimizer
temporaries) again and again. By default glibc's malloc serves large arrays with fresh
``mmap`` calls and returns the free top of its heap to the OS early, so every step
page-faults its arrays' memory back in: in the MLP training benchmark that was a third of the
step (PyTorch's CPU allocator avoids the same cost). So, once at import and only on glibc
(Linux), retrograd asks malloc to serve arrays up to 16 MiB from its heap and to keep up to
``RETROGRAD_MALLOC_TRIM`` bytes (default 64 MiB) of free heap before trimming it.
``RETROGRAD_MALLOC_TRIM=0`` leaves malloc untouched.
"""

from __future__ import annotations

import os

DEFAULT_TRIM = 64 << 20
MMAP_THRESHOLD = 16 << 20
# glibc's mallopt parameter numbers (malloc.h)
_M_TRIM_THRESHOLD = -1
_M_MMAP_THRESHOLD = -3


def tune_malloc() -> int:
    """Set glibc's trim and mmap thresholds; return the trim threshold (0: left untouched)."""
    try:
        trim = int(os.environ.get("RETROGRAD_MALLOC_TRIM", DEFAULT_TRIM))
    except ValueError:
        return 0
    if trim <= 0 or not hasattr(os, "confstr"):
        return 0
    try:
        if not (os.confstr("CS_GNU_LIBC_VERSION") or "").startswith("glibc"):
            return 0
        import ctypes

        libc = ctypes.CDLL(None)
        ok = libc.mallopt(_M_MMAP_THRESHOLD, MMAP_THRESHOLD) == 1
        ok = ok and libc.mallopt(_M_TRIM_THRESHOLD, trim) == 1
        return trim if ok else 0
    except (OSError, ValueError, AttributeError):
        return 0
