"""Shipped word tables of the matching engine, read once through `engine.tables`."""
