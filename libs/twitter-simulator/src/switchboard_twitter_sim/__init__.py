"""A local stand-in for the Twitter API, faithful to the wire protocol (TWITTER.md)."""
