"""LoRA fine-tuning for candidates with a `lora:` block: training data import, SFT with trl, adapter cache.

Heavy libraries (torch, transformers, peft, trl, datasets) load only when a function that needs them runs.
"""
