"""Identity for every service: JWT bearer tokens verified against the issuer's JWKS.

- `settings.AuthSettings`: issuer, audience, where the keys come from (`AUTH_*` variables);
- `claims`: the claims a Switchboard token carries, and the `Principal` they describe;
- `keys`: the JWKS, inline or fetched from a URL with caching and refresh on unknown `kid`;
- `verifier.TokenVerifier`: a token in, a `Principal` out, or `InvalidTokenError`;
- `signing.TokenSigner`: makes such tokens (the development issuer and tests use it);
- `http`: the FastAPI side: `install_auth(app, verifier)` and the `CurrentPrincipal`
  dependency (401 with `WWW-Authenticate: Bearer` in the project's error shape).
"""
