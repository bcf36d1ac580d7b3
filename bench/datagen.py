"""Seeded input data for the benchmark workloads, generated once and cached under bench/data/.

Each generator writes to a name derived from its parameters (size, seed), through a temporary file
renamed at the end, so an interrupted run never leaves a truncated input behind and a second run
reuses the file. The same seed always gives the same bytes.

- text(): lines of ~10 words drawn from a ~50k-word vocabulary with Zipf weights (1/rank), for
  wordcount.
- kv(): "key value" lines of 100 bytes (10 hex-digit random key, 88 hex-digit value), for sort.
- graph(): "src dst" edge lines (src uniform, dst Zipf-skewed), for pagerank.
"""

from __future__ import annotations

import itertools
import os
import random
import string
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent / "data"


def _cached(name: str, write) -> Path:
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    path = DATA_DIR / name
    if not path.exists():
        tmp = path.with_suffix(".part")
        with open(tmp, "w") as f:
            write(f)
        os.replace(tmp, path)
    return path


def vocabulary(n: int, rng: random.Random) -> list[str]:
    words: set[str] = set()
    while len(words) < n:
        words.add("".join(rng.choices(string.ascii_lowercase, k=rng.randint(2, 10))))
    return sorted(words)


def text(size: int, seed: int = 0, vocab_size: int = 50_000, words_per_line: int = 10) -> Path:
    def write(f) -> None:
        rng = random.Random(seed)
        vocab = vocabulary(vocab_size, rng)
        rng.shuffle(vocab)  # rank order independent of spelling
        cum = list(itertools.accumulate(1.0 / r for r in range(1, vocab_size + 1)))
        written = 0
        while written < size:
            words = rng.choices(vocab, cum_weights=cum, k=100_000)
            chunk = (
                "\n".join(
                    " ".join(words[i : i + words_per_line])
                    for i in range(0, len(words), words_per_line)
                )
                + "\n"
            )
            if written + len(chunk) > size:  # stop at the last whole line within `size`
                chunk = (
                    chunk[: chunk.rfind("\n", 0, size - written) + 1]
                    or chunk[: chunk.find("\n") + 1]
                )
                f.write(chunk)
                break
            f.write(chunk)
            written += len(chunk)

    return _cached(f"text-{size}-s{seed}.txt", write)


def kv(size: int, seed: int = 0, line_bytes: int = 100) -> Path:
    def write(f) -> None:
        rng = random.Random(seed)
        hex_len = line_bytes - 2  # key + space + value + newline
        remaining = max(1, size // line_bytes)
        while remaining:
            lines = min(remaining, 100_000)
            remaining -= lines
            h = rng.randbytes(lines * hex_len // 2).hex()
            f.write(
                "".join(
                    f"{h[i : i + 10]} {h[i + 10 : i + hex_len]}\n"
                    for i in range(0, len(h), hex_len)
                )
            )

    return _cached(f"kv-{size}-s{seed}.txt", write)


def graph(edges: int, seed: int = 0, avg_degree: int = 10) -> Path:
    def write(f) -> None:
        rng = random.Random(seed)
        nodes = max(2, edges // avg_degree)
        cum = list(itertools.accumulate(1.0 / r for r in range(1, nodes + 1)))
        dst = rng.choices(range(nodes), cum_weights=cum, k=edges)
        f.writelines(f"{rng.randrange(nodes)} {d}\n" for d in dst)

    return _cached(f"graph-{edges}-s{seed}.txt", write)


if __name__ == "__main__":  # python bench/datagen.py: a quick look at each kind
    for p in (text(2000), kv(1000), graph(20)):
        with open(p) as f:
            print(p, p.stat().st_size, "bytes:", f.readline().rstrip())
