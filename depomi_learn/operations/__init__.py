"""Running an installation: backups, reference regions, demonstration data; their commands."""
