"""policyqa: semantic search and question answering over Chinese regional policy documents.

The distribution installs one top-level package, ``policyqa``. This folder (``core/``) is that package's root and
holds what every layer shares; the layers live in the design card's folders and install as its subpackages:
``ingest/`` → ``policyqa.ingest``, ``index/`` → ``policyqa.index``, ``qa/`` → ``policyqa.qa``, ``ui/`` →
``policyqa.ui``, ``eval/`` → ``policyqa.eval``, ``corpus/`` → ``policyqa.corpus``.
"""
