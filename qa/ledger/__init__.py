"""The responsibility ledger: units scoped by region, their tasks, the 责任分工表 and its answers."""
