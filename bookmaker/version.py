"""The version of bookmaker (one place, read by the package and by the writers)."""

__all__ = ["__version__"]

__version__ = "0.1.0"
