"""Command-line interface: thin click commands over plain ``run()`` functions.

``sparkcli.cli.main`` holds the ``sparkcli`` group; each subcommand lives in its own module
(``sparkcli.cli.submit``, ...) and is imported only when invoked, so ``sparkcli submit`` does
not pay for the shell's or the daemons' imports.
"""
