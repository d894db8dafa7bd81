"""Plumbing every stage shares: atomic writes, content hashes, the cache root, YAML with line numbers.

Nothing here knows about suites, models or scores.
"""
