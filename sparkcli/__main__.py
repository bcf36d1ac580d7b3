"""``python -m sparkcli``: the same as the ``sparkcli`` console script."""

from sparkcli.launcher import main

if __name__ == "__main__":
    main()
