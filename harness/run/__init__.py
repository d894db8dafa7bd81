"""Stage 2, running: the runner (train, prompt, generate, score per case), prompting strategies, pricing.

Backends live in `harness.backends`, scoring in `harness.scoring`; the runner only orchestrates them.
"""
