"""The `tool_call_accuracy` evaluate module: load the directory with `evaluate.load`, not this package.

A package only so that the metric script ships inside wheels.
"""
