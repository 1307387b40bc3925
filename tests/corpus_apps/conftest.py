"""The corpus applications are data for the scanners: never collected, imported or run."""

collect_ignore_glob = ["*"]
