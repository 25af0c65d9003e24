"""Writes to patches, covers, comments and series.

Import from the topic modules (``apps.patches.services.updates`` ...).
"""
