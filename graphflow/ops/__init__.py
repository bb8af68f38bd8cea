"""Op declarations (one file per family) and the user-facing op functions."""
