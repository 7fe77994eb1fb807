package io.switchboard.operator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.switchboard.contract.Json;
import io.switchboard.stack.LocalPostgres;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code ./switchboard tenant …} against a real PostgreSQL migrated with the contract's migrations and seeded with the
 * local stack's tenant {@code acme} (number +15005550006).
 */
class TenantCreateTest {
    private static final List<String> TABLES = List.of("tenants", "tenant_numbers", "voip_users", "call_handling",
            "admin_audit");

    private static LocalPostgres postgres;

    record Result(int exit, String out, String err) {
    }

    @BeforeAll
    static void start() {
        postgres = LocalPostgres.start(0, null).migrate().seed();
    }

    @AfterAll
    static void stop() {
        postgres.close();
    }

    /** Runs the tool with the database named by the environment, as an operator who exported it would. */
    private static Result run(String... args) {
        return run(Map.of("SWITCHBOARD_DB_URL", postgres.jdbcUrl(), "SWITCHBOARD_DB_USER", postgres.user()), args);
    }

    private static Result run(Map<String, String> env, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = Switchboard.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), env);
        return new Result(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void createsTheTenantItsNumbersAdminsAndTimeZoneWithAnAuditRowForEachWrite() throws Exception {
        Map<String, Long> before = counts();

        Result result = run("tenant", "create", "--id", "acme2", "--name", "Acme Two", "--number", "+15005550007",
                "--number", "+442071838750", "--admin", "doug:Doug Smith", "--admin", "ann:Ann Lee",
                "--time-zone", "Europe/Berlin");

        assertThat(result.exit()).as(result.err()).isZero();
        assertThat(result.out()).contains("Created the tenant acme2 (Acme Two).", "+15005550007, +442071838750",
                "doug (Doug Smith), roles agent, supervisor, admin", "Europe/Berlin");
        assertThat(rows("SELECT id, name, seq FROM tenants WHERE id = 'acme2'"))
                .containsExactly(List.of("acme2", "Acme Two", "0"));
        assertThat(rows("SELECT phone_number FROM tenant_numbers WHERE tenant_id = 'acme2' ORDER BY 1"))
                .containsExactly(List.of("+15005550007"), List.of("+442071838750"));
        assertThat(rows("SELECT id, name, array_to_string(roles, ','), active, presence FROM voip_users"
                + " WHERE tenant_id = 'acme2' ORDER BY id")).containsExactly(
                        List.of("ann", "Ann Lee", "agent,supervisor,admin", "t", "offline"),
                        List.of("doug", "Doug Smith", "agent,supervisor,admin", "t", "offline"));
        // Only the zone: every other setting stays the service's default.
        assertThat(rows("SELECT time_zone, max_wait_seconds, at_limit, weekly_hours FROM call_handling"
                + " WHERE tenant_id = 'acme2'")).containsExactly(Arrays.asList("Europe/Berlin", null, "voicemail",
                        null));

        List<List<String>> audit = rows("SELECT actor, action, subject, before, after FROM admin_audit"
                + " WHERE tenant_id = 'acme2' ORDER BY id");
        assertThat(audit).extracting(row -> row.get(0)).containsOnly("operator");
        assertThat(audit).extracting(row -> row.get(1) + " " + row.get(2)).containsExactly(
                "create_tenant acme2", "add_number +15005550007", "add_number +442071838750", "create_agent doug",
                "create_agent ann", "set_time_zone call_handling");
        assertThat(audit).extracting(row -> row.get(3)).containsOnlyNulls();
        assertThat(json(audit.get(0).get(4))).isEqualTo(json("{\"id\":\"acme2\",\"name\":\"Acme Two\"}"));
        assertThat(json(audit.get(1).get(4))).isEqualTo(json("{\"phoneNumber\":\"+15005550007\"}"));
        assertThat(json(audit.get(3).get(4))).isEqualTo(json("{\"id\":\"doug\",\"name\":\"Doug Smith\","
                + "\"roles\":[\"agent\",\"supervisor\",\"admin\"],\"active\":true}"));
        assertThat(json(audit.get(5).get(4))).isEqualTo(json("{\"timeZone\":\"Europe/Berlin\"}"));
        assertThat(rows("SELECT count(DISTINCT at) FROM admin_audit WHERE tenant_id = 'acme2'"))
                .containsExactly(List.of("1"));

        // Exactly these rows, nowhere else.
        assertThat(counts()).isEqualTo(plus(before, 1, 2, 2, 1, 6));
    }

    @Test
    void withoutATimeZoneTheTenantHasNoCallHandlingRow() throws Exception {
        Map<String, Long> before = counts();

        Result result = run("tenant", "create", "--id", "bravo", "--name", "Bravo", "--number", "+15005550010",
                "--admin", "auth0|5f7c8ec7c33c6c004bbafe82:Pat Doe");

        assertThat(result.exit()).as(result.err()).isZero();
        assertThat(result.out()).contains("time zone: UTC (none given)");
        // The admin's id is their identity provider's sub, as it is.
        assertThat(rows("SELECT id, name FROM voip_users WHERE tenant_id = 'bravo'"))
                .containsExactly(List.of("auth0|5f7c8ec7c33c6c004bbafe82", "Pat Doe"));
        assertThat(counts()).isEqualTo(plus(before, 1, 1, 1, 0, 3));
    }

    @Test
    void aBadIdIsRefused() throws Exception {
        assertRefused(List.of("The tenant id 'Acme_2' is not valid", "lower-case letters and digits"),
                "--id", "Acme_2", "--name", "Acme Two", "--number", "+15005550011", "--admin", "doug:Doug");
        assertRefused(List.of("The tenant id '-acme' is not valid"),
                "--id", "-acme", "--name", "Acme", "--number", "+15005550011", "--admin", "doug:Doug");
    }

    @Test
    void aTenantThatExistsIsRefused() throws Exception {
        assertRefused(List.of("The tenant 'acme' exists already (Acme)"),
                "--id", "acme", "--name", "Acme again", "--number", "+15005550012", "--admin", "zoe:Zoe");
    }

    @Test
    void aNumberNotInE164IsRefused() throws Exception {
        assertRefused(List.of("The number '5550007' is not in E.164"),
                "--id", "charlie", "--name", "Charlie", "--number", "5550007", "--admin", "zoe:Zoe");
        assertRefused(List.of("The number '+1 500 555 0013' is not in E.164", "did you mean +15005550013?"),
                "--id", "charlie", "--name", "Charlie", "--number", "+1 500 555 0013", "--admin", "zoe:Zoe");
        assertRefused(List.of("The number '+1500' cannot be a phone number"),
                "--id", "charlie", "--name", "Charlie", "--number", "+1500", "--admin", "zoe:Zoe");
    }

    @Test
    void aNumberAnotherTenantHasIsRefusedNamingThatTenant() throws Exception {
        assertRefused(List.of("The number +15005550006 belongs to the tenant 'acme' (Acme)"),
                "--id", "delta", "--name", "Delta", "--number", "+15005550014", "--number", "+15005550006",
                "--admin", "zoe:Zoe");
    }

    @Test
    void anUnknownTimeZoneIsRefused() throws Exception {
        assertRefused(List.of("'Mars/Olympus' is not a time zone"),
                "--id", "echo", "--name", "Echo", "--number", "+15005550015", "--admin", "zoe:Zoe",
                "--time-zone", "Mars/Olympus");
        assertRefused(List.of("'+02:00' is a fixed offset, not a time zone"),
                "--id", "echo", "--name", "Echo", "--number", "+15005550015", "--admin", "zoe:Zoe",
                "--time-zone", "+02:00");
    }

    @Test
    void aTenantWithoutAdminOrNumberIsRefused() throws Exception {
        assertRefused(List.of("No admin given"),
                "--id", "foxtrot", "--name", "Foxtrot", "--number", "+15005550016");
        assertRefused(List.of("No number given"),
                "--id", "foxtrot", "--name", "Foxtrot", "--admin", "zoe:Zoe");
        assertRefused(List.of("The admin 'zoe' has no name: write it as id:name"),
                "--id", "foxtrot", "--name", "Foxtrot", "--number", "+15005550016", "--admin", "zoe");
    }

    @Test
    void anAdminWhoseSoftphoneIdentityTwilioCannotTakeIsRefused() throws Exception {
        String tenant = "a-tenant-with-a-rather-long-name";
        String admin = "an-admin-whose-id-is-rather-long-as-well";
        assertRefused(List.of("The agent id '" + admin + "' is too long with the tenant id '" + tenant + "'",
                "Twilio's 121 characters"),
                "--id", tenant, "--name", "Long", "--number", "+15005550021", "--admin", admin + ":Al");
        assertRefused(List.of("The agent id 'jo march' is not valid"),
                "--id", "kilo", "--name", "Kilo", "--number", "+15005550021", "--admin", "jo march:Jo March");
    }

    @Test
    void everyProblemIsNamedAtOnce() throws Exception {
        Result result = assertRefused(List.of("The tenant id 'Golf!' is not valid", "'12345' is not in E.164",
                "No admin given", "'Nowhere' is not a time zone"),
                "--id", "Golf!", "--name", "Golf", "--number", "12345", "--time-zone", "Nowhere");
        assertThat(result.err().lines().filter(line -> line.startsWith("  - "))).hasSize(4);
    }

    @Test
    void aWriteThatFailsHalfwayLeavesNothing() throws Exception {
        // The database refuses the second admin, after the tenant, its number and the first admin were written.
        postgres.execute("""
                CREATE FUNCTION refuse_hotel() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN RAISE EXCEPTION 'the test refuses %', NEW.id; END $$;
                CREATE TRIGGER refuse_hotel BEFORE INSERT ON voip_users FOR EACH ROW
                    WHEN (NEW.tenant_id = 'hotel' AND NEW.id = 'second') EXECUTE FUNCTION refuse_hotel();""");
        try {
            Map<String, Long> before = counts();

            Result result = run("tenant", "create", "--id", "hotel", "--name", "Hotel", "--number", "+15005550017",
                    "--admin", "first:First", "--admin", "second:Second", "--time-zone", "UTC");

            assertThat(result.exit()).isEqualTo(Switchboard.DATABASE_FAILED);
            assertThat(result.err()).contains("the test refuses second", "Nothing was written.");
            assertThat(counts()).isEqualTo(before);
        } finally {
            postgres.execute("DROP TRIGGER refuse_hotel ON voip_users; DROP FUNCTION refuse_hotel();");
        }
    }

    @Test
    void aNumberTakenWhileTheToolWritesIsRefusedNamingTheTenantThatTookIt() throws Exception {
        try (Connection other = postgres.connect()) {
            other.setAutoCommit(false);
            try (Statement s = other.createStatement()) {
                s.execute("INSERT INTO tenants (id, name) VALUES ('racer', 'Racer')");
                s.execute("INSERT INTO tenant_numbers (phone_number, tenant_id) VALUES ('+15005550018', 'racer')");
            }
            Map<String, Long> before = counts();
            // The tool's checks do not see the uncommitted number; its insert waits on the other transaction's row.
            CompletableFuture<Result> creating = CompletableFuture.supplyAsync(() -> run("tenant", "create",
                    "--id", "india", "--name", "India", "--number", "+15005550018", "--admin", "zoe:Zoe"));
            awaitAnInsertWaitingForALock();
            other.commit();

            Result result = creating.get(30, TimeUnit.SECONDS);

            assertThat(result.exit()).isEqualTo(Switchboard.REFUSED);
            assertThat(result.err()).contains("The number +15005550018 belongs to the tenant 'racer' (Racer)");
            assertThat(counts()).isEqualTo(plus(before, 1, 1, 0, 0, 0));
            assertThat(rows("SELECT count(*) FROM tenants WHERE id = 'india'")).containsExactly(List.of("0"));
        }
    }

    @Test
    void badUsageExitsTwoWithTheUsage() {
        Result result = run("tenant", "create", "--name", "No Id", "--number", "+15005550019", "--admin", "zoe:Zoe");
        assertThat(result.exit()).isEqualTo(2);
        assertThat(result.err()).contains("Missing required option: '--id=ID'", "Usage:");

        assertThat(run("tenant").exit()).isEqualTo(2);
        assertThat(run("tenant", "delete", "acme").exit()).isEqualTo(2);
    }

    @Test
    void anUnreachableDatabaseIsNamedWithoutThePassword() {
        Result result = run(Map.of("SWITCHBOARD_DB_URL", "jdbc:postgresql://localhost:1/switchboard",
                "SWITCHBOARD_DB_PASSWORD", "s3cret"), "tenant", "list");
        assertThat(result.exit()).isEqualTo(Switchboard.DATABASE_FAILED);
        assertThat(result.err()).contains("Could not connect to PostgreSQL at jdbc:postgresql://localhost:1/switchboard",
                "SWITCHBOARD_DB_URL").doesNotContain("s3cret");

        Result inTheUrl = run(Map.of(), "tenant", "list", "--db-url",
                "jdbc:postgresql://localhost:1/switchboard?user=owner&password=s3cret");
        assertThat(inTheUrl.exit()).isEqualTo(Switchboard.DATABASE_FAILED);
        assertThat(inTheUrl.err()).contains("at jdbc:postgresql://localhost:1/switchboard?…").doesNotContain("s3cret");
    }

    @Test
    void theOptionsWinOverTheEnvironment() {
        Result result = run(Map.of("SWITCHBOARD_DB_URL", "jdbc:postgresql://localhost:1/switchboard"),
                "tenant", "list", "--db-url", postgres.jdbcUrl(), "--db-user", postgres.user());
        assertThat(result.exit()).as(result.err()).isZero();
        assertThat(result.out()).contains("acme").contains("+15005550006");
    }

    @Test
    void listAndShow() {
        assertThat(run("tenant", "create", "--id", "juliet", "--name", "Juliet Ltd", "--number", "+15005550020",
                "--admin", "jo:Jo March", "--time-zone", "America/New_York").exit()).isZero();

        Result list = run("tenant", "list");
        assertThat(list.exit()).as(list.err()).isZero();
        assertThat(list.out().lines()).first().asString().startsWith("ID").contains("NAME", "AGENTS", "NUMBERS");
        assertThat(list.out().lines().filter(line -> line.startsWith("acme ")).findFirst()).get().asString()
                .contains("Acme", " 2 ", "+15005550006");
        assertThat(list.out().lines().filter(line -> line.startsWith("juliet ")).findFirst()).get().asString()
                .contains("Juliet Ltd", " 1 ", "+15005550020");

        Result show = run("tenant", "show", "juliet");
        assertThat(show.exit()).as(show.err()).isZero();
        assertThat(show.out()).contains("juliet (Juliet Ltd)", "numbers:   +15005550020",
                "time zone: America/New_York", "jo (Jo March), roles agent, supervisor, admin");

        Result missing = run("tenant", "show", "nobody");
        assertThat(missing.exit()).isEqualTo(Switchboard.REFUSED);
        assertThat(missing.err()).contains("No tenant 'nobody'");
    }

    private Result assertRefused(List<String> reasons, String... createArgs) throws SQLException {
        Map<String, Long> before = counts();
        String[] args = new String[createArgs.length + 2];
        args[0] = "tenant";
        args[1] = "create";
        System.arraycopy(createArgs, 0, args, 2, createArgs.length);

        Result result = run(args);

        assertThat(result.exit()).as(result.out()).isEqualTo(Switchboard.REFUSED);
        assertThat(result.err()).startsWith("Refused, nothing was written:").contains(reasons);
        assertThat(result.out()).isEmpty();
        assertThat(counts()).isEqualTo(before);
        return result;
    }

    private static void awaitAnInsertWaitingForALock() throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (rows("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'"
                + " AND query LIKE 'INSERT INTO tenant_numbers%'").equals(List.of(List.of("0")))) {
            assertThat(System.nanoTime()).as("the tool's insert never waited for the other transaction")
                    .isLessThan(deadline);
            Thread.sleep(20);
        }
    }

    private static Map<String, Long> counts() throws SQLException {
        Map<String, Long> counts = new LinkedHashMap<>();
        for (String table : TABLES) {
            counts.put(table, Long.parseLong(rows("SELECT count(*) FROM " + table).get(0).get(0)));
        }
        return counts;
    }

    /** {@code before} with that many more rows in each of {@link #TABLES}, in order. */
    private static Map<String, Long> plus(Map<String, Long> before, long... more) {
        Map<String, Long> after = new LinkedHashMap<>(before);
        for (int i = 0; i < more.length; i++) {
            after.merge(TABLES.get(i), more[i], Long::sum);
        }
        return after;
    }

    private static List<List<String>> rows(String sql) throws SQLException {
        try (Connection c = postgres.connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            List<List<String>> rows = new ArrayList<>();
            int columns = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                List<String> row = new ArrayList<>();
                for (int i = 1; i <= columns; i++) {
                    row.add(rs.getString(i));
                }
                rows.add(row);
            }
            return rows;
        }
    }

    private static JsonNode json(String text) throws Exception {
        return Json.MAPPER.readTree(text);
    }
}
