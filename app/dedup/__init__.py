"""Duplicate detection: the pure matching engine (`engine/`), then storage and review on top."""
