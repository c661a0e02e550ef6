"""Tests against a real Odoo 18 or 19 (skipped unless ODOO_SRC names an Odoo tree; see docs/odoo.md)."""
