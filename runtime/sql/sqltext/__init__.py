"""``spark.sql(text)``: Spark SQL text to logical plans (queries) or executed commands.

sqlglot's Spark dialect parses the text (``parse_statement``: one statement, a syntax error
is ``[PARSE_SYNTAX_ERROR]``); ``binder.QueryBinder`` turns a query into an analyzed logical
plan with the engine's own analyzer (``binder.bind_query``); ``subqueries`` rewrites
subqueries into joins.
"""

