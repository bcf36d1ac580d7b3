"""Starting and stopping the master's (:8080) and worker's (:8081) web UIs.

The pages themselves are on the shared web layer (:mod:`runtime.ui.cluster`: jinja2
templates, the shared CSS and scripts); this module binds them for a daemon. A busy port
moves to the next free one with Spark's warning ("Service 'MasterUI' could not bind on port
8080. Attempting port 8081."), up to spark.port.maxRetries; when none is free the daemon
runs on without a UI (logged). ``product`` (the program name the command line passes in,
:class:`~runtime.deploy.common.Program`) is the HTTP Server header and shown in each page's
header.
"""

from __future__ import annotations

import logging
from typing import Any

from runtime.ui import pages
from runtime.ui.cluster import master_routes, worker_routes
from runtime.ui.server import MAX_RETRIES, WebUI, bind

__all__ = ["master_routes", "start_web_ui", "stop_web_ui", "worker_routes"]


def start_web_ui(host: str, port: int, role: str, routes: list, logger: logging.Logger,
                 product: str) -> tuple[WebUI | None, str]:
    """Start the ``<role>UI`` web server; returns it and its URL, or (None, "") when no port
    could be bound."""
    name = f"{role}UI"
    try:
        server = bind(host, port, name, routes + pages.static_routes(), logger,
                      product=product)
    except OSError:
        logger.error("Service '%s' could not bind on a port after %d retries; the web UI is "
                     "disabled", name, MAX_RETRIES)
        return None, ""
    logger.info("Bound %sWebUI to %s, and started at %s", role, host, server.url)
    return server, server.url


def stop_web_ui(server: Any) -> None:
    if server is not None:
        server.stop()
