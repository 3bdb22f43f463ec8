"""The one error of the bench tool itself."""


class BenchError(Exception):
    """A run could not be set up or completed; the message says why, for the user."""
