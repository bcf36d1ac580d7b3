"""Plain single-process baseline for pagerank.py: the same iterations over dicts."""

import sys
from collections import defaultdict

if __name__ == "__main__":
    with open(sys.argv[1]) as f:
        edges = {tuple(line.split()) for line in f}
    links = defaultdict(list)
    for src, dst in edges:
        links[src].append(dst)
    ranks = {url: 1.0 for url in links}
    for _ in range(int(sys.argv[2])):
        contribs = defaultdict(float)
        for url, urls in links.items():
            if url in ranks:
                share = ranks[url] / len(urls)
                for dst in urls:
                    contribs[dst] += share
        ranks = {url: c * 0.85 + 0.15 for url, c in contribs.items()}
    top = sorted(ranks.items(), key=lambda kv: (-kv[1], kv[0]))[:3]
    print(
        "RESULT",
        len(ranks),
        round(sum(ranks.values()), 2),
        [(url, round(rank, 4)) for url, rank in top],
    )
