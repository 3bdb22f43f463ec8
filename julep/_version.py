"""The package version, kept in one place; setup.cfg reads it."""

__version__ = "1.0.0"
