-- When a live call last changed, and when call-state last asked Twilio about it: a call silent for
-- switchboard.reconcile.after is checked against Twilio's own record (its final callback may be lost for good).
-- No index: active_calls holds the live calls only.
ALTER TABLE active_calls ADD COLUMN changed_at timestamptz NOT NULL DEFAULT now();
ALTER TABLE active_calls ADD COLUMN checked_at timestamptz;
