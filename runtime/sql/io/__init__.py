"""File sources and sinks: text, csv, json and parquet on Arrow's readers and writers."""
