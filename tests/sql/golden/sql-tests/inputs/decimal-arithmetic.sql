CREATE OR REPLACE TEMPORARY VIEW decimals AS SELECT * FROM VALUES
(1, CAST(100 AS DECIMAL(10, 2)), CAST(12.345 AS DECIMAL(10, 3))),
(2, CAST(-5.55 AS DECIMAL(10, 2)), CAST(0.001 AS DECIMAL(10, 3))),
(3, CAST(12345678.99 AS DECIMAL(10, 2)), CAST(3 AS DECIMAL(10, 3)))
AS decimals(id, a, b);

SELECT id, a + b, a - b, a * b, a / b FROM decimals ORDER BY id;
SELECT id, a % b, -a, abs(a), a div b FROM decimals ORDER BY id;
SELECT sum(a), avg(a), sum(b), avg(b), max(a), min(b) FROM decimals;
SELECT 1.1 + 2.22, 1.1 * 2.22, 1.1 / 3, 10.0 / 3.0, 1 / 3, 1 / 3.0;
SELECT 0.1 + 0.2, 0.1D + 0.2D, 2.5 * 2, 2.5 * 2.0D, 3 DIV 2, -7 DIV 2, -7 % 2, pmod(-7, 2);
SELECT CAST(1 AS DECIMAL(38, 0)) + CAST(1 AS DECIMAL(38, 0));
SELECT CAST(99999999999999999999999999999999999999 AS DECIMAL(38, 0)) + 1;
SELECT CAST(12345678901234567890.123 AS DECIMAL(38, 3)) * CAST(1.1 AS DECIMAL(10, 1));
SELECT CAST(1 AS DECIMAL(10, 2)) / CAST(3 AS DECIMAL(10, 2)), CAST(1 AS DECIMAL(38, 10)) / CAST(3 AS DECIMAL(38, 10));
SELECT 1 / 0;
SELECT 1.0 / 0;
SELECT try_divide(1, 0), try_add(2147483647, 1), try_multiply(2, 3), try_subtract(1, 2), 1 % 0;
SELECT 2147483647 + 1;
SELECT 9223372036854775807L + 1;
SELECT round(2.5), round(-2.5), round(2.345, 2), bround(2.5), bround(3.5), round(12345, -2), ceil(1.2), floor(-1.2), ceil(1.234, 2);
SELECT typeof(round(2.345, 2)), typeof(ceil(1.2)), typeof(floor(1.2D)), typeof(1.5 * 2), typeof(sum(1.5)), typeof(avg(1.5));
SELECT id, a * 2, a * 2.0D, a + 1L FROM decimals ORDER BY id;
SELECT 123456789012345678901234567890.12 * 100;
SELECT 1.0E1 + 1, 1e308 * 10, sqrt(2), power(2, 10), exp(0), ln(1), log10(100), log(2, 8);
SELECT 5 / 2, 5 DIV 2, CAST(5 AS DOUBLE) / 2, 5.0 % 2, -5 % 3.0;
