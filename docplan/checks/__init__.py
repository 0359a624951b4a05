"""Consistency checks for plan data and documents (rule plugins)."""
