"""Canh Gác — the provincial cyber-security operations platform."""

__version__ = "0.1.0"
