"""Trending hashtags of a tweet stream in a sliding window, as a live terminal dashboard
(the Spark course's popular-hashtags example, on generated tweets instead of Twitter's API).

    sparkcli submit examples/streaming/trending_hashtags.py [<hostname> <port>]
        [--batch 1] [--window 10] [--slide 1] [--top 10] [--seconds 40] [--batches N]
        [--rate 100] [--phase 15] [--seed 42] [--checkpoint DIR]

Without hostname/port a built-in feeder on 127.0.0.1 sends --rate seeded fake tweets a
second. The trends change every --phase seconds' worth of tweets: first #spark (in 60% of
the tweets) and #bigdata (30%), then #worldcup and #goal, #python and #pycon, #eclipse and
#astronomy, over a long tail of other hashtags (about 4% each). Per window:

    hashtags.reduceByKeyAndWindow(add, sub, window, slide, filterFunc=count > 0)
        incremental: adds the new batches, subtracts the ones leaving the window, and drops
        hashtags whose count fell to 0 (the inverse function needs a checkpoint directory:
        --checkpoint DIR, or a temporary one removed at the end)
    .transform(lambda rdd: rdd.sortBy(count descending, then hashtag))
    .foreachRDD(dashboard)      the top --top rows, on the driver
    tweets.countByWindow(window, slide)      the number of tweets in the window

On a terminal the dashboard is a rich table redrawn in place; with stdout piped, every
slide prints a plain text table:

    Trending hashtags at 2026-11-22 02:04:38 (last 10 s: 1000 tweets)
       1  #spark             587
       2  #bigdata           294
       3  #music              53
    ...

It stops after --seconds (0 = at Ctrl-C) or after --batches windows, whichever is first.
"""

import argparse
import operator
import random
import shutil
import sys
import tempfile
import threading
import time

from network_wordcount import start_feeder
from pyspark import SparkConf, SparkContext
from pyspark.streaming import StreamingContext
from rich.console import Console
from rich.live import Live
from rich.table import Table

TRENDS = [
    ("#spark", "#bigdata"),
    ("#worldcup", "#goal"),
    ("#python", "#pycon"),
    ("#eclipse", "#astronomy"),
]
# fmt: off
BACKGROUND = [
    "#ai", "#coffee", "#mondaymotivation", "#travel", "#music", "#photography", "#cats",
    "#rustlang", "#javascript", "#cloud", "#devops", "#fitness", "#foodie", "#books",
    "#gaming", "#startup", "#design", "#weather", "#news", "#art", "#running", "#linux",
    "#opensource", "#datascience",
]
WORDS = [
    "just", "saw", "the", "best", "thing", "today", "can't", "believe", "how", "fast", "this",
    "is", "anyone", "else", "watching", "new", "release", "out", "now", "loving", "it", "so",
    "much", "what", "a", "day", "for", "a", "change", "finally", "here", "thread", "about",
    "why", "this", "matters", "big", "news", "tonight",
]
# fmt: on


class Tweets:
    """An endless, seeded stream of fake tweets; iterating starts it afresh (the feeder
    iterates once per connection). Tweet n belongs to phase n // per_phase."""

    def __init__(self, seed, per_phase):
        self.seed = seed
        self.per_phase = max(1, per_phase)

    def __iter__(self):
        rng = random.Random(self.seed)
        n = 0
        while True:
            yield make_tweet(rng, n // self.per_phase)
            n += 1


def make_tweet(rng, phase):
    first, second = TRENDS[phase % len(TRENDS)]
    tags = [first] if rng.random() < 0.6 else []
    if rng.random() < 0.3:
        tags.append(second)
    tags += rng.sample(BACKGROUND, rng.randint(0, 2))
    words = rng.sample(WORDS, rng.randint(3, 8))
    return f"@user{rng.randint(1, 500)}: {' '.join(words)} {' '.join(tags)}".rstrip()


def hashtags(tweet):
    """The hashtags of a tweet, lower-cased, without trailing punctuation."""
    tags = (w.lower().rstrip(".,;:!?") for w in tweet.split() if w.startswith("#"))
    return [t for t in tags if len(t) > 1]


class Dashboard:
    """The top hashtags of each window: a rich table redrawn in place on a terminal
    (rich.live.Live), a plain text table per window when stdout is not a terminal.

    Both output functions run on the driver, in the order they were registered:
    ``count_tweets`` then ``show`` for the same window time."""

    def __init__(self, top, window, batches=0):
        self.top, self.window, self.batches = top, window, batches
        self.console = Console()
        self.live = None
        self.tweets = {}  # window time -> tweets in the window
        self.shown = 0
        self.done = threading.Event()  # set after --batches windows

    def __getstate__(self):  # metadata checkpoints pickle the output functions, not the tty
        return {"top": self.top, "window": self.window, "batches": self.batches}

    def __setstate__(self, state):
        self.__init__(**state)

    def __enter__(self):
        if self.console.is_terminal:
            self.live = Live(self.table(None, 0, []), console=self.console, refresh_per_second=4)
            self.live.start()
        return self

    def __exit__(self, *exc):
        if self.live is not None:
            self.live.stop()

    def count_tweets(self, time, rdd):
        self.tweets[time] = sum(rdd.collect())

    def show(self, time, rdd):
        if self.done.is_set():  # a window finished while the context is stopping
            return
        top = rdd.take(self.top)
        tweets = self.tweets.pop(time, 0)
        if self.live is not None:
            self.live.update(self.table(time, tweets, top))
        else:
            print(f"Trending hashtags at {clock(time)} (last {self.window:g} s: {tweets} tweets)")
            for rank, (tag, count) in enumerate(top, 1):
                print(f"{rank:4d}  {tag:<16} {count:5d}")
            if not top:
                print("   (no hashtags yet)")
            print(flush=True)
        self.shown += 1
        if self.batches and self.shown >= self.batches:
            self.done.set()

    def table(self, time, tweets, top):
        when = f"window ending {clock(time)}" if time else "waiting for the first window"
        table = Table(
            title=f"Trending hashtags (last {self.window:g} s)", caption=f"{when} | {tweets} tweets"
        )
        table.add_column("rank", justify="right")
        table.add_column("hashtag", style="bold cyan")
        table.add_column("count", justify="right")
        table.add_column("", style="magenta", min_width=30)
        peak = top[0][1] if top else 1
        for rank, (tag, count) in enumerate(top, 1):
            table.add_row(str(rank), tag, str(count), "█" * max(1, round(30 * count / peak)))
        return table


def clock(time):
    """A batch time as ``2026-11-22 02:04:38`` (``.200`` added for sub-second batches)."""
    ms = time.microsecond // 1000
    return time.strftime("%Y-%m-%d %H:%M:%S") + (f".{ms:03d}" if ms else "")


OPTIONS = [  # flag, type, default, help
    ("--batch", float, 1.0, "batch interval, s"),
    ("--window", float, 10.0, "window length, s"),
    ("--slide", float, 1.0, "slide interval, s"),
    ("--top", int, 10, "hashtags shown"),
    ("--seconds", float, 40.0, "stop after this many seconds, 0 = at Ctrl-C"),
    ("--batches", int, 0, "stop after this many windows shown, 0 = no limit"),
    ("--rate", float, 100.0, "feeder: tweets per second"),
    ("--phase", float, 15.0, "feeder: seconds' worth of tweets per trend"),
    ("--seed", int, 42, "feeder: random seed"),
]


def parse_args(argv):
    p = argparse.ArgumentParser(description="Trending hashtags in a sliding window.")
    p.add_argument("host", nargs="?", help="read tweets from this host (default: built-in feeder)")
    p.add_argument("port", nargs="?", type=int)
    for flag, kind, default, text in OPTIONS:
        p.add_argument(flag, type=kind, default=default, help=f"{text} (default {default:g})")
    p.add_argument("--checkpoint", help="checkpoint directory (default: a temporary one)")
    args = p.parse_args(argv)
    if (args.host is None) != (args.port is None):
        p.error("give both <hostname> and <port>, or neither")
    return args


def wait(ssc, done, seconds):
    """Until ``done`` is set, ``seconds`` have passed (0: no limit), or a batch fails (its
    error is raised here)."""
    deadline = time.monotonic() + seconds if seconds else float("inf")
    while not done.is_set() and time.monotonic() < deadline:
        if ssc.awaitTerminationOrTimeout(0.1):
            return


if __name__ == "__main__":
    args = parse_args(sys.argv[1:])
    if args.host is None:
        feed = Tweets(args.seed, int(args.rate * args.phase))
        host, port = start_feeder(feed, interval=1.0 / args.rate)  # a stand-in for nc -lk
    else:
        host, port = args.host, args.port
    conf = SparkConf().setAppName("TrendingHashtags").setIfMissing("spark.master", "local[2]")
    sc = SparkContext(conf=conf)
    sc.setLogLevel("WARN")
    ssc = StreamingContext(sc, args.batch)
    checkpoint = args.checkpoint or tempfile.mkdtemp(prefix="trending-hashtags-")
    ssc.checkpoint(checkpoint)
    dashboard = Dashboard(args.top, args.window, args.batches)

    tweets = ssc.socketTextStream(host, port)
    counts = (
        tweets.flatMap(hashtags)
        .map(lambda tag: (tag, 1))
        .reduceByKeyAndWindow(
            operator.add, operator.sub, args.window, args.slide, filterFunc=lambda kv: kv[1] > 0
        )
    )
    ranked = counts.transform(lambda rdd: rdd.sortBy(lambda kv: (-kv[1], kv[0]), numPartitions=1))
    tweets.countByWindow(args.window, args.slide).foreachRDD(dashboard.count_tweets)
    ranked.foreachRDD(dashboard.show)

    try:
        with dashboard:
            ssc.start()
            wait(ssc, dashboard.done, args.seconds)
    finally:
        ssc.stop()
        if not args.checkpoint:
            shutil.rmtree(checkpoint, ignore_errors=True)
