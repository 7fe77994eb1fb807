package io.switchboard.stack;

import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * The PostgreSQL login each service connects with on the local stack and in the services' tests: a member of the group
 * role that migration V16 gives the service's rights to, as a deployment's login is (docs/operations.md). The owner
 * ({@link PostgresServer#user()}) only migrates. Each service's application.properties names its own login.
 */
public enum DatabaseLogin {
    CALL_STATE("call_state", "switchboard_call_state"),
    CALL_INGEST("call_ingest", "switchboard_call_ingest"),
    PRESENCE_GATEWAY("presence_gateway", "switchboard_gateway");

    /**
     * Every login's password here. The embedded server trusts local connections and never asks for it; a container
     * (-Pcontainers) does.
     */
    public static final String PASSWORD = "local-only";

    private final String user;
    private final String group;

    DatabaseLogin(String user, String group) {
        this.user = user;
        this.group = group;
    }

    public String user() {
        return user;
    }

    /** The group role the migration grants to (NOLOGIN). */
    public String group() {
        return group;
    }

    public static DatabaseLogin of(Stack.Service service) {
        return switch (service) {
            case CALL_STATE -> CALL_STATE;
            case CALL_INGEST -> CALL_INGEST;
            case PRESENCE_GATEWAY -> PRESENCE_GATEWAY;
        };
    }

    /**
     * Creates the group roles that are missing and every login, a member of its group (idempotent). The groups are made
     * here, before the first migration, as CloudNativePG's managed roles make them in a deployment: call-state's login
     * must exist before call-state starts, and call-state migrates at start-up. The migration finds them made.
     */
    static String createAll() {
        return "DO $$\nBEGIN\n" + Arrays.stream(values()).map(login -> """
                    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '%1$s') THEN
                        CREATE ROLE %1$s NOLOGIN;
                    END IF;
                    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '%2$s') THEN
                        CREATE ROLE %2$s LOGIN PASSWORD '%3$s';
                    END IF;
                    GRANT %1$s TO %2$s;
                """.formatted(login.group, login.user, PASSWORD)).collect(Collectors.joining()) + "END\n$$";
    }
}
