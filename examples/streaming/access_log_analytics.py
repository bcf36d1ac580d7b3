"""Access-log analytics over a sliding window: requests (countByWindow), requests per HTTP
status (countByValueAndWindow), and requests per country, from a join of the stream with
a static dataset (client IP -> country) inside transform().

    sparkcli submit examples/streaming/access_log_analytics.py [<hostname> <port>]
        [--seconds N] [--batch 1] [--window 10] [--slide 2]

Without hostname/port a built-in feeder serves Apache access-log lines (Common Log Format,
generated with a fixed seed, 50 a second) on 127.0.0.1. Every --slide seconds it prints
three pprint() blocks for the last --window seconds. It stops after --seconds (default
12; 0 = at Ctrl-C). The windows subtract the batches that leave them (inverse
functions), so they need a checkpoint directory: a temporary one here.
"""

import random
import re
import shutil
import sys
import tempfile

from network_wordcount import parse_args, start_feeder
from pyspark import SparkContext
from pyspark.streaming import StreamingContext

COUNTRIES = {  # the static dataset the stream is joined with
    "10.0.0.1": "Germany", "10.0.0.2": "Germany", "172.16.4.7": "France",
    "192.168.1.20": "Japan", "192.168.1.21": "Japan", "203.0.113.9": "Brazil",
}
PAGES = ["/index.html", "/products", "/cart", "/checkout", "/api/search", "/missing.png"]
LOG = re.compile(r'^(\S+) \S+ \S+ \[[^\]]+\] "(\S+) (\S+) \S+" (\d{3}) (\d+|-)$')


def generate_log(n=40, seed=42):
    """``n`` access-log lines, Common Log Format; the feeder sends them over and over."""
    rng = random.Random(seed)
    lines = []
    for i in range(n):
        page = rng.choice(PAGES)
        status = 404 if page == "/missing.png" else rng.choice([200] * 8 + [304, 500])
        size = "-" if status == 304 else str(rng.randint(200, 9000))
        lines.append(f'{rng.choice(list(COUNTRIES))} - - [22/Nov/2026:02:04:{i % 60:02d} +0000] '
                     f'"GET {page} HTTP/1.1" {status} {size}')
    return lines


def parse(line):
    """(ip, method, path, status, bytes) of a log line; None for a line that is not one."""
    m = LOG.match(line)
    if m is None:
        return None
    ip, method, path, status, size = m.groups()
    return ip, method, path, int(status), 0 if size == "-" else int(size)


if __name__ == "__main__":
    args, opts = parse_args(sys.argv[1:], seconds=12.0, window=10.0, slide=2.0)
    host, port = (args[0], int(args[1])) if len(args) == 2 \
        else start_feeder(generate_log(), interval=0.02)
    sc = SparkContext("local[2]", "AccessLogAnalytics")
    sc.setLogLevel("WARN")
    ssc = StreamingContext(sc, opts.batch)
    checkpoint = tempfile.mkdtemp(prefix="access-log-")
    ssc.checkpoint(checkpoint)
    countries = sc.parallelize(sorted(COUNTRIES.items()))
    w, s = opts.window, opts.slide

    requests = ssc.socketTextStream(host, port).map(parse).filter(lambda r: r is not None)
    requests.countByWindow(w, s).map(lambda n: f"requests in the last {w:g} s: {n}").pprint()
    requests.map(lambda r: r[3]).countByValueAndWindow(w, s) \
        .transform(lambda rdd: rdd.sortByKey()).pprint()
    per_ip = requests.map(lambda r: r[0]).countByValueAndWindow(w, s)
    per_ip.transform(lambda rdd: rdd.join(countries)
                     .map(lambda ip_n_country: (ip_n_country[1][1], ip_n_country[1][0]))
                     .reduceByKey(lambda a, b: a + b)
                     .sortBy(lambda kv: (-kv[1], kv[0]))).pprint()

    ssc.start()
    ssc.awaitTermination(opts.seconds or None)
    ssc.stop()
    shutil.rmtree(checkpoint, ignore_errors=True)
