-- The projection call-state writes and the other services read. call-state applies it at start-up
-- (Flyway); a failed migration stops call-state instead of leaving writes to fail later.

-- A tenant, and the counter that numbers its changes: every change takes seq + 1 in the transaction
-- that makes it, so screens can tell a missed change from a stale one.
CREATE TABLE tenants (
    id         text        PRIMARY KEY,
    name       text        NOT NULL,
    seq        bigint      NOT NULL DEFAULT 0,
    created_at timestamptz NOT NULL DEFAULT now()
);

-- The Twilio numbers a tenant answers (E.164, as Twilio sends them in To).
CREATE TABLE tenant_numbers (
    phone_number text PRIMARY KEY,
    tenant_id    text NOT NULL REFERENCES tenants (id)
);

CREATE TABLE voip_users (
    tenant_id                 text        NOT NULL REFERENCES tenants (id),
    id                        text        NOT NULL,
    name                      text        NOT NULL,
    active                    boolean     NOT NULL DEFAULT true,
    presence                  text        NOT NULL DEFAULT 'offline' CHECK (presence IN ('online', 'offline')),
    status                    text        NOT NULL DEFAULT 'available'
                                          CHECK (status IN ('available', 'away', 'busy', 'wrap_up')),
    current_call_id           text,
    current_call_phone_number text,
    current_call_answered_at  timestamptz,
    updated_at                timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id),
    CHECK ((current_call_id IS NULL) = (current_call_phone_number IS NULL))
);

-- Calls that are not over. An ended call moves to call_history in the same transaction.
CREATE TABLE active_calls (
    call_sid       text        PRIMARY KEY,
    tenant_id      text        NOT NULL REFERENCES tenants (id),
    from_number    text        NOT NULL,
    to_number      text        NOT NULL,
    state          text        NOT NULL CHECK (state IN ('RINGING', 'CLAIMED', 'CONNECTED', 'PARKED')),
    agent_id       text,
    agent_leg_sid  text,
    slot           integer,
    started_at     timestamptz NOT NULL,
    claimed_at     timestamptz,
    answered_at    timestamptz,
    parked_at      timestamptz,
    -- When an unanswered claim is given back: a stored deadline, so it survives a restart.
    claim_deadline timestamptz,
    CHECK ((state IN ('CLAIMED', 'CONNECTED')) = (agent_id IS NOT NULL)),
    FOREIGN KEY (tenant_id, agent_id) REFERENCES voip_users (tenant_id, id)
);
-- One call per agent, whatever the code above it does.
CREATE UNIQUE INDEX active_calls_one_per_agent ON active_calls (tenant_id, agent_id) WHERE agent_id IS NOT NULL;
CREATE INDEX active_calls_by_tenant ON active_calls (tenant_id);
CREATE INDEX active_calls_claim_deadline ON active_calls (claim_deadline) WHERE claim_deadline IS NOT NULL;

CREATE TABLE call_history (
    call_sid    text        PRIMARY KEY,
    tenant_id   text        NOT NULL REFERENCES tenants (id),
    from_number text        NOT NULL,
    to_number   text        NOT NULL,
    agent_id    text,
    started_at  timestamptz NOT NULL,
    answered_at timestamptz,
    ended_at    timestamptz NOT NULL,
    end_reason  text        NOT NULL
);
CREATE INDEX call_history_by_tenant ON call_history (tenant_id, ended_at DESC);

-- Ids of the Kafka records already applied, written in the transaction that applied them: a redelivered
-- record finds its id here and changes nothing.
CREATE TABLE processed_events (
    event_id     text        PRIMARY KEY,
    processed_at timestamptz NOT NULL DEFAULT now()
);

-- Changes written with the state they describe, published to Kafka in seq order, then deleted.
CREATE TABLE outbox (
    id         bigserial   PRIMARY KEY,
    tenant_id  text        NOT NULL,
    seq        bigint      NOT NULL,
    payload    text        NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (tenant_id, seq)
);
