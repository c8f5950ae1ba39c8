"""Files generated from the topic catalogue: one JSON Schema per event, `docs/events.md`
and `docs/asyncapi.yaml`. Run `python -m switchboard_contracts.export [--check]`."""
