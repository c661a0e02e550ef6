# Copyright 2025 erp-playbook contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Load the connector's playbook JSON into the template models: upsert by key, archive, never delete.

A newer playbook adds and updates template items. Items it no longer lists are archived, so projects
that were planned from them keep their links, and nothing a user entered on a project is touched:
projects copy what they need from the templates when they are planned.
"""

from odoo.exceptions import UserError

# Playbook language -> Odoo language code.
LANGUAGES = {"en": "en_US", "zh_TW": "zh_TW", "zh_CN": "zh_CN"}
CHILD_MODELS = (
    "erp.playbook.phase",
    "erp.playbook.checklist",
    "erp.playbook.gate",
    "erp.playbook.payment",
    "erp.playbook.role",
    "erp.playbook.cadence",
    "erp.playbook.register.option",
)


def _csv(values):
    return ",".join(values or [])


def _number(value):
    # The connector dumps Decimal as a string ("12.5").
    return float(value) if value not in (None, "") else 0.0


def _clock(clock_data):
    """A gate's acceptance clock (lesson 23) as template fields; no clock: all empty."""
    clock_data = clock_data or {}
    return {
        "clock_starts_key": clock_data.get("starts") or False,
        "clock_live_days": int(clock_data.get("live_days") or 0),
        "clock_grace_days": int(clock_data.get("grace_days") or 0),
    }


class PlaybookLoader:
    """One load: counts what it created, updated and archived."""

    def __init__(self, env):
        self.env = env
        installed = {code for code, _name in env["res.lang"].get_installed()}
        self.langs = [odoo_code for odoo_code in LANGUAGES.values() if odoo_code in installed]
        if "en_US" not in self.langs:
            self.langs.insert(0, "en_US")
        self.counts = {"created": 0, "updated": 0, "archived": 0}
        self.seen = {model: set() for model in CHILD_MODELS}
        self.existing = {}
        self.playbook_id = False

    # -- entry point ---------------------------------------------------------------------------------
    def load(self, data):
        if not isinstance(data, dict) or not data.get("key") or not isinstance(data.get("phases"), list):
            raise UserError(
                self.env._(
                    "The playbook data must be a dict with a 'key' and a list of 'phases' (the connector's JSON dump)."
                )
            )
        Playbook = self.env["erp.playbook"].with_context(active_test=False)
        playbook = Playbook.search([("key", "=", data["key"])], limit=1)
        playbook = self._upsert(
            Playbook,
            playbook,
            {
                "key": data["key"],
                "version": data.get("version") or False,
                "hours_per_day": _number(data.get("hours_per_day") or 8),
                "active": True,
                "exam_pass_mark": int((data.get("exam") or {}).get("pass_mark") or 0),
            },
            {"name": data.get("name"), "description": data.get("description")},
        )
        self.playbook_id = playbook.id
        for model in CHILD_MODELS:
            records = self.env[model].with_context(active_test=False).search([("playbook_id", "=", playbook.id)])
            self.existing[model] = {record.key: record for record in records}

        phases = {}
        for phase_data in data["phases"]:
            phases[phase_data["key"]] = self._load_phase(playbook, phase_data)
        gates = {}
        for phase_data in data["phases"]:
            phase = phases[phase_data["key"]]
            for index, gate_data in enumerate(phase_data.get("gates") or []):
                blocks = phases.get(gate_data.get("blocks") or "")
                gates[gate_data["key"]] = self._child(
                    "erp.playbook.gate",
                    playbook,
                    gate_data,
                    {
                        "phase_id": phase.id,
                        "sequence": index + 1,
                        "signed_by": gate_data.get("signed_by") or False,
                        "hard": bool(gate_data.get("hard")),
                        "hard_sizes": _csv(gate_data.get("hard_for")) or False,
                        "evidence_required": bool(gate_data.get("evidence_required")),
                        "certificate": bool(gate_data.get("certificate")),
                        "blocks_phase_id": blocks.id if blocks else False,
                        "sizes": _csv(gate_data.get("sizes")) or False,
                        "industries": _csv(gate_data.get("industries")) or False,
                        "needs_key_user": bool(gate_data.get("needs_key_user")),
                        "exam_required": bool(gate_data.get("exam_required")),
                        **_clock(gate_data.get("acceptance_clock")),
                    },
                    {"document": gate_data.get("document")},
                )
        for index, pay_data in enumerate(data.get("payment_milestones") or []):
            gate = gates.get(pay_data.get("gate") or "")
            self._child(
                "erp.playbook.payment",
                playbook,
                pay_data,
                {
                    "sequence": index + 1,
                    "percent": _number(pay_data.get("percent")),
                    "gate_id": gate.id if gate else False,
                    "grace_days": int(pay_data.get("grace_days") or 0),
                    "delay_days": int(pay_data.get("delay_days") or 0),
                },
            )
        for index, role_data in enumerate(data.get("roles") or []):
            self._child(
                "erp.playbook.role", playbook, role_data, {"sequence": index + 1, "party": role_data.get("party")}
            )
        for index, cadence_data in enumerate(data.get("cadences") or []):
            self._child(
                "erp.playbook.cadence",
                playbook,
                cadence_data,
                {
                    "sequence": index + 1,
                    "frequency": cadence_data.get("frequency"),
                    "owner_role_key": cadence_data.get("owner_role") or False,
                    "sizes": _csv(cadence_data.get("sizes")) or False,
                    "industries": _csv(cadence_data.get("industries")) or False,
                },
            )
        register_data = data.get("register") or {}
        options = (("kind", register_data.get("kinds")), ("disposition", register_data.get("dispositions")))
        for option_type, items in options:
            for index, item in enumerate(items or []):
                self._child(
                    "erp.playbook.register.option",
                    playbook,
                    item,
                    {"sequence": index + 1, "option_type": option_type},
                )
        self._archive_missing()
        return dict(self.counts)

    def _load_phase(self, playbook, phase_data):
        phase = self._child(
            "erp.playbook.phase",
            playbook,
            phase_data,
            {"sequence": int(phase_data.get("sequence") or 0), "budget_share": _number(phase_data.get("budget_share"))},
        )
        # Deliverables first (the phase plan opens a phase), then the checklist, in playbook order.
        items = [("deliverable", d) for d in phase_data.get("deliverables") or []]
        items += [("checklist", c) for c in phase_data.get("checklist") or []]
        for index, (item_type, item) in enumerate(items):
            self._child(
                "erp.playbook.checklist",
                playbook,
                item,
                {
                    "phase_id": phase.id,
                    "sequence": index + 1,
                    "item_type": item_type,
                    "deliverable_kind": item.get("kind") if item_type == "deliverable" else False,
                    "role_key": item.get("role") or False,
                    "sizes": _csv(item.get("sizes")) or False,
                    "industries": _csv(item.get("industries")) or False,
                },
            )
        return phase

    # -- upsert --------------------------------------------------------------------------------------
    def _child(self, model, playbook, data, values, texts=None):
        texts = dict(texts or {})
        texts.setdefault("name", data.get("name"))
        texts.setdefault("description", data.get("description"))
        record = self.existing[model].get(data["key"], self.env[model])
        values = dict(values, playbook_id=playbook.id, key=data["key"], active=True)
        record = self._upsert(self.env[model].with_context(active_test=False), record, values, texts)
        self.existing[model][data["key"]] = record
        self.seen[model].add(record.id)
        return record

    def _upsert(self, Model, record, values, texts):
        """Create or update one record; ``texts`` maps a translated field to ``{zh_TW, zh_CN, en}`` or None."""
        by_lang = {lang: {} for lang in self.langs}
        for field_name, text in texts.items():
            for short, odoo_code in LANGUAGES.items():
                if odoo_code in by_lang:
                    by_lang[odoo_code][field_name] = (text or {}).get(short) or (text or {}).get("en") or False
        if not record:
            record = Model.with_context(lang="en_US").create(dict(values, **by_lang["en_US"]))
            for lang in self.langs:
                if lang != "en_US":
                    record.with_context(lang=lang).write(by_lang[lang])
            self.counts["created"] += 1
            return record
        changed = False
        plain = {name: value for name, value in values.items() if not self._same(record, name, value)}
        if plain:
            record.with_context(lang="en_US").write(plain)
            changed = True
        for lang in self.langs:
            localized = record.with_context(lang=lang)
            diff = {name: value for name, value in by_lang[lang].items() if (localized[name] or False) != value}
            if diff:
                localized.write(diff)
                changed = True
        if changed:
            self.counts["updated"] += 1
        return record

    @staticmethod
    def _same(record, name, value):
        current = record[name]
        field = record._fields[name]
        if field.type == "many2one":
            return current.id == (value or False)
        if field.type == "float":
            return abs((current or 0.0) - (value or 0.0)) < 1e-9
        return (current or False) == (value or False)

    def _archive_missing(self):
        for model in CHILD_MODELS:
            # Default active_test: only items still active are archived (and counted).
            stale = self.env[model].search(
                [("playbook_id", "=", self.playbook_id), ("id", "not in", list(self.seen[model]))]
            )
            if stale:
                stale.write({"active": False})
                self.counts["archived"] += len(stale)
