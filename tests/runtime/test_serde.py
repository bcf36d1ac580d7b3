"""Closures keep their source file name; task errors come back with their class and traceback."""

from __future__ import annotations

import pickle

from runtime import serde


def test_closure_keeps_its_file_name():
    offset = 10

    def shift(x):
        return x + offset

    loaded = pickle.loads(serde.dumps_closure(lambda x: shift(x) * 2))
    assert loaded(1) == 22
    assert loaded.__code__.co_filename == __file__  # cloudpickle 3.1 writes <dynamic-code>


def _raise_in_user_code():
    raise KeyError("missing")


def test_packed_exception_keeps_class_and_user_frames():
    try:
        _raise_in_user_code()
    except KeyError as e:
        payload = serde.pack_exception(e)
    tb = payload["traceback"]
    assert f'File "{__file__}"' in tb and "_raise_in_user_code" in tb
    exc = serde.unpack_exception(payload, "Task 0 in stage 1.0 failed")
    assert isinstance(exc, KeyError) and exc.__cause__ is None
    assert "Executor traceback:" in str(exc) and "Task 0 in stage 1.0 failed" in str(exc)
