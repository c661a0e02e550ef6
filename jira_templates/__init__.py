"""Jira templates (data only): installed as the package ``connector.jira_templates`` (see setup.py)."""
