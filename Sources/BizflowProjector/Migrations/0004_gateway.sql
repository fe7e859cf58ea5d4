-- The HTTP gateway's own tables: API keys (only a hash of each key) and idempotency keys. No tenant-visible data:
-- analysts get no access.
CREATE TABLE api_keys (
  key_id text PRIMARY KEY,
  tenant_id text NOT NULL,
  name text NOT NULL,
  secret_hash text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  revoked_at timestamptz
);

CREATE TABLE idempotency_keys (
  tenant_id text NOT NULL,
  idempotency_key text NOT NULL,
  request_hash text NOT NULL,
  event_id text NOT NULL,
  response text,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, idempotency_key)
);
