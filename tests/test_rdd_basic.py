"""RDD basics end to end on local[2]: narrow transformations, persistence, partitioning,
coalesce/repartition, and the public-method coverage against PySpark's RDD."""

from __future__ import annotations

from operator import add

import pytest

from sparkcli.rdd import RDD
from sparkcli.storagelevel import StorageLevel

# dir(pyspark.RDD) public names, PySpark 4.x (106)
PYSPARK_RDD_METHODS = """
aggregate aggregateByKey barrier cache cartesian checkpoint cleanShuffleDependencies coalesce
cogroup collect collectAsMap collectWithJobGroup combineByKey context count countApprox
countApproxDistinct countByKey countByValue distinct filter first flatMap flatMapValues fold
foldByKey foreach foreachPartition fullOuterJoin getCheckpointFile getNumPartitions
getResourceProfile getStorageLevel glom groupBy groupByKey groupWith histogram id
intersection isCheckpointed isEmpty isLocallyCheckpointed join keyBy keys leftOuterJoin
localCheckpoint lookup map mapPartitions mapPartitionsWithIndex mapPartitionsWithSplit
mapValues max mean meanApprox min name partitionBy persist pipe randomSplit reduce
reduceByKey reduceByKeyLocally repartition repartitionAndSortWithinPartitions rightOuterJoin
sample sampleByKey sampleStdev sampleVariance saveAsHadoopDataset saveAsHadoopFile
saveAsNewAPIHadoopDataset saveAsNewAPIHadoopFile saveAsPickleFile saveAsSequenceFile
saveAsTextFile setName sortBy sortByKey stats stdev subtract subtractByKey sum sumApprox take
takeOrdered takeSample toDF toDebugString toLocalIterator top treeAggregate treeReduce union
unpersist values variance withResources zip zipWithIndex zipWithUniqueId
""".split()

KNOWN_UNSUPPORTED: set[str] = set()


def test_public_method_coverage(sc):
    assert len(PYSPARK_RDD_METHODS) == 106 == len(set(PYSPARK_RDD_METHODS))
    rdd = sc.parallelize([1])
    assert isinstance(rdd, RDD)
    missing = [m for m in PYSPARK_RDD_METHODS
               if m != "context" and not callable(getattr(rdd, m, None))]
    assert missing == []
    unsupported = {m for m in PYSPARK_RDD_METHODS
                   if getattr(getattr(rdd, m), "_sparkcli_unsupported", False)}
    assert unsupported <= KNOWN_UNSUPPORTED
    implemented = len(PYSPARK_RDD_METHODS) - len(KNOWN_UNSUPPORTED)
    assert implemented >= 100


def test_unsupported_hadoop_outputs_say_what_to_do(sc, tmp_path):
    from runtime.hadoop.formats import HadoopFormatError

    with pytest.raises(HadoopFormatError, match="use SequenceFileOutputFormat or TextOutput"):
        sc.parallelize([(1, 2)]).saveAsNewAPIHadoopFile(str(tmp_path / "x"), "Fmt")
    assert not (tmp_path / "x").exists()


def test_id_is_an_int_and_callable(sc):
    a, b = sc.parallelize([1]), sc.parallelize([2])
    assert isinstance(a.id, int) and a.id() == a.id
    assert b.id() > a.id()
    assert a.context is sc


def test_map_filter_flatmap(sc):
    data = list(range(100))
    rdd = sc.parallelize(data, 4)
    assert rdd.map(lambda x: x * 2).collect() == [x * 2 for x in data]
    assert rdd.filter(lambda x: x % 3 == 0).collect() == [x for x in data if x % 3 == 0]
    assert rdd.flatMap(lambda x: [x, x]).count() == 200
    assert sc.parallelize([2, 3, 4]).flatMap(lambda x: range(1, x)).collect() == \
        [1, 1, 2, 1, 2, 3]


def test_mappartitions_family(sc):
    rdd = sc.parallelize([1, 2, 3, 4], 2)
    assert rdd.mapPartitions(lambda it: [sum(it)]).collect() == [3, 7]
    assert rdd.mapPartitionsWithIndex(lambda i, it: [i]).collect() == [0, 1]
    assert rdd.mapPartitionsWithSplit(lambda i, it: [(i, sum(it))]).collect() == \
        [(0, 3), (1, 7)]
    assert rdd.glom().collect() == [[1, 2], [3, 4]]
    assert rdd.getNumPartitions() == 2


def test_key_value_narrow(sc):
    rdd = sc.parallelize([("a", ["x", "y"]), ("b", ["p"])])
    assert rdd.keys().collect() == ["a", "b"]
    assert rdd.values().collect() == [["x", "y"], ["p"]]
    assert rdd.mapValues(len).collect() == [("a", 2), ("b", 1)]
    assert rdd.flatMapValues(lambda x: x).collect() == [("a", "x"), ("a", "y"), ("b", "p")]
    assert sc.parallelize(range(3)).keyBy(lambda x: x * x).collect() == \
        [(0, 0), (1, 1), (4, 2)]


def test_union(sc):
    rdd = sc.parallelize([1, 1, 2, 3])
    assert rdd.union(rdd).collect() == [1, 1, 2, 3, 1, 1, 2, 3]
    assert (rdd + rdd).count() == 8
    assert sc.union([rdd, rdd, rdd]).getNumPartitions() == 3 * rdd.getNumPartitions()


def test_pipelining_fuses_narrow_chain(sc):
    rdd = sc.parallelize(range(10), 2)
    chained = rdd.map(lambda x: x + 1).filter(lambda x: x % 2).map(lambda x: x * 10)
    assert chained._node.prev is rdd._node
    assert chained.collect() == [10, 30, 50, 70, 90]


def test_persist_cache_unpersist(sc):
    rdd = sc.parallelize(range(10), 2).map(lambda x: x * x)
    assert rdd.getStorageLevel() == StorageLevel.NONE and not rdd.is_cached
    rdd.cache()
    assert rdd.is_cached and rdd.getStorageLevel() == StorageLevel.MEMORY_ONLY
    assert rdd.sum() == sum(x * x for x in range(10))
    assert rdd.map(lambda x: -x).sum() == -sum(x * x for x in range(10))
    with pytest.raises(ValueError):
        rdd.persist(StorageLevel.DISK_ONLY)
    rdd.unpersist()
    assert not rdd.is_cached
    disk = sc.parallelize(range(5)).persist(StorageLevel.DISK_ONLY)
    assert disk.collect() == list(range(5)) and disk.collect() == list(range(5))


def test_set_name(sc):
    rdd = sc.parallelize([1, 2])
    assert rdd.name() is None
    assert rdd.setName("RDD1").name() == "RDD1"


def test_partition_by_and_combine_by_key(sc):
    pairs = sc.parallelize([(x % 5, x) for x in range(50)], 3)
    parted = pairs.partitionBy(4)
    assert parted.getNumPartitions() == 4
    for i, part in enumerate(parted.glom().collect()):
        assert all(hash(k) % 4 == i for k, _ in part)
    assert parted.partitionBy(4) is parted
    combined = pairs.combineByKey(lambda v: [v], lambda c, v: c + [v], lambda a, b: a + b)
    assert sorted((k, sorted(v)) for k, v in combined.collect()) == \
        [(k, [x for x in range(50) if x % 5 == k]) for k in range(5)]


def test_coalesce_without_shuffle(sc):
    rdd = sc.parallelize(range(12), 6)
    c = rdd.coalesce(3)
    assert c.getNumPartitions() == 3
    assert c.glom().collect() == [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9, 10, 11]]
    assert rdd.coalesce(10).getNumPartitions() == 6  # cannot grow without shuffle
    assert sc.parallelize([1, 2, 3, 4, 5], 3).coalesce(1).glom().collect() == \
        [[1, 2, 3, 4, 5]]
    with pytest.raises(ValueError):
        rdd.coalesce(0)


def test_coalesce_with_shuffle_and_repartition(sc):
    rdd = sc.parallelize(range(100), 2)
    r = rdd.repartition(5)
    assert r.getNumPartitions() == 5
    sizes = [len(p) for p in r.glom().collect()]
    assert sum(sizes) == 100 and max(sizes) - min(sizes) <= 2
    assert sorted(r.collect()) == list(range(100))
    assert sc.parallelize([1, 2, 3, 4, 5, 6, 7], 4).repartition(10).getNumPartitions() == 10
    assert rdd.coalesce(1, shuffle=True).glom().map(len).collect() == [100]


def test_barrier_and_resources_pass_through(sc):
    rdd = sc.parallelize([1, 2, 3, 4], 2)
    assert rdd.barrier().mapPartitions(lambda it: [sum(it)]).collect() == [3, 7]
    assert rdd.barrier().mapPartitionsWithIndex(lambda i, it: [i]).collect() == [0, 1]
    assert rdd.getResourceProfile() is None
    assert rdd.withResources("profile") is rdd and rdd.getResourceProfile() == "profile"
    assert rdd.cleanShuffleDependencies() is None


def test_empty_rdd(sc):
    e = sc.emptyRDD()
    assert e.collect() == [] and e.count() == 0 and e.isEmpty()
    assert e.take(3) == [] and e.sum() == 0
    assert sc.parallelize([], 3).isEmpty()


def test_task_errors_keep_their_type(sc):
    def boom(x):
        raise KeyError("nope")

    with pytest.raises(KeyError):
        sc.parallelize([1]).map(boom).collect()
    assert sc.parallelize([1, 2]).map(lambda x: x).reduce(add) == 3


def test_docstring_examples_run(sc):
    """The examples in the RDD docstrings are doctests (STYLE.md item 11)."""
    import doctest

    from sparkcli import rdd_actions, rdd_io, rdd_pairs

    finder = doctest.DocTestFinder()
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    globs = {"sc": sc, "add": add}
    ran = 0
    for module in (rdd_pairs, rdd_actions, rdd_io):
        for test in finder.find(module, globs=dict(globs)):
            if test.examples:
                runner.run(test)
                ran += 1
    result = runner.summarize(verbose=False)
    assert result.failed == 0
    assert ran >= 60
