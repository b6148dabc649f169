"""Reminders: deadlines as data, in-app notifications of what is due or overdue, e-mail digests (SMTP or outbox)."""
