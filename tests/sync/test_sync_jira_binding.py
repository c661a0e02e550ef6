"""The sync finds its Jira fields and issues the way provisioning recorded them (connector.jira.binding)."""

from __future__ import annotations

from tests.sync.conftest import World
from tests.sync.fakes import DUE, REMAINING, SPENT, STATUS

RECORDED = {"man_day_budget": "customfield_20000", "man_days_spent": "customfield_20001",
            "man_days_remaining": "customfield_20002", "payment_status": "customfield_20003",
            "due_date": "customfield_20004"}


def _renamed_fields(world: World) -> None:
    """The fields provisioning created, renamed since by an admin (Jira lets names repeat and change)."""
    world.jira.fields += [
        {"id": "customfield_20001", "name": "Jours consommés", "custom": True, "schema": {"type": "number"}},
        {"id": "customfield_20002", "name": "Jours restants", "custom": True, "schema": {"type": "number"}},
        {"id": "customfield_20003", "name": "Statut du paiement", "custom": True, "schema": {"type": "option"}},
        {"id": "customfield_20004", "name": "Échéance", "custom": True, "schema": {"type": "date"}},
    ]


def test_fields_come_from_the_property_provisioning_wrote_not_from_their_names(world: World) -> None:
    _renamed_fields(world)
    world.jira.project_properties[("ACME", "erp-playbook-fields")] = RECORDED

    world.run()

    edits = world.jira.edits
    assert set(edits[world.issues["analysis"]]) == {"customfield_20001", "customfield_20002"}
    assert edits[world.issues["signing"]] == {"customfield_20003": {"value": "Invoiced"},
                                              "customfield_20004": "2025-05-01"}
    assert world.jira.count("/rest/api/3/field") == 0  # every field named by the property: no lookup by name


def test_a_field_the_property_does_not_name_is_found_by_its_template_name(world: World) -> None:
    _renamed_fields(world)
    world.jira.project_properties[("ACME", "erp-playbook-fields")] = {"payment_status": "customfield_20003"}

    world.run()

    edits = world.jira.edits
    assert set(edits[world.issues["analysis"]]) == {SPENT, REMAINING}  # "Man-days spent" / "... remaining"
    assert edits[world.issues["signing"]] == {"customfield_20003": {"value": "Invoiced"}, DUE: "2025-05-01"}
    assert STATUS not in edits[world.issues["signing"]]


def test_a_localised_epic_still_gets_its_man_days(world: World) -> None:
    epic = next(t for t in world.jira.issue_types if t["name"] == "Epic")
    epic["name"] = "長篇故事"  # a site created in Chinese: JQL knows no "Epic" there
    for issue in world.jira.issues.values():
        if issue["fields"]["issuetype"]["name"] == "Epic":
            issue["fields"]["issuetype"]["name"] = "長篇故事"

    summary = world.run()

    assert set(world.jira.edits[world.issues["analysis"]]) == {SPENT, REMAINING}
    assert not [w for w in summary.projects[0].warnings if "carries the erp-playbook property" in w]
