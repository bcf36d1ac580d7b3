CREATE OR REPLACE TEMPORARY VIEW testData AS SELECT * FROM VALUES
(1, 1), (1, 2), (2, 1), (2, 2), (3, 1), (3, 2) AS testData(a, b);
CREATE OR REPLACE TEMPORARY VIEW courseSales AS SELECT * FROM VALUES
("dotNET", 2012, 10000), ("Java", 2012, 20000), ("dotNET", 2012, 5000), ("dotNET", 2013, 48000), ("Java", 2013, 30000)
AS courseSales(course, year, earnings);

SELECT a + b, b, SUM(a - b) FROM testData GROUP BY a + b, b WITH CUBE;
SELECT a, b, SUM(b) FROM testData GROUP BY a, b WITH CUBE;
SELECT a + b, b, SUM(a - b) FROM testData GROUP BY a + b, b WITH ROLLUP;
SELECT a, b, SUM(b) FROM testData GROUP BY a, b WITH ROLLUP;
SELECT course, year, SUM(earnings) FROM courseSales GROUP BY ROLLUP(course, year) ORDER BY course, year;
SELECT course, year, SUM(earnings) FROM courseSales GROUP BY CUBE(course, year) ORDER BY course, year;
SELECT course, year, SUM(earnings) FROM courseSales GROUP BY course, year GROUPING SETS(course, year);
SELECT course, year, SUM(earnings) FROM courseSales GROUP BY course, year GROUPING SETS(course);
SELECT course, year, SUM(earnings) FROM courseSales GROUP BY GROUPING SETS((course, year), ()) ORDER BY course, year;
SELECT course, year, GROUPING(course), GROUPING(year), GROUPING_ID(course, year) FROM courseSales GROUP BY CUBE(course, year) ORDER BY course, year;
SELECT course, year, grouping__id FROM courseSales GROUP BY CUBE(course, year) ORDER BY grouping__id, course, year;
SELECT course, year FROM courseSales GROUP BY course, year HAVING GROUPING(course) > 0;
SELECT course, year FROM courseSales GROUP BY CUBE(course, year) HAVING GROUPING(year) = 1 AND GROUPING_ID(course, year) > 0 ORDER BY course, year;
SELECT course, year, GROUPING(course) FROM courseSales GROUP BY course, year;
SELECT a + b AS k1, b AS k2, SUM(a - b) FROM testData GROUP BY CUBE(k1, k2);
SELECT a, b, count(1) FROM testData GROUP BY a, CUBE(a, b);
SELECT a, b, count(1) FROM testData GROUP BY a, b, ROLLUP(a, b);
SELECT a, b, count(1) FROM testData GROUP BY ROLLUP(a), CUBE(b);
SELECT course, sum(earnings) FROM courseSales GROUP BY ROLLUP(course) ORDER BY course NULLS LAST;
