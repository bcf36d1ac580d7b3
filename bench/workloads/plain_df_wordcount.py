"""Plain single-process baseline for df_wordcount.py: a collections.Counter loop."""

import sys
from collections import Counter

if __name__ == "__main__":
    counter = Counter()
    with open(sys.argv[1]) as f:
        for line in f:
            counter.update(line.split())
    top = sorted(counter.items(), key=lambda kv: (-kv[1], kv[0]))[:5]
    print("RESULT", top)
