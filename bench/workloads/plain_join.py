"""Plain single-process baseline for join.py: a dict hash join and a dict of lists."""

import sys
from collections import defaultdict

if __name__ == "__main__":
    n, k = int(sys.argv[1]), int(sys.argv[2])
    pairs = [(i % k, i) for i in range(n)]
    table = {key: key * 2 for key in range(k)}
    joined = 0
    for key, value in pairs:
        if key in table:
            _ = (key, (value, table[key]))
            joined += 1
    groups = defaultdict(list)
    for key, value in pairs:
        groups[key].append(value)
    print("RESULT", joined, len(groups), max(len(g) for g in groups.values()))
