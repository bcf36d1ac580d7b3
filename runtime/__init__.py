"""The execution engine: scheduler, executors, shuffle, RPC, deploy daemons.

This package never imports the user-facing API that sits on top of it, nor names it: what
the engine must know about its caller (the command that runs it again, the program name for
daemon files and the web UI, modules executors pre-import, executor init hooks) is passed in.
The imports it makes inside functions, and why, are listed in docs/architecture.md.
"""
