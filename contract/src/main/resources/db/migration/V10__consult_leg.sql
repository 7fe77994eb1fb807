-- The leg of the colleague a warm transfer consults, once their phone answered: the call's agent leg once it is
-- handed to them, so that a park right after the handover waits for Twilio's answer as any other park does.
ALTER TABLE active_calls ADD COLUMN consult_leg_sid text;
