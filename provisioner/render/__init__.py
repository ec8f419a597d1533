"""Renderers: one Plan in, text for a terminal, JSON for scripts, Markdown for a PR comment.

Every renderer is a pure function returning a string; the CLI decides where it goes. They
read only the Plan (or, for `report`, the Config), so what a reviewer sees is what apply does.
"""
