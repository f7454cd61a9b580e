"""Learning without a connection: the installable web app (manifest, service worker), course
copies kept on the phone, and work queued there (modules read, quiz answers) accepted once."""
