"""Coordinator reports: SQL aggregates over the learners a user may see.

One function per report serves the page, the CSV and XLSX exports and the JSON API, and every
one of them starts from `permissions.learners_visible_to(user)`.
"""
