-- A call's steps for its history (GET /api/calls): rang, claimed, answered, held, parked, transferred, sent to
-- voicemail, ended… in the order call-state stored them, written in the transaction that decided each.
CREATE TABLE call_steps (
    id        bigserial   PRIMARY KEY,
    tenant_id text        NOT NULL REFERENCES tenants (id),
    call_sid  text        NOT NULL,
    step      text        NOT NULL,
    agent_id  text,
    detail    text,
    at        timestamptz NOT NULL
);
CREATE INDEX call_steps_by_call ON call_steps (tenant_id, call_sid, id);
