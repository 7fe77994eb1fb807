package io.switchboard.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.switchboard.stack.Stack;
import io.switchboard.stack.WireContract;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * What every end-to-end scenario starts from and ends with: the packaged stack, on free ports, and the agents' screens
 * on it.
 */
final class EndToEnd {
    static final List<String> SERVICE_JVM_ARGS = List.of("-Xmx256m");

    private EndToEnd() {
    }

    static Path repoRoot() {
        return Path.of(System.getProperty("switchboard.repo.root", "..")).toAbsolutePath().normalize();
    }

    /**
     * Starts the stack with the simulator (whatever this machine's environment says about Twilio) and keeps its
     * data and the services' logs in {@code e2e/target/stack-{name}}: what a failed run leaves to read.
     */
    static Stack start(String name, UnaryOperator<Stack.Options> tune) {
        Path repoRoot = repoRoot();
        return Stack.start(tune.apply(Stack.Options.defaults(repoRoot)
                .withDataDir(repoRoot.resolve("e2e/target/stack-" + name)).withFresh(true)
                .withPorts(Stack.Ports.free())
                .withUserEnv(Map.of())
                .withJvmArgs(SERVICE_JVM_ARGS)));
    }

    /**
     * Opens the agents' screens on the stack's gateway and waits until every one has its snapshot, so that a
     * scenario's first step is seen by all of them. The screens come back in the order named.
     */
    static List<AgentScreen> openScreens(Stack stack, String tenant, Duration wait, String... agents)
            throws Exception {
        String gateway = stack.baseUrl(Stack.Service.PRESENCE_GATEWAY);
        List<AgentScreen> screens = new ArrayList<>();
        try {
            for (String agent : agents) {
                screens.add(AgentScreen.open(gateway, tenant, agent));
            }
            awaitSnapshots(wait, screens.toArray(AgentScreen[]::new));
        } catch (Throwable failed) {
            // The scenario never gets these screens to close: close them here, with what they received against the
            // contract, and let the first failure lead.
            try {
                closeAll(screens.toArray(AutoCloseable[]::new));
            } catch (AssertionError broken) {
                failed.addSuppressed(broken);
            }
            throw failed;
        }
        return screens;
    }

    /** Waits until every screen has its snapshot: one wait for them all, however many gateways they are on. */
    static void awaitSnapshots(Duration wait, AgentScreen... screens) {
        await().atMost(wait).until(() -> Arrays.stream(screens).allMatch(AgentScreen::hasSnapshot));
    }

    /**
     * The screens of one tenant agree: once they meet at one seq they show the same picture, and none of them saw a
     * change out of seq order. What one agent sees, every colleague sees, whatever the scenario did to get there.
     */
    static void screensAgree(Duration wait, AgentScreen... screens) {
        // Each seq is read once per check: a screen read twice could take a frame in between and pass screens that
        // never met at one seq.
        await().atMost(wait).until(() -> Arrays.stream(screens).mapToLong(AgentScreen::seq).distinct().count() == 1);
        AgentScreen first = screens[0];
        for (AgentScreen other : Arrays.asList(screens).subList(1, screens.length)) {
            assertThat(first.picture()).as(first.agentId + "'s picture against " + other.agentId + "'s")
                    .isEqualTo(other.picture());
        }
        for (AgentScreen screen : screens) {
            assertThat(screen.seqViolations()).as(screen.agentId + "'s seq violations").isEmpty();
        }
    }

    /**
     * call-state stored Twilio's word that the caller reached the parking lot (the parker's leg is forgotten): until
     * then a retrieve is refused, and a hang-up may still have been on the parker.
     */
    static boolean inTheLot(Stack stack, String call) throws Exception {
        try (var c = stack.postgres().connect()) {
            var s = c.prepareStatement("SELECT 1 FROM active_calls WHERE call_sid = ? AND state = 'PARKED'"
                    + " AND agent_leg_sid IS NULL");
            s.setString(1, call);
            return s.executeQuery().next();
        }
    }

    /**
     * Closes screens, replicas and the stack, in that order, each whatever happened to the one before; then fails when
     * a screen received a frame, or a topic holds a record, that breaks the contract ({@link WireContract}). Every
     * scenario ends here, so every frame and record of every scenario is checked.
     */
    static void closeAll(AutoCloseable... things) {
        List<String> broken = new ArrayList<>();
        for (AutoCloseable c : things) {
            if (c instanceof AgentScreen screen) {
                broken.addAll(screen.contractViolations());
            } else if (c instanceof Stack stack) {
                broken.addAll(recordsBreakingTheContract(stack));
            }
            try {
                if (c != null) {
                    c.close();
                }
            } catch (Exception e) {
                // closing the rest matters more
            }
        }
        if (!broken.isEmpty()) {
            throw new AssertionError(broken.size() + " frame(s) or record(s) break the contract (contract's"
                    + " asyncapi.yaml and schemas/):\n" + String.join("\n", broken));
        }
    }

    private static List<String> recordsBreakingTheContract(Stack stack) {
        WireContract contract = WireContract.get();
        try {
            return contract.recordsOn(stack.kafkaBootstrapServers(), contract.topics(), 50);
        } catch (RuntimeException e) {
            // A scenario may leave Kafka down; the frames were checked all the same.
            System.out.println("Kafka's records were not checked against the contract: " + e);
            return List.of();
        }
    }
}
