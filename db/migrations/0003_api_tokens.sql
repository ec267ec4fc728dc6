-- Operators' bearer tokens, stored as SHA-256 hashes. Issued with `satmon token create`.
CREATE TABLE api_tokens (
    token_id      bigserial PRIMARY KEY,
    name          text        NOT NULL,
    role          text        NOT NULL CHECK (role IN ('viewer', 'operator')),
    token_sha256  text        NOT NULL UNIQUE,
    created_at    timestamptz NOT NULL DEFAULT now(),
    revoked_at    timestamptz
);
