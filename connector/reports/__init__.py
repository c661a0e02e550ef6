"""Reports from live Odoo data: the weekly executive status report and the phase documents.

Flow: ``odoo_source`` reads a ``ProjectSnapshot``; ``weekly`` / ``phase_docs`` turn it into numbers (pydantic,
also the ``--json`` output) and a ``Document``; ``render`` (HTML, Markdown; Jinja2) and ``pdf`` (fpdf2) draw it.
"""
