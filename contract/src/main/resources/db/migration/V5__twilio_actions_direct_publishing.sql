-- The Twilio actions a decision asked for (redirect the caller to an agent, to the queue or the parking lot, hang up),
-- stored in the decision's own transaction: a decision and its actions commit together, so an action is never lost
-- between the commit and Twilio. The process that decided carries them out and deletes each row in the transaction
-- that stores Twilio's answer; a row whose lease passed was left by a process that died, and any replica takes it over.
-- A newer action for a call replaces the older ones not yet done: each one says where the caller must be now.
CREATE TABLE twilio_actions (
    id          bigserial   PRIMARY KEY,
    tenant_id   text        NOT NULL REFERENCES tenants (id),
    call_sid    text        NOT NULL,
    kind        text        NOT NULL,
    agent_id    text,
    parking_lot boolean     NOT NULL DEFAULT false,
    claimed_at  timestamptz,
    created_at  timestamptz NOT NULL DEFAULT now(),
    lease_until timestamptz NOT NULL
);
CREATE INDEX twilio_actions_call ON twilio_actions (call_sid);
CREATE INDEX twilio_actions_lease ON twilio_actions (lease_until);

-- Changes are published to Kafka straight from the process that committed them; the relay publishes only what is
-- marked for it (relay: the committing process could not publish in order itself, or a probe) and what a crash left.
ALTER TABLE outbox ADD COLUMN relay boolean NOT NULL DEFAULT true;
