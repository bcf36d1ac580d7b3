CREATE OR REPLACE TEMPORARY VIEW hav AS SELECT * FROM VALUES
("one", 1), ("two", 2), ("three", 3), ("one", 5)
AS hav(k, v);

SELECT k, sum(v) FROM hav GROUP BY k HAVING sum(v) > 2;
SELECT count(k) FROM hav GROUP BY v + 1 HAVING v + 1 = 2;
SELECT count(k) FROM hav GROUP BY v HAVING v = array(1);
SELECT MIN(t.v) FROM (SELECT * FROM hav WHERE v > 0) t HAVING(COUNT(1) > 0);
SELECT a + b FROM VALUES (1L, 2), (3L, 4) AS T(a, b) GROUP BY a + b HAVING a + b > 1;
SELECT SUM(a) AS b, CAST('2020-01-01' AS DATE) AS fake FROM VALUES (1, 10), (2, 20) AS T(a, b) GROUP BY b HAVING b > 10;
SELECT k, max(v) FROM hav GROUP BY k HAVING max(v) > 1 ORDER BY k;
SELECT k FROM hav GROUP BY k HAVING count(*) > 1;
SELECT k, sum(v) s FROM hav GROUP BY k HAVING s > 3;
SELECT sum(v) FROM hav HAVING sum(v) > 100;
SELECT k FROM hav HAVING v > 1;
