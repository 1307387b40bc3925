"""Blueprints of the web pages."""
