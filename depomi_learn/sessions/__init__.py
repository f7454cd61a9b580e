"""Blended training: sessions, registration and waiting list, attendance, QR check-in,
iCalendar, reminders, evaluations, knowledge gain; the `flask sessions` commands."""
