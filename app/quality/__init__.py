"""Data quality: per-record scores kept current on every write, dataset reports, trends."""
