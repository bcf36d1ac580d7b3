"""pagerank: Spark's examples/src/main/python/pagerank.py over an edge-list file ("src dst" lines),
links RDD cached, with sc.textFile instead of spark.read.text.

    sparkcli submit --master 'local[2]' bench/workloads/pagerank.py GRAPH_FILE 10
"""

import re
import sys
from operator import add

from pyspark.sql import SparkSession


def computeContribs(urls, rank):
    num_urls = len(urls)
    for url in urls:
        yield (url, rank / num_urls)


def parseNeighbors(urls):
    parts = re.split(r"\s+", urls)
    return parts[0], parts[1]


if __name__ == "__main__":
    spark = SparkSession.builder.appName("bench-pagerank").getOrCreate()
    sc = spark.sparkContext
    lines = sc.textFile(sys.argv[1])
    links = lines.map(parseNeighbors).distinct().groupByKey().cache()
    ranks = links.map(lambda url_neighbors: (url_neighbors[0], 1.0))
    for _ in range(int(sys.argv[2])):
        contribs = links.join(ranks).flatMap(
            lambda url_urls_rank: computeContribs(url_urls_rank[1][0], url_urls_rank[1][1])
        )
        ranks = contribs.reduceByKey(add).mapValues(lambda rank: rank * 0.85 + 0.15)
    result = ranks.collect()
    top = sorted(result, key=lambda kv: (-kv[1], kv[0]))[:3]
    print(
        "RESULT",
        len(result),
        round(sum(r for _, r in result), 2),
        [(url, round(rank, 4)) for url, rank in top],
    )
    spark.stop()
