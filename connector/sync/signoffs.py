"""Sign-off gates agree on both sides: Jira's Sign-off issues and Odoo's ``erp.signoff``, per configured project.

A payment milestone falls due when its gate is signed in Odoo, so a gate a team signs in Jira must reach Odoo, and
a gate signed in Odoo must show in Jira. Each run reads every Sign-off issue of the run's Jira projects in one
search (status, status category and the dates search returns) and the projects' sign-offs in one Odoo read;
gates are matched by (project, gate key), the key coming from the ``erp-playbook`` entity property.

Which side wins is a three-way decision: the ``signoff`` namespace of the sync state keeps, per gate, the states
both sides were last seen agreeing in, so the sync can tell "Jira moved" from "Odoo moved" (a gate reopened after a
rejection is not rejected again). Odoo changes go through the addon's own actions (``action_request``,
``action_sign``, ``action_reject``), so its rules and tracking apply, plus an internal note naming the Jira issue.
Jira changes walk the sign-off workflow of ``jira_templates/`` one transition at a time (transition ids sent as
strings, as the REST contract says). A signed Odoo sign-off is never written to; signed on one side and rejected
on the other is a conflict, reported and left alone. A run killed between a write and its bookkeeping finishes the
job on the next run: the intended move is stored before it is made.

A signature is the customer's: a Sign-off moved to "Signed off" in Jira is recorded in Odoo only when the person who
moved it (the issue's changelog) is a contact of the project's customer, matched by e-mail address; the contact is
then the signer, and the Jira issue the evidence. Anyone else (a consultant, an account whose e-mail Jira hides) is a
conflict: reported, Odoo left unsigned, until the customer signs in the portal or a manager records the paper.
"""

from __future__ import annotations

import logging
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from connector.errors import ConfigError, ConnectorError
from connector.jira.adapter import JiraError
from connector.jira.binding import PROPERTY, Tag
from connector.jira.templates import JiraTemplates, load_templates
from connector.odoo.errors import OdooAccessError, OdooServerError
from connector.odoo.records import m2o_id
from connector.sync.jira_side import JiraSide
from connector.sync.odoo_side import OdooSide
from connector.sync.state import StateStore
from connector.sync.summary import ProjectResult

log = logging.getLogger(__name__)

NS = "signoff"  # state: "<code>|<gate key>" -> {"o": Odoo state, "j": Jira state, "id": erp.signoff id} (+ pending)
DRAFT, REQUESTED, SIGNED, REJECTED = "draft", "requested", "signed", "rejected"
RANK = {DRAFT: 0, REQUESTED: 1, SIGNED: 2, REJECTED: 2}
# The link between the template's sign-off workflow (statusReference) and the addon's erp.signoff states.
STATE_OF_REFERENCE = {"todo": DRAFT, "awaiting": REQUESTED, "signed": SIGNED, "rejected": REJECTED}
# A status renamed on the site is still understood by its category, where the category is unambiguous.
STATE_OF_CATEGORY = {"new": DRAFT, "indeterminate": REQUESTED}
SEARCH_FIELDS = ["project", "status", "resolutiondate", "statuscategorychangedate", "updated"]
# Jira answers that concern one issue (bad transition, issue gone): reported for that gate, the rest goes on.
PER_GATE_STATUSES = frozenset({400, 404, 409, 422})
AGREE, TO_ODOO, TO_JIRA, CONFLICT, WAIT = "agree", "to_odoo", "to_jira", "conflict", "wait"


@dataclass(frozen=True)
class SignoffWorkflow:
    """The sign-off workflow of ``jira_templates/``: status names per Odoo state and the moves between them."""

    issue_type: str
    status_of: dict[str, str]  # Odoo state -> Jira status name
    state_of_name: dict[str, str]  # casefolded status name -> Odoo state
    moves: dict[str, frozenset[str]]  # casefolded status -> statuses one transition away ("": from any)

    @classmethod
    def from_templates(cls, templates: JiraTemplates | None = None) -> SignoffWorkflow:
        templates = templates or load_templates()
        doc = templates.signoff_workflow
        try:
            names = {s["statusReference"]: s["name"] for s in doc["statuses"]}
            status_of = {STATE_OF_REFERENCE[ref]: name for ref, name in names.items() if ref in STATE_OF_REFERENCE}
            moves: dict[str, set[str]] = {}
            for t in doc["workflows"][0]["transitions"]:
                if t.get("type") == "INITIAL":
                    continue
                to = names[t["toStatusReference"]].casefold()
                froms = [names[link["fromStatusReference"]].casefold() for link in t.get("links") or []
                         if link.get("fromStatusReference")] or [""]
                for source in froms:
                    moves.setdefault(source, set()).add(to)
        except (KeyError, IndexError, TypeError) as exc:
            raise ConfigError(f"jira_templates/workflow-signoff.json lacks {exc}",
                              "restore jira_templates/ from the repository") from None
        missing = sorted(set(STATE_OF_REFERENCE) - set(names))
        if missing:
            raise ConfigError(f"jira_templates/workflow-signoff.json has no status {', '.join(missing)}",
                              "restore jira_templates/ from the repository")
        return cls(templates.by_kind["gate"].name, status_of, {n.casefold(): s for s, n in status_of.items()},
                   {k: frozenset(v) for k, v in moves.items()})

    def state(self, status: dict[str, Any]) -> str | None:
        """The Odoo state a Jira status stands for; None when it cannot tell (an unknown status of category done)."""
        name = str(status.get("name") or "").casefold()
        if name in self.state_of_name:
            return self.state_of_name[name]
        return STATE_OF_CATEGORY.get(str((status.get("statusCategory") or {}).get("key") or ""))

    def route(self, current: str, goal: str) -> list[str] | None:
        """The statuses (casefolded) to pass through, ``goal`` last, along the template's transitions (fewest)."""
        start, goal = current.casefold(), goal.casefold()
        came: dict[str, str] = {start: ""}
        todo = deque([start])
        while todo:
            here = todo.popleft()
            if here == goal:
                path = []
                while here != start:
                    path.append(here)
                    here = came[here]
                return path[::-1]
            for there in sorted(self.moves.get(here, frozenset()) | self.moves.get("", frozenset())):
                if there not in came:
                    came[there] = here
                    todo.append(there)
        return None


@dataclass(frozen=True)
class JiraGate:
    issue: str  # issue key, e.g. ACME-7
    status: str
    state: str | None
    date: str | None  # the day the issue reached its current status category
    signer: str | None = None  # who moved it to Signed off (None: not looked up)
    signer_partner: int | None = None  # that person's res.partner among the customer's contacts (None: not one)


@dataclass(frozen=True)
class OdooGate:
    id: int
    name: str
    state: str
    date: str | None
    signer_id: int | None
    partner_id: int | None


@dataclass(frozen=True)
class Decision:
    action: str  # AGREE, TO_ODOO, TO_JIRA, CONFLICT, WAIT
    target: str | None = None
    why: str = ""
    record: bool = False  # whether the observed pair becomes the gate's new base


def decide(o: OdooGate, j: JiraGate, base: dict[str, Any] | None) -> Decision:
    """What to do with one gate, given both sides and the states they last agreed in (None: never seen)."""
    assert j.state is not None
    b_o, b_j = (base or {}).get("o"), (base or {}).get("j")
    same = base is not None and base.get("id") == o.id
    o_moved = not same or b_o != o.state
    j_moved = base is None or b_j != j.state
    if base is not None and not same and b_j == SIGNED and j.state == SIGNED and o.state != SIGNED:
        # Jira's signature belongs to a sign-off Odoo has since superseded: it must not sign the new request.
        return Decision(WAIT, why="superseded")
    if o.state == j.state:
        if o.state == SIGNED and o.date != j.date and SIGNED not in (b_j, b_o if same else None):
            return Decision(CONFLICT, why="dates", record=True)  # signed apart on both sides: said once
        return Decision(AGREE, record=True)
    if o.state == SIGNED:
        if j.state == REJECTED and (j_moved or not o_moved):
            return Decision(CONFLICT, why="signed_rejected")
        return Decision(TO_JIRA, SIGNED)  # a signed Odoo sign-off is final: Jira catches up
    if j.state == SIGNED:
        if o.state == REJECTED and (o_moved or not j_moved):
            return Decision(CONFLICT, why="rejected_signed")
        if j.signer is not None and j.signer_partner is None:
            return Decision(CONFLICT, why="not_customer")  # signed in Jira, but not by the customer
        return Decision(TO_ODOO, SIGNED)
    if j.state == REJECTED:  # Odoo open
        if base is not None and b_j == REJECTED and o_moved:
            return Decision(TO_JIRA, o.state)  # Odoo reopened the gate after the rejection
        return Decision(TO_ODOO, REJECTED)
    if o.state == REJECTED:  # Jira open
        if same and b_o == REJECTED and j_moved:  # Jira reopened the gate after the rejection
            return Decision(TO_ODOO, REQUESTED) if j.state == REQUESTED else Decision(WAIT, why="reopened")
        return Decision(TO_JIRA, REJECTED)
    # Both open (draft / requested): the request travels.
    return Decision(TO_JIRA, o.state) if RANK[o.state] > RANK[j.state] else Decision(TO_ODOO, j.state)


def _day(stamp: Any) -> str | None:
    """Jira's ``2025-06-10T14:03:11.000+0200`` -> ``2025-06-10`` (the day where it happened)."""
    if not stamp:
        return None
    text = str(stamp)
    try:
        return datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%f%z").date().isoformat()
    except ValueError:
        return text[:10]


def jira_gate(issue: dict[str, Any], workflow: SignoffWorkflow) -> JiraGate:
    fields = issue.get("fields") or {}
    status = fields.get("status") or {}
    state = workflow.state(status)
    # resolutiondate when the workflow sets a resolution; else when the status category last changed.
    date = _day(fields.get("resolutiondate")) if state in (SIGNED, REJECTED) else None
    date = date or _day(fields.get("statuscategorychangedate")) or _day(fields.get("updated"))
    return JiraGate(issue=str(issue.get("key") or issue.get("id")), status=str(status.get("name") or "?"),
                    state=state, date=date)


def odoo_gate(row: dict[str, Any]) -> OdooGate:
    return OdooGate(id=int(row["id"]), name=str(row.get("name") or row.get("key")), state=str(row["state"]),
                    date=str(row["date_signed"]) if row.get("date_signed") else None,
                    signer_id=m2o_id(row.get("signer_id")), partner_id=m2o_id(row.get("partner_id")))


class GateProblem(Exception):
    """One gate could not be synced; the message says why and what to do. The other gates go on."""


class SignoffSync:
    """One pass over the sign-offs of the run's Jira projects (``projects``: code -> (Jira key, Odoo id, result))."""

    def __init__(self, *, odoo: OdooSide, jira: JiraSide, state: StateStore, dry_run: bool,
                 workflow: SignoffWorkflow | None = None) -> None:
        self.odoo, self.jira, self.state, self.dry_run = odoo, jira, state, dry_run
        self.workflow = workflow or SignoffWorkflow.from_templates()
        self._agreed: dict[str, dict[str, Any]] = {}  # bases with no move attached: written in one batch

    def run(self, projects: dict[str, tuple[str, int, ProjectResult]],
            fail: Callable[[str, ConnectorError], None]) -> None:
        """``fail(code, error)`` marks a project failed (reading failed, or Odoo/Jira stopped answering)."""
        if not projects:
            return
        by_jira_key = {jira_key: code for code, (jira_key, _, _) in projects.items()}
        by_odoo_id = {odoo_id: code for code, (_, odoo_id, _) in projects.items()}
        try:
            issues = list(self.jira.signoff_issues(sorted(by_jira_key), self.workflow.issue_type, SEARCH_FIELDS))
            rows = self.odoo.signoffs(sorted(by_odoo_id))
        except ConnectorError as exc:
            for code in projects:
                fail(code, exc)
            return
        in_jira: dict[str, dict[str, JiraGate]] = {code: {} for code in projects}
        for issue in issues:
            tag = Tag.of_issue(issue)
            code = by_jira_key.get(((issue.get("fields") or {}).get("project") or {}).get("key"))
            if code and tag is not None and tag.kind == "gate":
                in_jira[code][tag.key] = jira_gate(issue, self.workflow)
        in_odoo: dict[str, dict[str, OdooGate]] = {code: {} for code in projects}
        for row in sorted(rows, key=lambda r: int(r["id"])):  # the newest of one key wins (a superseding request)
            code = by_odoo_id.get(m2o_id(row.get("project_id")) or 0)
            if code:
                in_odoo[code][str(row["key"])] = odoo_gate(row)
        bases = self.state.get_many(NS, [f"{code}|{gate}" for code in projects for gate in in_odoo[code]])
        for code, (_, _, result) in projects.items():
            try:
                self._project(code, in_odoo[code], in_jira[code], bases, result)
            except ConnectorError as exc:
                fail(code, exc)

    def _project(self, code: str, odoo: dict[str, OdooGate], jira: dict[str, JiraGate], bases: dict[str, Any],
                 result: ProjectResult) -> None:
        self._agreed = {}
        missing = sorted(set(odoo) - set(jira))
        if missing:
            result.warnings.append(f"no Jira {self.workflow.issue_type} issue carries the {PROPERTY} property for "
                                   f"gate(s) {', '.join(missing)}: their sign-off state is not synced (run "
                                   "`playbook jira provision` for this project)")
        for gate in sorted(set(jira) - set(odoo)):
            result.warnings.append(f"Jira issue {jira[gate].issue} is gate {gate}, which has no sign-off in Odoo: "
                                   "not synced (provision the project in Odoo, or fix the issue's erp-playbook key)")
        for gate in sorted(set(odoo) & set(jira)):
            o, j = odoo[gate], jira[gate]
            if j.state is None:
                result.warnings.append(
                    f"{j.issue} is in status {j.status!r}, which the sign-off workflow does not know: gate {gate} "
                    f"is not synced (use the statuses {', '.join(self.workflow.status_of.values())})")
                continue
            slot = f"{code}|{gate}"
            stored = bases.get(slot)
            try:
                self._gate(slot, gate, o, j, stored, result)
            except GateProblem as problem:
                log.warning("project %s: %s", code, problem)
                result.warnings.append(str(problem))
        self.state.put_many(NS, self._agreed)
        self._agreed = {}

    # ------------------------------------------------------------------------------------------ one gate
    def _gate(self, slot: str, gate: str, o: OdooGate, j: JiraGate, stored: dict[str, Any] | None,
              result: ProjectResult) -> None:
        base = self._settle(stored, o, j)
        decision = decide(o, j, base)
        if decision.action == TO_ODOO and decision.target == SIGNED and o.partner_id:
            j = self._signed_by(o, j)  # only now: one changelog read per gate about to be signed
            decision = decide(o, j, base)
        entry = {"gate": gate, "issue": j.issue, "odoo": o.state, "jira": j.status}
        if decision.action == TO_ODOO:
            assert decision.target is not None
            self._put(slot, stored, {**(base or {}), "pull": decision.target, "pull_id": o.id, "note": True})
            self._to_odoo(gate, o, j, decision.target)
            result.signoffs_from_jira += 1
            result.signoffs_signed_from_jira += decision.target == SIGNED
            result.signoffs.append({**entry, "action": f"Odoo {decision.target} from Jira"})
            self._put(slot, stored, {"o": decision.target, "j": j.state, "id": o.id})
        elif decision.action == TO_JIRA:
            assert decision.target is not None
            self._put(slot, stored, {**(base or {}), "push": decision.target})
            self._to_jira(gate, o, j, decision.target)
            result.signoffs_to_jira += 1
            result.signoffs.append({**entry, "action": f"Jira {self.workflow.status_of[decision.target]} from Odoo"})
            self._put(slot, stored, {"o": o.state, "j": decision.target, "id": o.id})
        elif decision.action == CONFLICT:
            result.signoff_conflicts += 1
            result.signoffs.append({**entry, "action": "conflict"})
            message = self._conflict(decision.why, gate, o, j)
            log.warning("%s", message)
            result.warnings.append(message)
            self._put(slot, stored, {"o": o.state, "j": j.state, "id": o.id} if decision.record else base, later=True)
        elif decision.action == WAIT:
            if decision.why == "superseded":
                message = (f"sign-off {o.name!r} ({gate}) in Odoo is a new request replacing a signed one, but "
                           f"{j.issue} stays Signed off in Jira (the sign-off workflow has no way back): sign or "
                           "reject the new request in Odoo; Jira is left as it is")
                log.warning("%s", message)
                result.warnings.append(message)
            self._put(slot, stored, base, later=True)
        else:
            self._put(slot, stored, {"o": o.state, "j": j.state, "id": o.id}, later=True)

    def _settle(self, stored: dict[str, Any] | None, o: OdooGate, j: JiraGate) -> dict[str, Any] | None:
        """The stored base with a move a killed run made (and did not record) taken into account."""
        if not stored:
            return None
        base = {k: stored[k] for k in ("o", "j", "id") if k in stored}
        if stored.get("pull") and stored.get("pull_id") == o.id and o.state == stored["pull"]:
            base.update(o=o.state, id=o.id)
            note = _note(j, o.state)
            if stored.get("note") and not self.dry_run and not self.odoo.has_signoff_note(o.id, note):
                self.odoo.post_signoff_note(o.id, note)
        if stored.get("push") and j.state == stored["push"]:
            base["j"] = j.state
        return base or None

    def _put(self, slot: str, stored: dict[str, Any] | None, value: dict[str, Any] | None, later: bool = False) -> None:
        """Record a gate's base; at once around a move (a killed run must find it), else with the project's batch."""
        if not value or value == stored:
            return
        if later:
            self._agreed[slot] = value
        else:
            self.state.put_many(NS, {slot: value})

    def _signed_by(self, o: OdooGate, j: JiraGate) -> JiraGate:
        """``j`` with who moved it to its status, and that person's contact among the customer's (by e-mail)."""
        author = self.jira.status_author(j.issue, j.status) or {}
        name = str(author.get("displayName") or author.get("accountId") or "someone Jira does not name")
        email = str(author.get("emailAddress") or "").strip().casefold()
        contacts = self.odoo.customer_contacts(int(o.partner_id or 0)) if email else []
        match = next((c for c in contacts if str(c.get("email") or "").strip().casefold() == email), None)
        return replace(j, signer=name if email else f"{name} (e-mail hidden by Jira)",
                       signer_partner=int(match["id"]) if match else None)

    # ------------------------------------------------------------------------------------------- writes
    def _to_odoo(self, gate: str, o: OdooGate, j: JiraGate, target: str) -> None:
        signer = j.signer_partner
        if target == SIGNED and not signer:
            raise GateProblem(
                f"{j.issue} is Signed off in Jira, but Odoo does not know who signed {o.name!r} ({gate}): set the "
                "customer on the Odoo project; the next sync signs it if a contact of the customer moved the issue")
        if self.dry_run:
            return
        try:
            if o.state in (DRAFT, REJECTED) and target in (REQUESTED, SIGNED, REJECTED):
                self.odoo.signoff_action(o.id, "action_request")
            if target == SIGNED:
                self.odoo.signoff_action(o.id, "action_sign", signer_id=signer, date_signed=j.date,
                                         jira_issue=j.issue)
            elif target == REJECTED:
                self.odoo.signoff_action(o.id, "action_reject", reason=f"Rejected in Jira: {j.issue}"
                                         + (f" on {j.date}" if j.date else ""))
            self.odoo.post_signoff_note(o.id, _note(j, target))
        except OdooServerError as exc:
            if isinstance(exc, OdooAccessError):
                raise
            raise GateProblem(f"could not set sign-off {o.name!r} ({gate}) to {target} as {j.issue} is in Jira: "
                              f"{exc.message}; correct it in Odoo, the next sync tries again") from None
        log.info("sign-off %s (%s) %s in Odoo from Jira %s", o.name, gate, target, j.issue)

    def _to_jira(self, gate: str, o: OdooGate, j: JiraGate, target: str) -> None:
        goal = self.workflow.status_of[target]
        if self.dry_run:
            return
        current = j.status
        try:
            for _ in range(len(self.workflow.status_of) + 1):
                if current.casefold() == goal.casefold():
                    log.info("sign-off %s (%s): %s moved to %s in Jira", o.name, gate, j.issue, goal)
                    return
                offered = self.jira.transitions(j.issue)
                route = self.workflow.route(current, goal) or [goal.casefold()]
                step = next((t for t in offered if _to(t) == goal.casefold()), None) \
                    or next((t for t in offered if _to(t) == route[0]), None)
                if step is None:
                    names = ", ".join(f"{t.get('name')} -> {(t.get('to') or {}).get('name')}" for t in offered)
                    raise GateProblem(
                        f"{j.issue} is in {current!r} and Jira offers no way towards {goal!r} (offered: "
                        f"{names or 'nothing'}): move it by hand to match sign-off {o.name!r} ({gate}), {o.state} "
                        "in Odoo, or check the Transition Issues permission of the sync user")
                self.jira.transition(j.issue, str(step["id"]))
                current = str((step.get("to") or {}).get("name") or route[0])
        except JiraError as exc:
            if exc.status not in PER_GATE_STATUSES:
                raise
            raise GateProblem(f"could not move {j.issue} to {goal!r} to match sign-off {o.name!r} ({gate}), "
                              f"{o.state} in Odoo: {exc.message}; move it by hand (a transition screen or "
                              "validator may ask for more)") from None
        raise GateProblem(f"{j.issue} did not reach {goal!r}: move it by hand")

    def _conflict(self, why: str, gate: str, o: OdooGate, j: JiraGate) -> str:
        what = f"sign-off {o.name!r} ({gate})"
        if why == "not_customer":
            return (f"{what}: {j.issue} was signed in Jira by {j.signer}, not a customer contact: Odoo is left "
                    f"{o.state}. Have the customer sign it in the portal, or let a manager record the signed paper "
                    "(a customer contact signing in Jira needs the same e-mail in Jira and on the Odoo contact)")
        if why == "signed_rejected":
            return (f"{what} is signed in Odoo (on {o.date}) but {j.issue} is Rejected in Jira: nothing was changed. "
                    "If the customer did reject it, supersede it in Odoo (the next sync rejects the new request as in "
                    f"Jira); if the signature stands, reopen {j.issue} in Jira (the next sync moves it to Signed off)")
        if why == "rejected_signed":
            return (f"{what} is rejected in Odoo but {j.issue} is Signed off in Jira (on {j.date}): nothing was "
                    "changed. If the customer signed, request it again in Odoo (the next sync signs it with Jira's "
                    f"date); if it stays rejected, have a Jira admin move {j.issue} to Rejected")
        return (f"{what} was signed in Odoo on {o.date} and in Jira ({j.issue}) on {j.date}: both kept, the payment "
                f"falls due from Odoo's date. If {j.date} is right, supersede the sign-off in Odoo and sign the new "
                "request with that date (said once)")


def _to(transition: dict[str, Any]) -> str:
    return str((transition.get("to") or {}).get("name") or "").casefold()


def _note(j: JiraGate, target: str) -> str:
    """The internal note on an Odoo sign-off changed from Jira; plain words only, so a killed run's re-run finds it
    again in the chatter (``ilike`` on the stored HTML)."""
    verb = {SIGNED: "Signed", REJECTED: "Rejected", REQUESTED: "Requested"}.get(target, target)
    since = f" since {j.date}" if j.date and target in (SIGNED, REJECTED) else ""
    return f"{verb} from Jira: {j.issue} is in status {j.status}{since} (erp-playbook sync)"
