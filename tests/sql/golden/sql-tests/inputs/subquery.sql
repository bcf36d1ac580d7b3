CREATE OR REPLACE TEMPORARY VIEW emp AS SELECT * FROM VALUES
(100, 'emp 1', 10, 100.0D), (200, 'emp 2', 10, 200.0D), (300, 'emp 3', 20, 300.0D), (400, 'emp 4', 30, 400.0D),
(500, 'emp 5', NULL, 400.0D), (600, 'emp 6', 100, 400.0D), (700, 'emp 7', 100, NULL)
AS emp(id, emp_name, dept_id, salary);
CREATE OR REPLACE TEMPORARY VIEW dept AS SELECT * FROM VALUES
(10, 'dept 1', 'CA'), (20, 'dept 2', 'NY'), (30, 'dept 3', 'TX'), (40, 'dept 4 - unassigned', 'OR'), (50, 'dept 5 - unassigned', 'NJ'), (70, 'dept 7', 'FL')
AS dept(dept_id, dept_name, state);

SELECT * FROM emp WHERE dept_id IN (SELECT dept_id FROM dept WHERE state = 'CA' OR state = 'NY') ORDER BY id;
SELECT * FROM emp WHERE dept_id NOT IN (SELECT dept_id FROM dept) ORDER BY id;
SELECT * FROM emp WHERE dept_id NOT IN (SELECT dept_id FROM emp) ORDER BY id;
SELECT * FROM emp WHERE EXISTS (SELECT 1 FROM dept WHERE dept.dept_id = emp.dept_id) ORDER BY id;
SELECT * FROM emp WHERE NOT EXISTS (SELECT 1 FROM dept WHERE dept.dept_id = emp.dept_id) ORDER BY id;
SELECT * FROM dept WHERE EXISTS (SELECT 1 FROM emp WHERE emp.dept_id = dept.dept_id AND salary > 250) ORDER BY dept_id;
SELECT id, (SELECT dept_name FROM dept WHERE dept.dept_id = emp.dept_id) FROM emp ORDER BY id;
SELECT id, (SELECT max(salary) FROM emp e2 WHERE e2.dept_id = emp.dept_id) AS m FROM emp ORDER BY id;
SELECT (SELECT max(salary) FROM emp), (SELECT count(*) FROM dept);
SELECT * FROM emp WHERE salary > (SELECT avg(salary) FROM emp) ORDER BY id;
SELECT * FROM emp e WHERE salary = (SELECT max(salary) FROM emp WHERE dept_id = e.dept_id) ORDER BY id;
SELECT dept_id, count(*) FROM emp GROUP BY dept_id HAVING count(*) > (SELECT count(*) FROM dept WHERE state = 'CA') ORDER BY dept_id;
SELECT * FROM dept WHERE dept_id IN (SELECT dept_id FROM emp GROUP BY dept_id HAVING sum(salary) > 300) ORDER BY dept_id;
SELECT * FROM emp WHERE (dept_id, salary) IN (SELECT dept_id, max(salary) FROM emp GROUP BY dept_id) ORDER BY id;
SELECT (SELECT id FROM emp);
SELECT * FROM emp WHERE dept_id IN (SELECT dept_id, dept_name FROM dept);
SELECT * FROM dept d WHERE dept_id IN (SELECT dept_id FROM emp WHERE emp.salary > 100 AND emp.dept_id = d.dept_id) ORDER BY dept_id;
SELECT dept_name, (SELECT count(*) FROM emp WHERE emp.dept_id = dept.dept_id) FROM dept ORDER BY dept_name;
SELECT * FROM emp WHERE dept_id IN (10, 20) AND EXISTS (SELECT * FROM dept WHERE state = 'TX') ORDER BY id;
SELECT * FROM (SELECT dept_id, max(salary) m FROM emp GROUP BY dept_id) t WHERE m > 200 ORDER BY dept_id;
SELECT id FROM emp WHERE salary > ALL (SELECT salary FROM emp WHERE dept_id = 10) ORDER BY id;
SELECT id FROM emp WHERE salary = ANY (SELECT salary FROM emp WHERE dept_id = 10) ORDER BY id;
