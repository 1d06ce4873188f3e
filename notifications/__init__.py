"""Emails: a typed catalogue, Jinja2 templates (HTML and text), and SMTP senders."""
