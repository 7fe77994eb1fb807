-- A tenant run without SQL: its admins manage agents, numbers and settings through the gateway's admin API, which
-- call-state, the one writer, carries out and audits (docs/protocol.md, "Admin API").

-- What an agent may do besides taking calls, as the admin API records it: 'agent', 'supervisor', 'admin'. The token's
-- groups claim is what the gateway checks; the local stack's dev token copies this column, and a production identity
-- provider maps its own groups (presence-gateway/README.md).
ALTER TABLE voip_users ADD COLUMN roles text[] NOT NULL DEFAULT '{agent}'
    CHECK (roles <@ ARRAY['agent', 'supervisor', 'admin']::text[] AND cardinality(roles) > 0);

-- A tenant's own times; null: the service's default (switchboard.parking.timeout, switchboard.parking.parker-ring-time,
-- switchboard.availability.wrap-up). service_level_seconds is the wallboard's threshold: the share of callers
-- answered within it.
ALTER TABLE tenants
    ADD COLUMN park_timeout_seconds  integer CHECK (park_timeout_seconds > 0),
    ADD COLUMN parker_ring_seconds   integer CHECK (parker_ring_seconds >= 0),
    ADD COLUMN wrap_up_seconds       integer CHECK (wrap_up_seconds >= 0),
    ADD COLUMN service_level_seconds integer NOT NULL DEFAULT 20 CHECK (service_level_seconds > 0);

-- Every admin write: who (the admin's agent id, or the operator's tool), when, what and to what, the values before and
-- after. Written in the transaction of the write itself, so no change goes unaudited.
CREATE TABLE admin_audit (
    id        bigserial   PRIMARY KEY,
    tenant_id text        NOT NULL REFERENCES tenants (id),
    at        timestamptz NOT NULL,
    actor     text        NOT NULL,
    action    text        NOT NULL,
    subject   text,
    before    jsonb,
    after     jsonb
);
CREATE INDEX admin_audit_by_tenant ON admin_audit (tenant_id, id DESC);
