"""Appointments and their reminders: created, moved, cancelled, pushed, never lost or doubled."""
