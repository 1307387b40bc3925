"""Helpers of the administration pages."""
