"""PolicyqaError: the base of every error a user can cause and fix.

The CLI prints one as a single line, without a traceback. Each layer declares its own family
(``policyqa.ingest.errors``, ``policyqa.index.errors``, ``policyqa.qa.errors``, ``policyqa.eval.errors``).
"""

from __future__ import annotations


class PolicyqaError(Exception):
    """Base of every error a user can cause and fix."""
