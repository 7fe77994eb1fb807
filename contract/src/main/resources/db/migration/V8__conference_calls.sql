-- Calls connect through a Twilio Conference: an agent can put the caller on hold there (held_at: since when; null when
-- not on hold), or transfer the call to a colleague (transferred_by: who, while it rings for them; consult_with: the
-- colleague they talk with first, the caller on hold). A Twilio action is now stored whole, as JSON in `action`; rows stored by an earlier version (in its
-- typed columns, `action` null) are still read that way.
ALTER TABLE active_calls ADD COLUMN held_at timestamptz;
ALTER TABLE active_calls ADD COLUMN transferred_by text;
ALTER TABLE active_calls ADD COLUMN consult_with text;
ALTER TABLE twilio_actions ADD COLUMN action jsonb;
