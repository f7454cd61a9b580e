"""Helpers shared by test modules: plain functions, factories and constants.

Fixtures live in conftest.py; no test module imports from conftest or from another test
module (tests/test_architecture.py).
"""
