-- GROUP BY, aggregates, GROUP BY ordinals and ALL
CREATE OR REPLACE TEMPORARY VIEW testData AS SELECT * FROM VALUES
(1, 1), (1, 2), (2, 1), (2, 2), (3, 1), (3, 2), (null, 1), (3, null), (null, null)
AS testData(a, b);

SELECT a, COUNT(b) FROM testData;
SELECT COUNT(a), COUNT(b) FROM testData;
SELECT a, COUNT(b) FROM testData GROUP BY a;
SELECT a, COUNT(b) FROM testData GROUP BY b;
SELECT COUNT(a), COUNT(b) FROM testData GROUP BY a;
SELECT 'foo', COUNT(a) FROM testData GROUP BY 1;
SELECT 'foo' FROM testData WHERE a = 0 GROUP BY 1;
SELECT 'foo', APPROX_COUNT_DISTINCT(a) FROM testData WHERE a = 0 GROUP BY 1;
SELECT a + b, COUNT(b) FROM testData GROUP BY a + b;
SELECT a + 2, COUNT(b) FROM testData GROUP BY a + 1;
SELECT a + 1 + 1, COUNT(b) FROM testData GROUP BY a + 1;
SELECT SKEWNESS(a), KURTOSIS(a), MIN(a), MAX(a), AVG(a), VARIANCE(a), STDDEV(a), SUM(a), COUNT(a) FROM testData;
SELECT COUNT(DISTINCT b), COUNT(DISTINCT b, a) FROM testData;
SELECT a AS k, COUNT(b) FROM testData GROUP BY k;
SELECT a AS k, COUNT(b) FROM testData GROUP BY k HAVING k > 1;
SELECT a, b, SUM(b) FROM testData GROUP BY ALL;
SELECT a, SUM(b) FROM testData GROUP BY 1 ORDER BY 1;
SELECT a, SUM(b) FROM testData GROUP BY 3;
SELECT COUNT(*) FROM testData WHERE false;
SELECT SUM(a) FROM testData WHERE false;
SELECT 1 FROM range(10) HAVING true;
SELECT MAX(id) FROM range(10) HAVING MAX(id) > 0;
SELECT a, FIRST(b), LAST(b) FROM testData WHERE a = 1 GROUP BY a;
SELECT a, MIN_BY(b, b), MAX_BY(b, b) FROM testData GROUP BY a;
SELECT EVERY(b > 0), ANY(b > 1), SOME(b > 1), BOOL_AND(b > 0), BOOL_OR(b > 1) FROM testData;
SELECT COUNT_IF(b > 1), COUNT(*) FILTER (WHERE a > 1) FROM testData;
SELECT a, SUM(b) FILTER (WHERE b > 1) FROM testData GROUP BY a;
SELECT a, COLLECT_LIST(b), SORT_ARRAY(COLLECT_SET(b)) FROM testData GROUP BY a;
SELECT a, b FROM testData GROUP BY a;
SELECT non_existing, COUNT(*) FROM testData GROUP BY non_existing;
SELECT COUNT(*) FROM testData GROUP BY COUNT(*);
SELECT AVG(b), SUM(DISTINCT b) FROM testData;
SELECT a, AVG(CAST(b AS DECIMAL(10, 2))) FROM testData GROUP BY a;
SELECT PERCENTILE(b, 0.5), MEDIAN(b), MODE(b) FROM testData;
SELECT a, COUNT(*) AS c FROM testData GROUP BY a ORDER BY c DESC, a;
