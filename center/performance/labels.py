"""Audit words of the performance area (both languages through gettext; registered from AppConfig.ready)."""
