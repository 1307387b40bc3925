"""Normalization: CWE mapping, severity scale, fingerprints, line hashes."""
