"""Utilities around training: ``utils.data`` (datasets, samplers, DataLoader),
``utils.checkpoint`` (activation checkpointing)."""

from __future__ import annotations

from . import checkpoint, data

__all__ = ["checkpoint", "data"]
