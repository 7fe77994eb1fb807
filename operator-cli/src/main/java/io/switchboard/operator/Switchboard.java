package io.switchboard.operator;

import io.switchboard.contract.Roles;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code ./switchboard}: the platform operator's tool. Tenants are created here, not through the admin API: the API
 * serves a tenant's own admins, and a tenant has none before this tool makes them.
 */
@Command(name = "./switchboard", usageHelpWidth = 120, mixinStandardHelpOptions = false,
        subcommands = Switchboard.TenantCommand.class, synopsisSubcommandLabel = "tenant (create | list | show)",
        description = {"", "The platform operator's tool: creates tenants with their numbers and first admins, lists"
                + " and shows them. It connects to PostgreSQL as the owner role (the one the migrations run as).", ""},
        footer = {"", Switchboard.EXIT_CODES})
public final class Switchboard implements Runnable {
    static final String EXIT_CODES = "Exit code: 0 done, 1 refused (the reasons are printed, nothing was written),"
            + " 2 bad usage, 3 PostgreSQL could not be reached or failed (nothing was written).";
    public static final int REFUSED = 1;
    public static final int DATABASE_FAILED = 3;

    public static final String DEFAULT_URL = "jdbc:postgresql://localhost:5432/switchboard";
    public static final String DEFAULT_USER = "postgres";

    private final Map<String, String> env;

    @Spec
    CommandSpec spec;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "this help")
    boolean help;

    Switchboard(Map<String, String> env) {
        this.env = Map.copyOf(env);
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err, System.getenv()));
    }

    /**
     * @param env where the connection's fallbacks are read ({@code SWITCHBOARD_DB_URL}, {@code SWITCHBOARD_DB_USER},
     *     {@code SWITCHBOARD_DB_PASSWORD})
     * @return the exit code ({@link #EXIT_CODES})
     */
    public static int run(String[] args, PrintStream out, PrintStream err, Map<String, String> env) {
        return new CommandLine(new Switchboard(env))
                .setOut(new PrintWriter(out, true, StandardCharsets.UTF_8))
                .setErr(new PrintWriter(err, true, StandardCharsets.UTF_8))
                .execute(args);
    }

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "Which command? ./switchboard tenant create | list | show");
    }

    /** Where PostgreSQL is: an option, else the environment, else the local stack's. */
    static final class Database {
        @Option(names = "--db-url", paramLabel = "JDBC_URL", description = "PostgreSQL (default: $SWITCHBOARD_DB_URL,"
                + " else " + DEFAULT_URL + ", the local stack's)")
        String url;

        @Option(names = "--db-user", paramLabel = "USER", description = "the owner role, the one the migrations run"
                + " as (default: $SWITCHBOARD_DB_USER, else " + DEFAULT_USER + ")")
        String user;

        @Option(names = "--db-password", paramLabel = "PASSWORD", description = "its password (default:"
                + " $SWITCHBOARD_DB_PASSWORD, else none); prefer the variable: a command line is visible to others"
                + " on the machine")
        String password;

        String url(Map<String, String> env) {
            return url != null ? url : env.getOrDefault("SWITCHBOARD_DB_URL", DEFAULT_URL);
        }

        /** The URL for messages: without its parameters, which may carry a password ({@code ?password=…}). */
        String shownUrl(Map<String, String> env) {
            String full = url(env);
            int query = full.indexOf('?');
            return query < 0 ? full : full.substring(0, query) + "?…";
        }

        Connection connect(Map<String, String> env) throws SQLException {
            return DriverManager.getConnection(url(env),
                    user != null ? user : env.getOrDefault("SWITCHBOARD_DB_USER", DEFAULT_USER),
                    password != null ? password : env.getOrDefault("SWITCHBOARD_DB_PASSWORD", ""));
        }
    }

    /** Work on the database that may be refused. */
    private interface Work {
        void run(Tenants tenants, PrintWriter out) throws Refused, SQLException;
    }

    private static int refuse(PrintWriter err, Refused refused) {
        err.println("Refused, nothing was written:");
        refused.reasons().forEach(reason -> err.println("  - " + reason));
        return REFUSED;
    }

    @Command(name = "tenant", usageHelpWidth = 120, synopsisSubcommandLabel = "(create | list | show)",
            subcommands = {Create.class, ListTenants.class, Show.class},
            description = "Tenants: create one with its numbers and first admins, list them, show one.",
            footer = {"", EXIT_CODES})
    static final class TenantCommand implements Runnable {
        @ParentCommand
        Switchboard root;

        @Spec
        CommandSpec spec;

        @Option(names = {"-h", "--help"}, usageHelp = true, description = "this help")
        boolean help;

        @Override
        public void run() {
            throw new ParameterException(spec.commandLine(), "Which command? ./switchboard tenant create | list | show");
        }
    }

    /** A command of {@code tenant} that works on the database: its connection options, its help, its outcome. */
    abstract static class TenantWork implements Callable<Integer> {
        @ParentCommand
        TenantCommand tenant;

        @Spec
        CommandSpec spec;

        @Mixin
        Database database;

        @Option(names = {"-h", "--help"}, usageHelp = true, description = "this help")
        boolean help;

        /** Connects, does the work, and turns a refusal or a database failure into its message and exit code. */
        int withDatabase(Work work) {
            Map<String, String> env = tenant.root.env;
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            String url = database.shownUrl(env);
            Connection connection;
            try {
                connection = database.connect(env);
            } catch (SQLException e) {
                err.println("Could not connect to PostgreSQL at " + url + ": " + e.getMessage());
                err.println("Is the database running (./stack up on this machine), and are --db-url, --db-user and"
                        + " --db-password (or SWITCHBOARD_DB_URL, SWITCHBOARD_DB_USER, SWITCHBOARD_DB_PASSWORD)"
                        + " right?");
                return DATABASE_FAILED;
            }
            try (connection) {
                work.run(new Tenants(connection), out);
                return 0;
            } catch (Refused refused) {
                return refuse(err, refused);
            } catch (SQLException e) {
                err.println("PostgreSQL at " + url + " failed: " + e.getMessage() + " (SQL state " + e.getSQLState()
                        + "). Nothing was written.");
                return DATABASE_FAILED;
            }
        }
    }

    @Command(name = "create", usageHelpWidth = 120, sortOptions = false,
            description = {"Creates a tenant in one transaction: the tenant, its numbers, its first admins (agents who"
                    + " may also supervise and administer) and, if given, the time zone its business hours are in."
                    + " Every row is audited (admin_audit, actor 'operator'). On any problem nothing is written and"
                    + " every problem is named.", ""},
            footer = {"", "Example: ./switchboard tenant create --id acme2 --name \"Acme Two\" --number +15005550007"
                    + " --admin doug:\"Doug Smith\" --time-zone Europe/Berlin", "", EXIT_CODES})
    static final class Create extends TenantWork {
        @Option(names = "--id", required = true, paramLabel = "ID",
                description = "the tenant's id: lower-case letters and digits, words joined by dashes (acme-two)")
        String id;

        @Option(names = "--name", required = true, paramLabel = "NAME", description = "the name people know it by")
        String name;

        @Option(names = "--number", paramLabel = "E164", description = "a Twilio number it answers, in E.164"
                + " (+15005550007); at least one, repeat for more")
        List<String> numbers = new ArrayList<>();

        @Option(names = "--admin", paramLabel = "ID:NAME", description = "a first admin, e.g. doug:\"Doug Smith\";"
                + " at least one, repeat for more. Their id is the one their sign-in token names (its sub)")
        List<String> admins = new ArrayList<>();

        @Option(names = "--time-zone", paramLabel = "ZONE", description = "the zone its business hours are in, an IANA"
                + " name (Europe/Berlin); without it UTC")
        String timeZone;

        @Override
        public Integer call() {
            PrintWriter err = spec.commandLine().getErr();
            NewTenant asked;
            try {
                asked = NewTenant.of(id, name, numbers, admins, timeZone);
            } catch (Refused refused) {
                return refuse(err, refused);
            }
            return withDatabase((tenants, out) -> {
                tenants.create(asked);
                out.println("Created the tenant " + asked.id() + " (" + asked.name() + ").");
                out.println("  numbers:   " + String.join(", ", asked.numbers()));
                asked.admins().forEach(admin -> out.println("  admin:     " + admin.id() + " (" + admin.name()
                        + "), roles " + String.join(", ", Roles.ALL)));
                out.println("  time zone: " + (asked.timeZone() == null ? "UTC (none given)" : asked.timeZone()));
                out.println("Next: point each number's voice webhooks at call-ingest, then the admins sign in and add"
                        + " agents and settings (docs/operations.md, \"Onboarding a tenant\").");
            });
        }
    }

    @Command(name = "list", usageHelpWidth = 120, description = "Lists every tenant: id, name, numbers, active agents.",
            footer = {"", EXIT_CODES})
    static final class ListTenants extends TenantWork {
        @Override
        public Integer call() {
            return withDatabase((tenants, out) -> {
                List<Tenants.Summary> all = tenants.list();
                int idWidth = Math.max(2, all.stream().mapToInt(t -> t.id().length()).max().orElse(0));
                int nameWidth = Math.max(4, all.stream().mapToInt(t -> t.name().length()).max().orElse(0));
                String row = "%-" + idWidth + "s  %-" + nameWidth + "s  %6s  %s%n";
                out.printf(row, "ID", "NAME", "AGENTS", "NUMBERS");
                all.forEach(t -> out.printf(row, t.id(), t.name(), t.agents(), String.join(", ", t.numbers())));
            });
        }
    }

    @Command(name = "show", usageHelpWidth = 120,
            description = "Shows a tenant: its numbers, its agents with their roles, its time zone.",
            footer = {"", EXIT_CODES})
    static final class Show extends TenantWork {
        @Parameters(paramLabel = "ID", description = "the tenant's id")
        String id;

        @Override
        public Integer call() {
            return withDatabase((tenants, out) -> {
                Tenants.Detail t = tenants.show(id);
                out.println(t.id() + " (" + t.name() + "), created " + t.createdAt());
                out.println("  numbers:   " + (t.numbers().isEmpty() ? "none" : String.join(", ", t.numbers())));
                out.println("  time zone: " + (t.timeZone() == null ? "UTC (none set)" : t.timeZone()));
                out.println("  agents:" + (t.agents().isEmpty() ? "    none" : ""));
                t.agents().forEach(a -> out.println("    " + a.id() + " (" + a.name() + "), roles "
                        + String.join(", ", a.roles()) + (a.active() ? "" : ", deactivated")));
            });
        }
    }
}
