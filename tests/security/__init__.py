"""Attack tests: the scanned tree is hostile."""
