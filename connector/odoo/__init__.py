"""Odoo over RPC: client, doctor, addon install, provisioning (see docs/odoo.md, "The connector")."""
