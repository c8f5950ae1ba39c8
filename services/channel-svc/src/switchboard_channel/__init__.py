"""channel-svc: Twitter channels, their credentials and settings, and sending replies."""
