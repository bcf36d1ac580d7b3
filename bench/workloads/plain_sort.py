"""Plain single-process baseline for sort.py: read every pair, sorted() by key."""

import sys
from operator import itemgetter

if __name__ == "__main__":
    with open(sys.argv[1]) as f:
        pairs = [tuple(line.rstrip("\n").split(" ", 1)) for line in f]
    ordered = sorted(pairs, key=itemgetter(0))
    print("RESULT", len(ordered), ordered[0][0], ordered[-1][0], True)
