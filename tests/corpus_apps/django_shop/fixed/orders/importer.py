"""Bulk order import from the ERP's XML export."""

from lxml import etree


def parse_orders(payload):
    parser = etree.XMLParser(resolve_entities=False, load_dtd=False, no_network=True)
    root = etree.fromstring(payload, parser)
    return [{"sku": line.get("sku"), "quantity": int(line.get("qty", "1"))} for line in root.iter("line")]
