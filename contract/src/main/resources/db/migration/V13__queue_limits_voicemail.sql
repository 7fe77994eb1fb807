-- How a tenant's calls are handled when nobody answers them, and outside business hours (docs/operations.md). A
-- tenant without a row is open always, waits the service's default limit (switchboard.queue.max-wait), then takes a
-- voicemail. call-state and call-ingest read it at each decision: a change needs no restart.
CREATE TABLE call_handling (
    tenant_id           text    PRIMARY KEY REFERENCES tenants (id),
    -- How long a caller waits for an agent; null: the service's default.
    max_wait_seconds    integer CHECK (max_wait_seconds > 0),
    at_limit            text    NOT NULL DEFAULT 'voicemail' CHECK (at_limit IN ('voicemail', 'forward')),
    -- The overflow number 'forward' dials, showing the caller's number.
    forward_to          text    CHECK (forward_to ~ '^\+[1-9][0-9]{1,14}$'),
    time_zone           text    NOT NULL DEFAULT 'UTC',
    -- The weekly schedule in the tenant's zone, {"mon": ["09:00-17:00"], …}; a day not named is closed; null: open
    -- every day, all day.
    weekly_hours        jsonb,
    closed_dates        date[]  NOT NULL DEFAULT '{}',
    after_hours         text    NOT NULL DEFAULT 'voicemail' CHECK (after_hours IN ('voicemail', 'message')),
    -- What a caller hears outside business hours before the recording, or before the hang-up ('message').
    after_hours_message text,
    -- What a caller hears before leaving a voicemail: text spoken, or an audio file played (the URL wins).
    greeting_text       text,
    greeting_url        text,
    CHECK (at_limit <> 'forward' OR forward_to IS NOT NULL)
);

-- A RINGING call's wait limit; a call sent to voicemail or forwarded waits there for the caller's end.
ALTER TABLE active_calls ADD COLUMN wait_until timestamptz;
ALTER TABLE active_calls DROP CONSTRAINT active_calls_state_check;
ALTER TABLE active_calls ADD CONSTRAINT active_calls_state_check
    CHECK (state IN ('RINGING', 'CLAIMED', 'CONNECTED', 'PARKED', 'VOICEMAIL', 'FORWARDED'));

-- How a call ended, for the history's filter: answered, abandoned, voicemail, forwarded, missed_after_hours,
-- transferred or outbound. Stored when the call ends, with an index per filter.
ALTER TABLE call_history ADD COLUMN outcome text;
UPDATE call_history SET outcome = CASE
    WHEN call_sid LIKE 'OB%' THEN 'outbound'
    WHEN answered_at IS NOT NULL THEN 'answered'
    ELSE 'abandoned' END;
ALTER TABLE call_history ALTER COLUMN outcome SET NOT NULL;
CREATE INDEX call_history_by_outcome ON call_history (tenant_id, outcome, started_at DESC, call_sid DESC);

-- A caller's recorded message: Twilio's recording (its RecordingSid is the id), the call it was left on, and who took
-- it. Open until an agent marks it done.
CREATE TABLE voicemails (
    id               text        PRIMARY KEY,
    tenant_id        text        NOT NULL REFERENCES tenants (id),
    call_sid         text        NOT NULL,
    from_number      text        NOT NULL,
    to_number        text        NOT NULL,
    recorded_at      timestamptz NOT NULL,
    duration_seconds integer     NOT NULL CHECK (duration_seconds >= 0),
    -- Twilio's RecordingUrl: the gateway streams it with the account's credentials, never handing them out.
    recording_url    text        NOT NULL,
    taken_by         text,
    taken_at         timestamptz,
    done_at          timestamptz,
    CHECK ((taken_by IS NULL) = (taken_at IS NULL)),
    CHECK (done_at IS NULL OR taken_by IS NOT NULL)
);
CREATE INDEX voicemails_open ON voicemails (tenant_id, recorded_at) WHERE done_at IS NULL;
CREATE INDEX voicemails_by_call ON voicemails (tenant_id, call_sid);
