"""Generate a folder of flight CSV files for examples/flights.py.

    python examples/flights_data.py flights/ [--files 4] [--rows 2000] [--seed 1]

Each file has a header line and rows of Year,Month,DayofMonth,DepTime,Carrier,FlightNum,
Origin,Dest,ArrDelay,Distance; ArrDelay is sometimes empty (a cancelled flight), as in the
real on-time data.
"""

import argparse
import os
import random

AIRPORTS = ["ATL", "BOS", "DEN", "JFK", "LAX", "ORD", "SEA", "SFO"]
CARRIERS = ["AA", "DL", "UA", "WN"]
HEADER = "Year,Month,DayofMonth,DepTime,Carrier,FlightNum,Origin,Dest,ArrDelay,Distance"


def rows(rng: random.Random, n: int):
    for _ in range(n):
        origin, dest = rng.sample(AIRPORTS, 2)
        delay = "" if rng.random() < 0.05 else str(rng.randint(-30, 180))
        yield (f"2008,{rng.randint(1, 12)},{rng.randint(1, 28)},{rng.randint(0, 2359)},"
               f"{rng.choice(CARRIERS)},{rng.randint(1, 9999)},{origin},{dest},{delay},"
               f"{rng.randint(100, 2800)}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("folder")
    ap.add_argument("--files", type=int, default=4)
    ap.add_argument("--rows", type=int, default=2000)
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args()
    rng = random.Random(a.seed)
    os.makedirs(a.folder, exist_ok=True)
    for i in range(a.files):
        with open(os.path.join(a.folder, f"flights-{i:03d}.csv"), "w") as fh:
            fh.write(HEADER + "\n")
            for line in rows(rng, a.rows):
                fh.write(line + "\n")


if __name__ == "__main__":
    main()
