-- Access: API keys are tenants. A key owns the submissions and problems it created; rows from before
-- keys existed have no owner and are seen by admin keys only.

CREATE TABLE api_keys (
    id              uuid PRIMARY KEY,
    name            text NOT NULL,
    key_hash        bytea NOT NULL UNIQUE,   -- SHA-256 of the key; the key itself is never stored
    signing_secret  bytea NOT NULL,          -- HMAC-SHA256 secret for this key's callbacks (the server signs, so it keeps it)
    is_admin        boolean NOT NULL DEFAULT false,
    created_at      timestamptz NOT NULL DEFAULT now(),
    revoked_at      timestamptz
);

-- One live key per name, so that `make key-revoke NAME=...` means one key.
CREATE UNIQUE INDEX api_keys_live_name ON api_keys (name) WHERE revoked_at IS NULL;

ALTER TABLE problems ADD COLUMN owner_key_id uuid REFERENCES api_keys (id);
ALTER TABLE submissions ADD COLUMN owner_key_id uuid REFERENCES api_keys (id);

CREATE INDEX problems_owner ON problems (owner_key_id, created_at DESC, id DESC);
CREATE INDEX submissions_owner ON submissions (owner_key_id, created_at DESC, id DESC);
-- The cap on a key's unfinished submissions counts these.
CREATE INDEX submissions_owner_unfinished ON submissions (owner_key_id) WHERE status <> 'done';

-- A submission's callback, kept until delivered or given up, so that it survives an Api restart.
CREATE TABLE submission_callbacks (
    submission_id   uuid PRIMARY KEY REFERENCES submissions (id) ON DELETE CASCADE,
    url             text NOT NULL,
    attempts        int NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL DEFAULT now(), -- also a lease: a sender claims a row by moving it forward
    delivered_at    timestamptz,
    failed_at       timestamptz,             -- gave up after the configured attempts
    last_error      text
);

CREATE INDEX submission_callbacks_pending ON submission_callbacks (next_attempt_at)
    WHERE delivered_at IS NULL AND failed_at IS NULL;
