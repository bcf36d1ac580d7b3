"""Running word counts that survive a driver restart: StreamingContext.getOrCreate
(PySpark's recoverable_network_wordcount.py, with updateStateByKey totals).

    sparkcli submit examples/streaming/recoverable_wordcount.py <checkpoint-dir> [--seconds N]
        [--batch S]

Run it, let it stop (or kill it), run it again with the same checkpoint directory: the
second run prints "Recovered" and its totals continue from the first run's last saved
totals (saved every 2 batches here; records received after that are lost unless
spark.streaming.receiver.writeAheadLog.enable=true, as in Spark). The batch interval
(--batch, default 1 s) is the first run's: a recovered context keeps its own.
"""

import sys

from network_wordcount import LINES, parse_args, start_feeder
from pyspark import SparkContext
from pyspark.streaming import StreamingContext


def update_func(new_values, last_sum):
    return sum(new_values) + (last_sum or 0)


CREATED = []


def create_context(host, port, checkpoint, batch):
    print("Creating new context")
    CREATED.append(True)
    sc = SparkContext("local[2]", "RecoverableWordCount")
    sc.setLogLevel("WARN")
    ssc = StreamingContext(sc, batch)
    words = ssc.socketTextStream(host, port).flatMap(lambda line: line.split(" "))
    totals = words.map(lambda w: (w, 1)).updateStateByKey(update_func)
    totals.checkpoint(2 * batch)  # save the totals every 2 batches (default: every 10 s)
    totals.pprint(20)
    ssc.checkpoint(checkpoint)
    return ssc


if __name__ == "__main__":
    args, opts = parse_args(sys.argv[1:])
    if not args:
        print("Usage: recoverable_wordcount.py <checkpoint-dir> [--seconds N] [--batch S]",
              file=sys.stderr)
        sys.exit(1)
    checkpoint = args[0]
    host, port = start_feeder(LINES)
    ssc = StreamingContext.getOrCreate(checkpoint,
                                       lambda: create_context(host, port, checkpoint, opts.batch))
    if not CREATED:
        print("Recovered from checkpoint", checkpoint)
        # the saved socket receiver points at the previous run's feeder: retarget it
        # (a real source, e.g. nc -lk 9999, keeps its address across restarts)
        for stream in ssc._graph.input_streams:
            stream.receiver.host, stream.receiver.port = host, port
    ssc.start()
    ssc.awaitTermination(opts.seconds or None)
    ssc.stop()
