"""Test support for Switchboard: a pytest plugin that provides real Kafka and PostgreSQL."""
