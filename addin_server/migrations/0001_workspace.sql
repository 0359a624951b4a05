-- The workspace in PostgreSQL: the tables the files backend keeps as files (addin_server/workspace.py).
-- Every plan and adoption record has a version; a write names the version it replaces
-- (UPDATE … WHERE version = expected), so a stale write changes nothing and is refused.

CREATE TABLE tokens (
    sha256          text PRIMARY KEY CHECK (sha256 ~ '^[0-9a-f]{64}$'),
    name            text NOT NULL,
    municipalities  text[]           -- NULL: every municipality (a maintainer token, "*")
);

CREATE TABLE plans (
    id          text PRIMARY KEY CHECK (id ~ '^[A-Za-z0-9_][A-Za-z0-9_.-]*$'),
    source      text NOT NULL,       -- the plan file's YAML text, as written (comments kept)
    version     bigint NOT NULL CHECK (version > 0),
    updated_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE adoptions (
    plan_id       text NOT NULL REFERENCES plans (id),
    municipality  text NOT NULL CHECK (municipality ~ '^[0-9]{4}$'),
    record        jsonb NOT NULL,    -- docplan.model.Adoption as JSON
    version       bigint NOT NULL CHECK (version > 0),
    updated_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (plan_id, municipality)
);

CREATE TABLE adoption_audit (
    id            bigserial PRIMARY KEY,
    time          timestamptz NOT NULL,
    token         text NOT NULL,     -- the name of the token that wrote
    plan_id       text NOT NULL,
    municipality  text NOT NULL,
    before        jsonb,
    after         jsonb NOT NULL
);

CREATE INDEX adoption_audit_record ON adoption_audit (plan_id, municipality, id);
