package io.switchboard.faults;

import io.switchboard.stack.FreePort;
import io.switchboard.stack.Stack;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * A second presence-gateway replica beside the stack's own: same jar, same environment, its own port and gateway id.
 * It can be killed ({@code kill -9}) and started again on the same port, as a crashed pod comes back.
 */
final class SecondGateway implements AutoCloseable {
    final String baseUrl;
    private final Stack stack;
    private final int port = FreePort.find();
    private final Path log;
    private final List<String> jvmArgs;
    private volatile Process process;

    SecondGateway(Stack stack, List<String> jvmArgs) {
        this.stack = stack;
        this.jvmArgs = jvmArgs;
        this.baseUrl = "http://localhost:" + port;
        this.log = stack.dataDir().resolve("logs").resolve("presence-gateway-b.log");
        // An interrupted run (Ctrl-C, a CI timeout) must not leave it running, as the stack leaves nothing.
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            Process p = process;
            if (p != null) {
                p.destroyForcibly();
            }
        }, "second-gateway-shutdown"));
    }

    synchronized void start() throws Exception {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmArgs);
        command.add("-jar");
        command.add(Stack.Service.PRESENCE_GATEWAY.jar(FaultSuite.repoRoot()).toAbsolutePath().toString());
        Files.writeString(log, "=== presence-gateway (b) starting at " + Instant.now() + " ===\n",
                StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        builder.environment().remove("QUARKUS_PROFILE");
        builder.environment().putAll(stack.environment(Stack.Service.PRESENCE_GATEWAY));
        builder.environment().put("QUARKUS_HTTP_PORT", Integer.toString(port));
        builder.environment().put("SWITCHBOARD_GATEWAY_ID", "gw-b");
        process = builder.start();
        awaitReady();
    }

    private void awaitReady() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        Instant deadline = Instant.now().plus(Duration.ofSeconds(240));
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new IllegalStateException("The second gateway exited; see " + log);
            }
            try {
                var ready = http.send(HttpRequest.newBuilder(URI.create(baseUrl + "/q/health/ready")).build(),
                        HttpResponse.BodyHandlers.discarding());
                if (ready.statusCode() == 200) {
                    return;
                }
            } catch (java.io.IOException e) {
                // not listening yet
            }
            Thread.sleep(250); // polling a process that reports readiness nowhere else
        }
        throw new IllegalStateException("The second gateway was not ready within 240 s; see " + log);
    }

    /** Dies as a crashed pod would: no goodbye to anyone. */
    synchronized void kill() throws InterruptedException {
        process.destroyForcibly().waitFor();
    }

    @Override
    public synchronized void close() throws InterruptedException {
        if (process != null) {
            process.destroy();
            process.waitFor();
        }
    }
}
