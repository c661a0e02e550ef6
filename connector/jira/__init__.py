"""Jira: adapter over the pycontribs client, doctor, templates and provisioning (docs/jira.md)."""
