"""Model backends: turn prompts into generations (hf, openai, replay, and any plugin in `fc_harness.backends`).

`base` holds the interface and capabilities, `cache` the generation cache that wraps any backend.
"""
