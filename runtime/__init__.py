"""The sparkcli execution engine: scheduler, executors, shuffle, RPC, deploy daemons.

This package never imports ``sparkcli`` (the user-facing API sits on top of it).
"""
