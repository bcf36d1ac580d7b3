"""Event logs in Spark's format: JSON lines of listener events (writer.py) and their replay
into a status store or a listing for the history server (reader.py)."""
