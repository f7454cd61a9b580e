"""Authoring in the browser: drafts, the editor's preview, images, publishing, exchange with git.

A draft is a course folder held in the database. Everything that checks or publishes it writes
that folder to a temporary directory and goes through `content.load_course` and
`content.importer.import_course`, exactly like `flask courses import`.
"""


class AuthoringError(Exception):
    """A request the authoring rules refuse; `message` is shown to the trainer as is."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message
