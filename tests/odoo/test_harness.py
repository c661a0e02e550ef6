"""The harness itself: a served Odoo of ODOO_SRC's series, admin login, isolated database copies, one-shot odoo-bin."""

from __future__ import annotations

from tests.odoo.harness import BASE_MODULES, OdooDatabase, OdooServer


def test_server_runs_the_series_of_the_tree_on_loopback(odoo_server: OdooServer) -> None:
    assert odoo_server.host == "127.0.0.1"
    assert odoo_server.url == f"http://127.0.0.1:{odoo_server.port}"
    assert odoo_server.series in (18, 19)
    assert odoo_server.version.startswith(f"{odoo_server.series}.")
    if odoo_server.series >= 19:  # JSON-2 wants an API key (40 hex digits), never the password
        assert len(odoo_server.password) == 40 and odoo_server.password != odoo_server.web_password


def test_admin_logs_in_and_base_modules_are_installed(odoo_db: OdooDatabase) -> None:
    installed = odoo_db.execute(
        "ir.module.module",
        "search_read",
        [["name", "in", list(BASE_MODULES)], ["state", "=", "installed"]],
        fields=["name"],
    )
    assert sorted(row["name"] for row in installed) == sorted(BASE_MODULES)  # type: ignore[union-attr]


def test_database_copies_are_isolated(odoo_server: OdooServer, odoo_db: OdooDatabase) -> None:
    project_id = odoo_db.execute("project.project", "create", {"name": "Only in the module copy"})
    assert isinstance(project_id, int)
    in_session_db = odoo_server.execute(
        odoo_server.db, "project.project", "search_count", [["name", "=", "Only in the module copy"]]
    )
    assert in_session_db == 0


def test_one_shot_odoo_bin_reports_failure(odoo_server: OdooServer, odoo_db: OdooDatabase) -> None:
    run = odoo_server.run_odoo("-i", "no_such_module_xyz", "--stop-after-init", db=odoo_db.name)
    assert run.log_path.exists()
    assert "no_such_module_xyz" in run.output
