"""retrograd.backends.mkldnn: the oneDNN switch (a settable value; NumPy's BLAS is used)."""

__all__ = ["enabled", "is_available"]

enabled = True


def is_available() -> bool:
    return False
