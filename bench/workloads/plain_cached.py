"""Plain single-process baseline for cached.py: a list, filtered and counted ITER times."""

import sys

if __name__ == "__main__":
    n, iterations = int(sys.argv[1]), int(sys.argv[2])
    data = [i * 7919 % 10007 for i in range(n)]
    counts = [sum(1 for x in data if x % 3 == 0) for _ in range(iterations)]
    print("RESULT", len(counts), set(counts))
