"""The chaos package's own tests: the checker must catch what it is there to catch."""
