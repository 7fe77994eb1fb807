package io.switchboard.stack;

/**
 * Another presence-gateway beside the stack's own: the same jar and environment, its own port and gateway id — two
 * replicas behind a load balancer, as agents meet them. It can be killed ({@code kill -9}) and started again on the
 * same port, as a crashed pod comes back. The stack stops it with itself; its log is
 * {@code logs/presence-gateway-{gatewayId}.log} in the stack's data folder.
 */
public final class GatewayReplica implements AutoCloseable {
    private final Stack stack;
    private final String gatewayId;
    private final int port = FreePort.find();
    private Process process;

    private GatewayReplica(Stack stack, String gatewayId) {
        this.stack = stack;
        this.gatewayId = gatewayId;
    }

    /** Starts the replica {@code gatewayId}; returns when it is ready. */
    public static GatewayReplica start(Stack stack, String gatewayId) {
        GatewayReplica replica = new GatewayReplica(stack, gatewayId);
        replica.start();
        return replica;
    }

    public String baseUrl() {
        return "http://localhost:" + port;
    }

    /** Starts it again (after {@link #kill()}) on the same port; returns when it is ready. */
    public synchronized void start() {
        process = stack.startReplica(this, gatewayId, port);
    }

    /** Dies as a crashed pod would: no goodbye to anyone. */
    public synchronized void kill() throws InterruptedException {
        process.destroyForcibly().waitFor();
    }

    /** Stops it as Kubernetes would (TERM) and waits until it is gone. */
    @Override
    public synchronized void close() {
        if (process != null) {
            process.destroy();
            try {
                process.waitFor();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                process.destroyForcibly();
            }
        }
    }
}
