"""Run the project's Makefile from a test."""

import os

# Run from `make test PYTEST_ARGS=...` (as CI does), the outer make's variables reach an inner
# make through MAKEFLAGS: the test's own command line must be the only one that counts.
OUTER_MAKE = ("MAKEFLAGS", "MFLAGS", "MAKELEVEL", "MAKEOVERRIDES", "PYTEST_ARGS")


def make_env(*, without: tuple[str, ...] = (), **extra: str) -> dict[str, str]:
    """The environment for an inner make: the outer make's variables and `without` removed."""
    dropped = (*OUTER_MAKE, *without)
    return {**{k: v for k, v in os.environ.items() if k not in dropped}, **extra}
