"""The chaos run (`make chaos`): Jepsen-style proof that nothing is lost and nothing is done
twice. A seeded workload of customer tweets and DMs through the Twitter simulator's signed
webhooks, agents replying; faults at random moments (SIGKILL of every service process and
the outbox relay, a broker restart, a database restart, a Twitter API outage); a checker
over the whole history, from the outside."""
