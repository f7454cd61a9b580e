"""Certificates: issuing, the stored PDF, verification, revocation, signed credentials; the
`flask certificates` commands."""
