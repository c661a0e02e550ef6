"""Only what pyproject.toml cannot say: ship the top-level jira_templates/ as the package connector.jira_templates,
so a wheel reads it through importlib.resources exactly like an editable install does."""

from setuptools import find_packages, setup

setup(
    packages=[*find_packages(include=["connector", "connector.*", "cli", "cli.*"]), "connector.jira_templates"],
    package_dir={"connector.jira_templates": "jira_templates"},
)
