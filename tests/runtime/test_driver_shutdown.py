"""Stopping the driver releases an executor that connected but had not registered yet (a
job may end before a slow executor's registration is read): it sees EOF at once instead of
waiting for the launcher to time out and terminate it."""

from __future__ import annotations

import socket

from runtime.scheduler.driver import Driver
from waiting import wait_for


def test_stop_closes_connections_not_yet_registered(tmp_path):
    driver = Driver(app_id="app-test", app_dir=str(tmp_path), local_dir=str(tmp_path),
                    launcher=None, max_failures=1, max_result_size=0, memory_limit=1 << 20)
    driver.start()
    host, port = driver.address.rsplit(":", 1)
    conn = socket.create_connection((host, int(port)), timeout=5)
    try:
        wait_for(lambda: driver._pending, 5, "the loop to accept the connection")
        driver.stop()
        driver.close_sockets()
        conn.settimeout(2)
        assert conn.recv(1) == b""  # EOF, not a hang
    finally:
        conn.close()
