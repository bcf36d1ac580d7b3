"""Web server log analytics: requests and bytes per client IP (the Spark course's accessLogs).

    sparkcli submit --master 'local[2]' examples/access_log_analytics.py [LOGFILE]
    sparkcli submit --master 'local[2]' examples/access_log_analytics.py \\
        --lines 5000 --seed 42 --output /tmp/access.log

LOGFILE is an Apache access log in the Common Log Format, one request per line:

    127.0.0.1 - frank [10/Oct/2000:13:55:36 -0700] "GET /apache_pb.gif HTTP/1.0" 200 2326

Without LOGFILE the example writes a log of --lines requests (default 3000) generated from
--seed (default 42) to --output, or to a temporary file that it removes at the end; it prints
the path either way. Then:

    requests per IP    map((ip, 1)).reduceByKey(add)
    bytes per IP       map((ip, size)).reduceByKey(add)      ("-" as a size counts as 0)
    both               requests.join(bytes)                  -> (ip, (requests, bytes))

and prints the 10 IPs with the most requests (ties by IP), with their bytes. Lines that do not
parse are counted and skipped. The script is plain PySpark and runs unchanged with spark-submit.
"""

import argparse
import os
import random
import re
import sys
import tempfile
from operator import add

from pyspark.sql import SparkSession

# host ident user [timestamp] "method path protocol" status size
LOG_PATTERN = re.compile(
    r'^(\S+) (\S+) (\S+) \[([\w:/]+\s[+\-]\d{4})\] "(\S+) (\S+)\s*(\S*)\s*" (\d{3}) (\S+)'
)


def parse_line(line):
    """(ip, bytes) for a Common Log Format line, or None if it does not parse."""
    m = LOG_PATTERN.match(line)
    if m is None:
        return None
    size = m.group(9)
    return m.group(1), (0 if size == "-" else int(size))


def generate_log(path, lines, seed):
    """Write ``lines`` seeded, plausible access-log lines to ``path``: a few busy clients and
    a long tail, as real traffic has."""
    rng = random.Random(seed)
    ips = [
        f"{rng.randint(1, 223)}.{rng.randint(0, 255)}.{rng.randint(0, 255)}.{rng.randint(1, 254)}"
        for _ in range(200)
    ]
    weights = [1.0 / (rank + 1) for rank in range(len(ips))]  # Zipf-like popularity
    paths = [
        "/",
        "/index.html",
        "/about.html",
        "/products",
        "/products/42",
        "/cart",
        "/login",
        "/api/v1/items",
        "/static/app.js",
        "/static/style.css",
        "/images/logo.png",
    ]
    users = ["-"] * 9 + ["frank", "alice"]
    months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
    with open(path, "w", encoding="utf-8") as f:
        for _ in range(lines):
            ip = rng.choices(ips, weights)[0]
            method = rng.choices(["GET", "POST", "HEAD"], [90, 8, 2])[0]
            status = rng.choices([200, 304, 404, 500], [85, 8, 6, 1])[0]
            size = "-" if status == 304 or method == "HEAD" else str(rng.randint(200, 50000))
            stamp = (
                f"{rng.randint(1, 28):02d}/{rng.choice(months)}/2024:"
                f"{rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}:{rng.randint(0, 59):02d}"
                " +0000"
            )
            f.write(
                f"{ip} - {rng.choice(users)} [{stamp}] "
                f'"{method} {rng.choice(paths)} HTTP/1.1" {status} {size}\n'
            )


def main(argv):
    parser = argparse.ArgumentParser(
        prog="access_log_analytics.py", description="Requests and bytes per client IP."
    )
    parser.add_argument("logfile", nargs="?", help="an Apache access log (Common Log Format)")
    parser.add_argument("--lines", type=int, default=3000, help="lines to generate (3000)")
    parser.add_argument("--seed", type=int, default=42, help="seed for the generated log (42)")
    parser.add_argument("--output", help="where to write the generated log (default: a temp file)")
    parser.add_argument("--top", type=int, default=10, help="how many IPs to show (10)")
    args = parser.parse_args(argv)

    remove_after = None
    path = args.logfile
    if path is None:
        if args.output:
            path = args.output
        else:
            fd, path = tempfile.mkstemp(prefix="access-", suffix=".log")
            os.close(fd)
            remove_after = path
        generate_log(path, args.lines, args.seed)
        print(f"Generated {args.lines} log lines (seed {args.seed}) in {path}")
    elif not os.path.exists(path):
        print(f"access_log_analytics: no such file: {path}", file=sys.stderr)
        return 2

    spark = SparkSession.builder.appName("AccessLogAnalytics").getOrCreate()
    sc = spark.sparkContext
    try:
        parsed = sc.textFile(path).map(parse_line)
        bad = parsed.filter(lambda r: r is None).count()
        accessLogs = parsed.filter(lambda r: r is not None).cache()

        requests = accessLogs.map(lambda r: (r[0], 1)).reduceByKey(add)
        bytes_ = accessLogs.map(lambda r: (r[0], r[1])).reduceByKey(add)
        joined = requests.join(bytes_)  # (ip, (requests, bytes))

        total_requests, total_bytes = joined.values().reduce(
            lambda a, b: (a[0] + b[0], a[1] + b[1])
        )
        distinct = joined.count()
        top = joined.takeOrdered(args.top, key=lambda kv: (-kv[1][0], kv[0]))

        print(
            f"Parsed {total_requests} requests from {distinct} IPs, {total_bytes} bytes "
            f"in all; {bad} unparsable lines skipped"
        )
        print(f"Top {len(top)} IPs by requests:")
        print(f"  {'ip':<16} {'requests':>9} {'bytes':>12}")
        for ip, (n, b) in top:
            print(f"  {ip:<16} {n:>9} {b:>12}")
    finally:
        spark.stop()
        if remove_after:
            os.remove(remove_after)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
