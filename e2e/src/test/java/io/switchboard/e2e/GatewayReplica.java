package io.switchboard.e2e;

import io.switchboard.stack.FreePort;
import io.switchboard.stack.Stack;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * A second presence-gateway instance beside the stack's own, from the same jar and the same environment, on
 * another port and with its own gateway id: two replicas behind a load balancer, as agents would meet them.
 */
final class GatewayReplica implements AutoCloseable {
    final String baseUrl;
    private final Process process;

    private GatewayReplica(String baseUrl, Process process) {
        this.baseUrl = baseUrl;
        this.process = process;
    }

    static GatewayReplica start(Stack stack, Path repoRoot, String gatewayId, List<String> jvmArgs) throws Exception {
        int port = FreePort.find();
        Path log = repoRoot.resolve("e2e/target/" + gatewayId + ".log");
        Files.createDirectories(log.getParent());
        List<String> command = new java.util.ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmArgs);
        command.add("-jar");
        command.add(Stack.Service.PRESENCE_GATEWAY.jar(repoRoot).toAbsolutePath().toString());
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        builder.environment().remove("QUARKUS_PROFILE");
        builder.environment().putAll(stack.environment(Stack.Service.PRESENCE_GATEWAY));
        builder.environment().put("QUARKUS_HTTP_PORT", Integer.toString(port));
        builder.environment().put("SWITCHBOARD_GATEWAY_ID", gatewayId);
        GatewayReplica replica = new GatewayReplica("http://localhost:" + port, builder.start());
        replica.awaitReady(log);
        return replica;
    }

    private void awaitReady(Path log) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new IllegalStateException("The gateway replica exited; see " + log);
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
        throw new IllegalStateException("The gateway replica was not ready within 60 s; see " + log);
    }

    /** Dies as a crashed pod would: no goodbye to anyone. */
    void kill() throws InterruptedException {
        process.destroyForcibly().waitFor();
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        process.waitFor();
    }
}
