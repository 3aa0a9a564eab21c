"""Settings live in the lowest layer (ingest.settings) so every layer can take them; re-exported here."""

from policyqa.ingest.settings import ENV_PREFIX, Settings

__all__ = ["ENV_PREFIX", "Settings"]
