CREATE OR REPLACE TEMPORARY VIEW courseEarnings AS SELECT * FROM VALUES
('dotNET', 15000, 48000, 22500), ('Java', 20000, 30000, NULL) AS courseEarnings(course, `2012`, `2013`, `2014`);

SELECT * FROM courseEarnings UNPIVOT (earningsYear FOR year IN (`2012`, `2013`, `2014`));
SELECT * FROM courseEarnings UNPIVOT INCLUDE NULLS (earningsYear FOR year IN (`2012`, `2013`, `2014`));
SELECT * FROM courseEarnings UNPIVOT (earningsYear FOR year IN (`2012` AS twelve, `2013` AS thirteen, `2014` AS fourteen));
SELECT * FROM courseEarnings UNPIVOT (earningsYear FOR year IN ());
SELECT * FROM courseEarnings UNPIVOT (earningsYear FOR year IN (`2012`, `2013`, `2014`)) AS u ORDER BY u.course, u.year;
SELECT course, year, earningsYear FROM courseEarnings UNPIVOT ((earningsYear, more) FOR year IN ((`2012`, `2013`) AS first, (`2014`, `2014`) AS second));
SELECT * FROM courseEarnings UNPIVOT (earningsYear FOR year IN (`2012`, missing));
SELECT course, sum(earningsYear) FROM courseEarnings UNPIVOT (earningsYear FOR year IN (`2012`, `2013`, `2014`)) GROUP BY course;
SELECT * FROM courseEarnings UNPIVOT (earningsYear FOR year IN (`2012`, course));
