-- Each service connects with its own role, holding only what it needs, and PostgreSQL itself keeps a tenant's rows
-- from the services that only read (docs/architecture.md, "Isolation by PostgreSQL"):
--
--   switchboard_call_state   the one writer: reads and writes every table of the projection and its sequences.
--   switchboard_call_ingest  reads a tenant's call_handling; finds a number's tenant through switchboard_tenant_of.
--   switchboard_gateway      reads the columns of a tenant's picture, history, voicemails, settings and audit that the
--                            gateway shows.
--
-- The two read roles see a row only when its tenant is the transaction's tenant, the setting switchboard.tenant_id
-- (SELECT set_config('switchboard.tenant_id', $1, true) first in the transaction): a query that forgets its
-- WHERE tenant_id still returns that tenant's rows only, and none when no tenant is set. The owner, who runs these
-- migrations (call-state's Flyway), is not subject to row-level security (no FORCE), so migrations and the seed work
-- as before. These are group roles (NOLOGIN): a deployment creates one login per service, a member of its group, with
-- its password (deploy/base/postgres.yaml; docs/operations.md) — no password is ever written in a migration.
--
-- A later migration that adds a table does, in the same migration:
--   GRANT SELECT (tenant_id, col, ...) ON new_table TO switchboard_gateway;   -- only if a read role reads it
--   CALL switchboard_isolate_by_tenant('new_table');                          -- only if a read role reads it
-- and a new column a read role reads, of a table it reads already: GRANT SELECT (new_column) ON the_table TO the_role.
-- call-state's rights on the new table (and its sequences) come by themselves (ALTER DEFAULT PRIVILEGES below).
-- RolesGuardTest (local-stack) fails when a table is left that call-state cannot write, or that a read role can read
-- without row-level security.

-- Roles belong to the whole server, not to this database: a second database on the same server finds them made, and a
-- deployment may have made them already (CloudNativePG's managed roles), so that the owner needs no CREATEROLE.
DO $$
DECLARE
    role_name text;
BEGIN
    FOREACH role_name IN ARRAY ARRAY['switchboard_call_state', 'switchboard_call_ingest', 'switchboard_gateway'] LOOP
        IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = role_name) THEN
            BEGIN
                EXECUTE format('CREATE ROLE %I NOLOGIN', role_name);
            EXCEPTION
                -- Another database's migration made it at the same moment.
                WHEN duplicate_object OR unique_violation THEN NULL;
                WHEN insufficient_privilege THEN
                    RAISE EXCEPTION 'Role % does not exist and % may not create roles', role_name, current_user
                        USING HINT = 'Create the group roles switchboard_call_state, switchboard_call_ingest and'
                            ' switchboard_gateway (NOLOGIN) as a user with CREATEROLE, or give the migrating user'
                            ' CREATEROLE, then start call-state again (docs/operations.md).';
            END;
        END IF;
    END LOOP;
END
$$;

GRANT USAGE ON SCHEMA public TO switchboard_call_state, switchboard_call_ingest, switchboard_gateway;

-- call-state: everything it reads and writes, today's tables and every later one the owner creates.
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO switchboard_call_state;
GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA public TO switchboard_call_state;
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO switchboard_call_state;
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT, UPDATE ON SEQUENCES TO switchboard_call_state;
-- Flyway's own history is the owner's.
DO $$
BEGIN
    IF to_regclass('flyway_schema_history') IS NOT NULL THEN
        REVOKE ALL ON flyway_schema_history FROM switchboard_call_state;
    END IF;
END
$$;

-- Row-level security by tenant on a table the read roles see: they read the transaction's tenant's rows only, and
-- call-state, which works across tenants (timers, the relay, the janitor), every row. No FORCE: the owner bypasses it.
CREATE PROCEDURE switchboard_isolate_by_tenant(target regclass, tenant_column name DEFAULT 'tenant_id')
LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE format('ALTER TABLE %s ENABLE ROW LEVEL SECURITY', target);
    EXECUTE format('CREATE POLICY call_state_every_row ON %s TO switchboard_call_state USING (true) WITH CHECK (true)',
        target);
    EXECUTE format('CREATE POLICY readers_one_tenant ON %s FOR SELECT TO switchboard_call_ingest, switchboard_gateway'
        ' USING (%I = current_setting(''switchboard.tenant_id'', true))', target, tenant_column);
END
$$;
REVOKE ALL ON PROCEDURE switchboard_isolate_by_tenant(regclass, name) FROM PUBLIC;

-- call-ingest: a tenant's call handling settings (CallHandlingDirectory).
GRANT SELECT (tenant_id, max_wait_seconds, at_limit, forward_to, time_zone, weekly_hours, closed_dates, after_hours,
              after_hours_message, greeting_text, greeting_url)
    ON call_handling TO switchboard_call_ingest;

-- call-ingest must learn a webhook's tenant from the number dialled, before it knows any tenant: this function answers
-- for one number at a time, as the owner, instead of letting call-ingest read every tenant's numbers. search_path is
-- pinned so that nobody's objects can stand in for tenant_numbers. VOLATILE: its query takes its own snapshot, so a
-- lookup that waited for a lock on tenant_numbers sees what was committed meanwhile, as a plain SELECT would.
CREATE FUNCTION switchboard_tenant_of(number text) RETURNS text
LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
    SELECT tenant_id FROM public.tenant_numbers WHERE phone_number = number
$$;
REVOKE ALL ON FUNCTION switchboard_tenant_of(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION switchboard_tenant_of(text) TO switchboard_call_ingest;

-- presence-gateway: the snapshot (SnapshotRepository), the agents and numbers (AgentDirectory), the call history
-- (CallHistoryRepository) and voicemail playback (VoicemailRepository).
GRANT SELECT (id, seq) ON tenants TO switchboard_gateway;
GRANT SELECT (tenant_id, phone_number) ON tenant_numbers TO switchboard_gateway;
GRANT SELECT (tenant_id, id, name, active, roles, presence, status, current_call_id, current_call_phone_number,
              current_call_answered_at)
    ON voip_users TO switchboard_gateway;
GRANT SELECT (tenant_id, call_sid, from_number, to_number, state, agent_id, slot, started_at, answered_at, parked_at,
              parked_by, ring_reason, offered_to, held_at, transferred_by, consult_with, wait_until)
    ON active_calls TO switchboard_gateway;
GRANT SELECT (tenant_id, call_sid, from_number, to_number, agent_id, started_at, answered_at, ended_at, end_reason,
              outcome)
    ON call_history TO switchboard_gateway;
GRANT SELECT (tenant_id, id, call_sid, slot, parked_by, parked_at, left_at, outcome, retrieved_by)
    ON call_parks TO switchboard_gateway;
GRANT SELECT (tenant_id, id, call_sid, step, agent_id, detail, at) ON call_steps TO switchboard_gateway;
GRANT SELECT (tenant_id, id, call_sid, from_number, to_number, recorded_at, duration_seconds, recording_url, taken_by,
              taken_at, done_at)
    ON voicemails TO switchboard_gateway;
-- The admin API's reads (AdminRepository): the tenant's settings as tenant_settings() builds them from tenants and
-- call_handling, and its audit.
GRANT SELECT (park_slot_first, park_slot_last, park_timeout_seconds, parker_ring_seconds, wrap_up_seconds,
              service_level_seconds)
    ON tenants TO switchboard_gateway;
GRANT SELECT (tenant_id, max_wait_seconds, at_limit, forward_to, time_zone, weekly_hours, closed_dates, after_hours,
              after_hours_message, greeting_text, greeting_url)
    ON call_handling TO switchboard_gateway;
GRANT SELECT (tenant_id, id, at, actor, action, subject, before, after) ON admin_audit TO switchboard_gateway;

CALL switchboard_isolate_by_tenant('tenants', 'id');
CALL switchboard_isolate_by_tenant('tenant_numbers');
CALL switchboard_isolate_by_tenant('voip_users');
CALL switchboard_isolate_by_tenant('active_calls');
CALL switchboard_isolate_by_tenant('call_history');
CALL switchboard_isolate_by_tenant('call_parks');
CALL switchboard_isolate_by_tenant('call_steps');
CALL switchboard_isolate_by_tenant('voicemails');
CALL switchboard_isolate_by_tenant('call_handling');
CALL switchboard_isolate_by_tenant('admin_audit');
