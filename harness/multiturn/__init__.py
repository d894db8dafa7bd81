"""Multi-turn cases: executable tool environments and the execution-based checker that scores a conversation.

`environment` runs calls (simulator classes or recorded responses); `simulator_file` and `recorded_file` load
them from a suite's files; `checker` judges a conversation turn by turn; `bfcl_env` builds BFCL v4's simulators.
"""
