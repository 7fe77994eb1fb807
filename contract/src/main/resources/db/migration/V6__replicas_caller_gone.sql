-- The call-state processes running now, each beating its row every second. A Twilio action is held by the process
-- that stored it (twilio_actions.replica_id); when that process stops beating — it was killed — any other takes the
-- action over at once instead of waiting for its lease to pass.
CREATE TABLE call_state_replicas (
    id       text        PRIMARY KEY,
    alive_at timestamptz NOT NULL
);

ALTER TABLE twilio_actions ADD COLUMN replica_id text;

-- A parked call whose caller hung up before Twilio answered the park: when Twilio said the caller's call ended. The
-- call ends once the park's answer says whether the caller was in the lot or still with the parker.
ALTER TABLE active_calls ADD COLUMN ended_at timestamptz;
