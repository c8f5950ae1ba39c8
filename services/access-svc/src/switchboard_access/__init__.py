"""Switchboard access-svc."""
