CREATE OR REPLACE TEMPORARY VIEW w AS SELECT * FROM VALUES
(null, 1L, 1.0D, "a"), (1, 1L, 1.0D, "a"), (1, 2L, 2.5D, "a"), (2, 2147483650L, 100.001D, "a"),
(1, null, 1.0D, "b"), (2, 3L, 3.3D, "b"), (3, 2147483650L, 100.001D, "b"), (null, null, null, null),
(3, 1L, 1.0D, null)
AS w(val, val_long, val_double, cate);

SELECT val, cate, count(val) OVER(PARTITION BY cate ORDER BY val ROWS CURRENT ROW) FROM w ORDER BY cate, val;
SELECT val, cate, sum(val) OVER(PARTITION BY cate ORDER BY val ROWS BETWEEN UNBOUNDED PRECEDING AND 1 FOLLOWING) FROM w ORDER BY cate, val;
SELECT val_long, cate, sum(val_long) OVER(PARTITION BY cate ORDER BY val_long ROWS BETWEEN CURRENT ROW AND 2147483648 FOLLOWING) FROM w ORDER BY cate, val_long;
SELECT val, cate, count(val) OVER(PARTITION BY cate ORDER BY val RANGE 1 PRECEDING) FROM w ORDER BY cate, val;
SELECT val, cate, sum(val) OVER(PARTITION BY cate ORDER BY val RANGE BETWEEN CURRENT ROW AND 1 FOLLOWING) FROM w ORDER BY cate, val;
SELECT val_double, cate, sum(val_double) OVER(PARTITION BY cate ORDER BY val_double RANGE BETWEEN CURRENT ROW AND 2.5 FOLLOWING) FROM w ORDER BY cate, val_double;
SELECT val, cate, max(val) OVER w, min(val) OVER w, mean(val) OVER w, count(val) OVER w, sum(val) OVER w
FROM w WINDOW w AS (PARTITION BY cate ORDER BY val) ORDER BY cate, val;
SELECT val, cate, row_number() OVER w, rank() OVER w, dense_rank() OVER w, percent_rank() OVER w, cume_dist() OVER w, ntile(2) OVER w
FROM w WINDOW w AS (PARTITION BY cate ORDER BY val) ORDER BY cate, val;
SELECT val, cate, lag(val, 1) OVER w, lead(val, 1, 0) OVER w, first_value(val) OVER w, last_value(val) OVER w, nth_value(val, 2) OVER w
FROM w WINDOW w AS (PARTITION BY cate ORDER BY val) ORDER BY cate, val;
SELECT val, cate, first_value(val, true) OVER w, last_value(val, true) OVER w
FROM w WINDOW w AS (PARTITION BY cate ORDER BY val ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING) ORDER BY cate, val;
SELECT val, cate, sum(val) OVER () FROM w ORDER BY cate, val;
SELECT val, cate, count(*) OVER (PARTITION BY cate) FROM w ORDER BY cate, val;
SELECT val, cate, row_number() OVER (ORDER BY val DESC NULLS LAST, cate) FROM w ORDER BY 3;
SELECT val, cate, sum(val) OVER (PARTITION BY cate ORDER BY val ROWS BETWEEN 1 PRECEDING AND 1 FOLLOWING) FROM w ORDER BY cate, val;
SELECT val, cate, avg(val_double) OVER (PARTITION BY cate ORDER BY val ROWS UNBOUNDED PRECEDING) FROM w ORDER BY cate, val;
SELECT cate, sum(val) OVER (PARTITION BY cate) AS s FROM w GROUP BY cate, val ORDER BY cate, s;
SELECT val, cate, sum(val) OVER (PARTITION BY cate ORDER BY val ROWS BETWEEN 1 FOLLOWING AND 1 PRECEDING) FROM w;
SELECT val, cate, row_number() OVER (PARTITION BY cate) FROM w;
SELECT val, cate, rank() OVER (PARTITION BY cate ORDER BY val ROWS CURRENT ROW) FROM w;
SELECT val FROM w WHERE row_number() OVER (ORDER BY val) > 1;
SELECT cate, val, rank FROM (SELECT cate, val, rank() OVER (PARTITION BY cate ORDER BY val DESC) AS rank FROM w) WHERE rank <= 1 ORDER BY cate, val;
SELECT val, cate, sum(val) OVER w2 FROM w WINDOW w1 AS (PARTITION BY cate), w2 AS (w1 ORDER BY val) ORDER BY cate, val;
SELECT val, cate, collect_list(val) OVER (PARTITION BY cate ORDER BY val) FROM w ORDER BY cate, val;
SELECT val, cate, sum(val) OVER missing FROM w;
