"""Practical work: learners hand in text and files for a module's assignment; trainers review."""


class SubmissionRefused(Exception):
    """A submission or review cannot be accepted; the message says why, for the person."""
