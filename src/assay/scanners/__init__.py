"""Scanners: one module per engine behind the interface in `interface.py`."""

from assay.scanners.interface import ScanContext, Scanner, ScannerError, ScannerResult

__all__ = ["ScanContext", "Scanner", "ScannerError", "ScannerResult"]
