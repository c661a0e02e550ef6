"""Run Odoo's own tests with the whole registry loaded: ``<odoo python> odoo_tests_with_registry.py <odoo-bin> ARGS``.

``odoo-bin -i project,erp_playbook --test-enable`` runs project's ``at_install`` tests right after project is
installed, before erp_playbook exists in the registry: they cannot see what the addon changes. Run on a database
where everything is already installed (no ``-i``/``-u``), Odoo only runs ``post_install`` tests; this wrapper adds
the ``at_install`` ones to that run, so every test of the selected modules (``--test-tags``) meets the addon.
"""

import runpy
import sys
from pathlib import Path

odoo_bin = Path(sys.argv[1]).resolve()
sys.path.insert(0, str(odoo_bin.parent))

from odoo.tests import loader  # noqa: E402  (needs the Odoo tree on sys.path first)
from odoo.tests.suite import OdooSuite  # noqa: E402

_make_suite = loader.make_suite


def make_suite(module_names, position="at_install"):  # type: ignore[no-untyped-def]
    suite = _make_suite(module_names, position)
    if position != "post_install":
        return suite
    return OdooSuite([*_make_suite(module_names, "at_install"), *suite])


loader.make_suite = make_suite
sys.argv = [str(odoo_bin), *sys.argv[2:]]
runpy.run_path(str(odoo_bin), run_name="__main__")
