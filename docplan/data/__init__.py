"""Data files shipped with docplan (the 2024 municipality list)."""
