"""Shared plumbing of the Switchboard services: settings, logging, Kafka, database,
outbox relay, HTTP error shape and health. One place for each; services never copy it."""
