"""Shared plumbing of the Switchboard services: settings, logging, Kafka, database,
outbox relay, HTTP error shape and health, the clock, and the template every database
service is assembled from (`service`: its app, lifespan and command line). One place for
each; services never copy it."""
