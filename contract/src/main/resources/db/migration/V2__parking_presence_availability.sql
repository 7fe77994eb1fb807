-- Parking lot, presence from gateways' connections, availability timers.

-- Each tenant's parking lot: slots first..last (701–720 unless the tenant's row says otherwise).
ALTER TABLE tenants
    ADD COLUMN park_slot_first integer NOT NULL DEFAULT 701,
    ADD COLUMN park_slot_last  integer NOT NULL DEFAULT 720,
    ADD CHECK (park_slot_first > 0 AND park_slot_last >= park_slot_first);

-- One stored deadline per call, meaning what its state says: CLAIMED — the claim is given back; PARKED —
-- the park timeout rings back the parker; RINGING with offered_to — the ring-back widens to every agent.
ALTER TABLE active_calls RENAME COLUMN claim_deadline TO deadline;
ALTER INDEX active_calls_claim_deadline RENAME TO active_calls_deadline;
ALTER TABLE active_calls
    ADD COLUMN parked_by   text,
    ADD COLUMN ring_reason text,
    ADD COLUMN offered_to  text,
    -- A slot is held while parked, and while a retrieve of the call waits for the agent to answer.
    ADD CHECK (slot IS NULL OR state IN ('PARKED', 'CLAIMED')),
    ADD CHECK (state <> 'PARKED' OR (slot IS NOT NULL AND parked_by IS NOT NULL));
-- Two parks never share a slot, whatever the code above it does.
CREATE UNIQUE INDEX active_calls_one_per_slot ON active_calls (tenant_id, slot) WHERE slot IS NOT NULL;

-- Every stay in the parking lot: who parked, for how long, how it ended (retrieved, park_timeout, or the
-- call's end reason) and who retrieved it.
CREATE TABLE call_parks (
    id           bigserial   PRIMARY KEY,
    call_sid     text        NOT NULL,
    tenant_id    text        NOT NULL REFERENCES tenants (id),
    slot         integer     NOT NULL,
    parked_by    text        NOT NULL,
    parked_at    timestamptz NOT NULL,
    left_at      timestamptz,
    outcome      text,
    retrieved_by text,
    CHECK ((left_at IS NULL) = (outcome IS NULL))
);
CREATE UNIQUE INDEX call_parks_open ON call_parks (call_sid) WHERE left_at IS NULL;
CREATE INDEX call_parks_by_tenant ON call_parks (tenant_id, parked_at DESC);

-- The WebSocket connections gateways report (PresenceReport). seen_at moves with each heartbeat; rows of a
-- gateway that stopped reporting are dropped after the presence TTL.
CREATE TABLE agent_connections (
    gateway_id    text        NOT NULL,
    connection_id text        NOT NULL,
    tenant_id     text        NOT NULL,
    agent_id      text        NOT NULL,
    opened_at     timestamptz NOT NULL,
    seen_at       timestamptz NOT NULL,
    PRIMARY KEY (gateway_id, connection_id),
    FOREIGN KEY (tenant_id, agent_id) REFERENCES voip_users (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX agent_connections_by_agent ON agent_connections (tenant_id, agent_id);
CREATE INDEX agent_connections_seen ON agent_connections (seen_at);

-- An agent's stored deadlines: the end of wrap-up (status wrap_up), and going offline once the grace after
-- their last connection closed is over (presence still online meanwhile).
ALTER TABLE voip_users
    ADD COLUMN wrap_up_until timestamptz,
    ADD COLUMN offline_at    timestamptz;
CREATE INDEX voip_users_wrap_up_until ON voip_users (wrap_up_until) WHERE wrap_up_until IS NOT NULL;
CREATE INDEX voip_users_offline_at ON voip_users (offline_at) WHERE offline_at IS NOT NULL;
