package io.switchboard.e2e;

import io.switchboard.stack.Stack;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/** What every end-to-end scenario starts from and ends with: the packaged stack, on free ports. */
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

    /** Closes screens, replicas and the stack, in that order, each whatever happened to the one before. */
    static void closeAll(AutoCloseable... things) {
        for (AutoCloseable c : things) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (Exception e) {
                // closing the rest matters more
            }
        }
    }
}
