-- The call history agents search (GET /api/calls on the gateway): a tenant's calls newest first, by when they
-- started, paged by (started_at, call_sid); narrowed to a number on either side or to an agent; a call's stays in the
-- parking lot beside it.
CREATE INDEX call_history_by_start ON call_history (tenant_id, started_at DESC, call_sid DESC);
CREATE INDEX call_history_by_from ON call_history (tenant_id, from_number, started_at DESC);
CREATE INDEX call_history_by_to ON call_history (tenant_id, to_number, started_at DESC);
CREATE INDEX call_history_by_agent ON call_history (tenant_id, agent_id, started_at DESC);
CREATE INDEX call_parks_by_call ON call_parks (tenant_id, call_sid);
