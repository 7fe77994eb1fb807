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

-- A tenant's settings as the admin API shows them (TenantSettings in the contract): read by call-state before an
-- admin's write and by the gateway's GET, in one place. A tenant without a call_handling row gets its defaults.
CREATE FUNCTION tenant_settings(tenant text) RETURNS jsonb LANGUAGE sql STABLE AS $$
    SELECT jsonb_build_object(
        'parkSlotFirst', t.park_slot_first,
        'parkSlotLast', t.park_slot_last,
        'parkTimeoutSeconds', t.park_timeout_seconds,
        'parkerRingSeconds', t.parker_ring_seconds,
        'wrapUpSeconds', t.wrap_up_seconds,
        'serviceLevelSeconds', t.service_level_seconds,
        'queue', jsonb_build_object(
            'maxWaitSeconds', h.max_wait_seconds,
            'atLimit', coalesce(h.at_limit, 'voicemail'),
            'forwardTo', h.forward_to,
            'timeZone', coalesce(h.time_zone, 'UTC'),
            'weeklyHours', h.weekly_hours,
            'closedDates', to_jsonb(coalesce(h.closed_dates, '{}')),
            'afterHours', coalesce(h.after_hours, 'voicemail'),
            'afterHoursMessage', h.after_hours_message,
            'greetingText', h.greeting_text,
            'greetingUrl', h.greeting_url))
    FROM tenants t LEFT JOIN call_handling h ON h.tenant_id = t.id
    WHERE t.id = tenant
$$;
