"""`python -m bookmaker`: the `bookmaker` command."""

from .client import main

if __name__ == "__main__":
    main()
