"""Inventory: stock levels, suppliers and webhooks."""
