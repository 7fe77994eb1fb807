-- When Twilio said the caller joined the conference of the claim that moved them there: the agent's answer then
-- connects the call at once, without waiting for Twilio's answer to the connect.
ALTER TABLE active_calls ADD COLUMN caller_joined_at timestamptz;
