"""``python -m sparkcli``: the same entry point as the ``sparkcli`` console script."""

from sparkcli.cli.main import main

if __name__ == "__main__":
    main()
