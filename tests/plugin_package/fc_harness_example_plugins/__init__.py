"""Example fc-harness plugins: one file per plugin type."""
