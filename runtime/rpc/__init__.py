"""Framed messages over TCP: each message is a dict with an ``op`` key (see frames.py)."""
