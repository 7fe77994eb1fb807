-- The call-state processes running now, each beating its row every second. A Twilio action is held by the process
-- that stored it (twilio_actions.replica_id); when that process stops beating — it was killed — any other takes the
-- action over at once instead of waiting for its lease to pass.
CREATE TABLE call_state_replicas (
    id       text        PRIMARY KEY,
    alive_at timestamptz NOT NULL
);

ALTER TABLE twilio_actions ADD COLUMN replica_id text;
