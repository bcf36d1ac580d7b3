"""One web layer for the UIs: the HTTP server (server.py), Spark's REST API (api.py),
the application pages from jinja2 templates with shared layout and CSS (pages.py, templates/,
static/), the driver UI (driver.py) and the history server (history.py)."""
