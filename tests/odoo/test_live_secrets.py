"""`playbook -vvv` against a live Odoo, run as a user runs it (the installed `playbook` in a subprocess, with the
CLI's own log set-up): the password appears in no output although odoolib logs every RPC's arguments."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from tests.odoo.harness import OdooDatabase

PASSWORD = "Live-s3cret\\pw-ü-9d1c"


def test_highest_verbosity_never_prints_the_password(odoo_database_factory: Callable[..., OdooDatabase],
                                                     tmp_path: Path) -> None:
    db = odoo_database_factory(with_addon=True)
    json2 = db.server.source.uses_api_key  # 19+: the secret is the API key the harness made (JSON-2 wants one)
    secret = db.password if json2 else PASSWORD
    if not json2:
        uid = db.execute("res.users", "search", [("login", "=", db.login)])[0]  # type: ignore[index]
        db.execute("res.users", "write", [uid], {"password": PASSWORD})  # this database only; dropped after the test
    env = {k: v for k, v in os.environ.items() if not k.startswith("PLAYBOOK_")}
    env.update(PLAYBOOK_ODOO_URL=db.url, PLAYBOOK_ODOO_DB=db.name, PLAYBOOK_ODOO_USER=db.login,
               PLAYBOOK_ODOO_PASSWORD=secret, XDG_CONFIG_HOME=str(tmp_path / "config"),
               XDG_STATE_HOME=str(tmp_path / "state"))
    playbook = Path(sys.executable).parent / "playbook"
    runs = [
        ["odoo", "doctor"],
        ["odoo", "provision", "--project", "live_secret", "--size", "small", "--man-days", "10",
         "--contract-amount", "1000"],
    ]
    for args in runs:
        done = subprocess.run([str(playbook), "-vvv", *args], env=env, capture_output=True, text=True, timeout=300,
                              check=False)
        assert done.returncode in (0, 1), done.stderr[-3000:]
        if not json2:
            assert "DEBUG odoolib.rpc.service.object: args:" in done.stderr  # the dump that carried the password
        else:
            assert "/json/2/" in done.stderr  # the requests were logged, the bearer key with them
        for text in (done.stdout, done.stderr):
            for spelling in (secret, repr(secret)[1:-1], secret[:12]):
                assert spelling not in text, f"{args[:2]} printed the password"
    assert not [p for p in tmp_path.rglob("*") if p.is_file() and secret[:12] in p.read_text(errors="replace")]
