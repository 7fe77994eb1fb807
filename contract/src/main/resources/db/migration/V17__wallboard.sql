-- The supervisors' wallboard (docs/protocol.md, "The wallboard"): a tenant's live figures, computed by call-state
-- under the tenant's lock and numbered in its ordered stream like every change.

-- When the agent's status or presence last changed: screens count the time in a status up from it. call-state keeps
-- it where it saves agents.
ALTER TABLE voip_users ADD COLUMN status_since timestamptz NOT NULL DEFAULT now();

-- Whom a call rang for when it began to ring, or rang again: the tenant's active, online, available agents at that
-- moment, or the one agent a ring-back or a transfer is offered to. Null on steps that ring nobody. A wallboard's
-- "missed" is recomputed from it and the history alone.
ALTER TABLE call_steps ADD COLUMN offered text[];
-- The day's ringing steps of a tenant, read with the day's calls for the agents' missed calls.
CREATE INDEX call_steps_offered ON call_steps (tenant_id, at) INCLUDE (call_sid, offered) WHERE offered IS NOT NULL;

-- When a RINGING call's caller began to wait as the wait limit counts it: the call's start, or a park's or a
-- transfer's ring-back (a claim given back keeps it). The wallboard's longest wait counts from the earliest of them.
ALTER TABLE active_calls ADD COLUMN waiting_since timestamptz;
UPDATE active_calls SET waiting_since = started_at WHERE state = 'RINGING';

-- The day's figures aggregate a tenant's calls by start; the columns they read are in the index, so a busy day is an
-- index-only scan once vacuum has seen the rows.
CREATE INDEX call_history_day ON call_history (tenant_id, started_at)
    INCLUDE (answered_at, ended_at, outcome, agent_id);

-- Each tenant's latest figures, as of the seq of the change that carried them: what a supervisor's snapshot shows.
CREATE TABLE wallboards (
    tenant_id text        PRIMARY KEY REFERENCES tenants (id),
    seq       bigint      NOT NULL,
    figures   jsonb       NOT NULL
);

-- What the gateway reads of it (V16's pattern): the steps' offered for the history, and the figures for a supervisor's
-- snapshot, row by row as the tenant.
GRANT SELECT (offered) ON call_steps TO switchboard_gateway;
GRANT SELECT (tenant_id, seq, figures) ON wallboards TO switchboard_gateway;
CALL switchboard_isolate_by_tenant('wallboards');
