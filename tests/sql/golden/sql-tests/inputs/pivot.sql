CREATE OR REPLACE TEMPORARY VIEW courseSales AS SELECT * FROM VALUES
("dotNET", 2012, 10000), ("Java", 2012, 20000), ("dotNET", 2012, 5000), ("dotNET", 2013, 48000), ("Java", 2013, 30000)
AS courseSales(course, year, earnings);
CREATE OR REPLACE TEMPORARY VIEW years AS SELECT * FROM VALUES (2012, 1), (2013, 2) AS years(y, s);

SELECT * FROM (SELECT year, course, earnings FROM courseSales) PIVOT (sum(earnings) FOR course IN ('dotNET', 'Java'));
SELECT * FROM courseSales PIVOT (sum(earnings) FOR year IN (2012, 2013));
SELECT * FROM (SELECT year, course, earnings FROM courseSales) PIVOT (sum(earnings), avg(earnings) FOR course IN ('dotNET', 'Java'));
SELECT * FROM (SELECT course, earnings FROM courseSales) PIVOT (sum(earnings) FOR course IN ('dotNET', 'Java'));
SELECT * FROM (SELECT year, course, earnings FROM courseSales) PIVOT (sum(earnings) AS s, avg(earnings) AS a FOR course IN ('dotNET' AS d, 'Java' AS j));
SELECT * FROM (SELECT course, earnings, year FROM courseSales) PIVOT (sum(earnings) FOR course IN ('dotNET' AS net, 'Java'));
SELECT * FROM (SELECT course, earnings, year FROM courseSales) PIVOT (sum(earnings) FOR (course, year) IN (('dotNET', 2012), ('Java', 2013)));
SELECT * FROM (SELECT course, earnings, year FROM courseSales) PIVOT (sum(earnings) FOR course IN ('dotNET', 'Scala'));
SELECT * FROM (SELECT course, earnings, year FROM courseSales) PIVOT (abs(earnings) FOR year IN (2012, 2013));
SELECT * FROM (SELECT course, earnings, year FROM courseSales) PIVOT (sum(earnings) FOR missing IN (2012, 2013));
SELECT * FROM (SELECT year, course, earnings, s FROM courseSales JOIN years ON year = y) PIVOT (sum(earnings) FOR s IN (1, 2));
SELECT * FROM (SELECT year, course, earnings FROM courseSales) PIVOT (count(*) FOR course IN ('dotNET', 'Java')) ORDER BY year;
SELECT * FROM courseSales PIVOT (sum(earnings) FOR year IN (2012, 2013)) ORDER BY course;
