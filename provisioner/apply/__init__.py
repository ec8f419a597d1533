"""Carrying out a Plan: API changes through connectors, manual changes as tracked tasks."""
