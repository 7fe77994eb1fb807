package io.switchboard.benchmark;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import java.io.IOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * The same fan-out through a plain pub/sub server: nginx with Debian's Nchan module, no state, no Kafka, no database.
 * As many subscribers as agents, one channel per tenant, messages of the size of our RINGING {@code call} frames at
 * the rate our tenants' changes came, published over HTTP; the clock runs from the publish request leaving to each
 * subscriber's frame arriving, with the same client code as our agents.
 */
final class NchanFanOut implements AutoCloseable {
    private final Path dir;
    private final int port;
    private Process nginx;

    private record Sent(long at, int expected, AtomicInteger received) {
    }

    private NchanFanOut(Path dir, int port) {
        this.dir = dir;
        this.port = port;
    }

    /** Starts nginx in the foreground with a prefix of its own, on 127.0.0.1:{@code port}. */
    static NchanFanOut start(Path module, Path dir, int port, int connections) throws Exception {
        NchanFanOut n = new NchanFanOut(dir, port);
        Files.createDirectories(dir.resolve("logs"));
        Files.writeString(dir.resolve("nginx.conf"), """
                load_module %s;
                daemon off;
                worker_processes auto;
                worker_rlimit_nofile %d;
                pid %s/nginx.pid;
                error_log %s/logs/error.log warn;
                events { worker_connections %d; }
                http {
                  access_log off;
                  client_body_temp_path %s/tmp;
                  proxy_temp_path %s/tmp;
                  fastcgi_temp_path %s/tmp;
                  uwsgi_temp_path %s/tmp;
                  scgi_temp_path %s/tmp;
                  server {
                    listen 127.0.0.1:%d;
                    location ~ ^/pub/(\\w+)$ {
                      nchan_publisher http;
                      nchan_channel_id $1;
                      nchan_message_buffer_length 1;
                      nchan_message_timeout 10s;
                    }
                    location ~ ^/sub/(\\w+)$ {
                      nchan_subscriber websocket;
                      nchan_channel_id $1;
                      nchan_subscriber_first_message newest;
                    }
                  }
                }
                """.formatted(module, connections * 2 + 1024, dir, dir, connections + 1024, dir, dir, dir, dir, dir,
                port));
        Files.createDirectories(dir.resolve("tmp"));
        n.nginx = new ProcessBuilder("nginx", "-p", dir.toString(), "-c", dir.resolve("nginx.conf").toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("logs/nginx.out").toFile()).start();
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < deadline) {
            try (Socket s = new Socket("127.0.0.1", port)) {
                return n;
            } catch (IOException e) {
                if (!n.nginx.isAlive()) {
                    break;
                }
                Thread.sleep(100);
            }
        }
        n.close();
        throw new IllegalStateException("nginx did not start; see " + dir.resolve("logs"));
    }

    long pid() {
        return nginx.pid();
    }

    /**
     * Subscribes {@code subscribers} sockets over {@code channels} channels, publishes {@code perChannelRate}
     * messages a second to each for {@code duration} and returns the figures.
     */
    Map<String, Object> run(Fleet fleet, int subscribers, int channels, double perChannelRate, int messageBytes,
            Duration duration, ProcStats stats) throws Exception {
        List<Fleet.Socket> sockets = new ArrayList<>();
        for (int i = 0; i < subscribers; i++) {
            sockets.add(new Fleet.Socket("ch" + (i % channels + 1)));
        }
        Map<String, Sent> sent = new ConcurrentHashMap<>();
        Latency every = new Latency();
        Latency last = new Latency();
        LongAdder frames = new LongAdder();
        int opened = fleet.connect(sockets, port, s -> "/sub/" + s.owner, (socket, text, now) -> {
            frames.increment();
            Sent s = sent.get(CallLoad.field(text, "id"));
            if (s != null) {
                every.recordNanos(now - s.at());
                if (s.received().incrementAndGet() == s.expected()) {
                    last.recordNanos(now - s.at());
                }
            }
        }, 200, Duration.ofMinutes(5));
        Thread.sleep(1000);
        int[] perChannel = new int[channels];
        for (Fleet.Socket s : sockets) {
            if (s.open()) {
                perChannel[Integer.parseInt(((String) s.owner).substring(2)) - 1]++;
            }
        }
        HttpClient http = fleet.vertx.createHttpClient(new HttpClientOptions().setMaxPoolSize(16).setKeepAlive(true));
        String pad = "x".repeat(Math.max(0, messageBytes - 40));
        LongAdder published = new LongAdder();
        LongAdder publishErrors = new LongAdder();
        AtomicInteger ids = new AtomicInteger();
        ScheduledExecutorService pacer = Executors.newSingleThreadScheduledExecutor();
        long total = Math.round(perChannelRate * channels * duration.toMillis() / 1000.0);
        long period = Math.max(1000, Math.round(1e9 / (perChannelRate * channels)));
        stats.start();
        long began = System.nanoTime();
        pacer.scheduleAtFixedRate(() -> {
            int id = ids.incrementAndGet();
            if (id > total) {
                return;
            }
            int channel = id % channels;
            String body = "{\"id\":\"" + id + "\",\"type\":\"call\",\"pad\":\"" + pad + "\"}";
            sent.put(Integer.toString(id), new Sent(System.nanoTime(), perChannel[channel], new AtomicInteger()));
            http.request(new RequestOptions().setMethod(HttpMethod.POST).setHost("127.0.0.1").setPort(port)
                    .setURI("/pub/ch" + (channel + 1)))
                    .compose(req -> req.send(Buffer.buffer(body)))
                    .onComplete(r -> {
                        if (r.succeeded() && r.result().statusCode() / 100 == 2) {
                            published.increment();
                        } else {
                            publishErrors.increment();
                        }
                    });
        }, 0, period, TimeUnit.NANOSECONDS);
        long limit = System.nanoTime() + duration.plusSeconds(10).toNanos();
        while (ids.get() < total && System.nanoTime() < limit) {
            Thread.sleep(50);
        }
        pacer.shutdownNow();
        double seconds = (System.nanoTime() - began) / 1e9;
        long drain = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < drain
                && sent.values().stream().anyMatch(s -> s.received().get() < s.expected())) {
            Thread.sleep(100);
        }
        Map<String, Map<String, Object>> processes = stats.stop();
        long missing = sent.values().stream().mapToLong(s -> Math.max(0, s.expected() - s.received().get())).sum();
        fleet.closeAll(sockets);
        http.close();
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("subscribers", opened);
        f.put("channels", channels);
        f.put("message_bytes", messageBytes);
        f.put("messages_per_second", Math.round(published.sum() / seconds * 10) / 10.0);
        f.put("frames_received_per_second", Math.round(frames.sum() / seconds));
        f.put("publish_errors", publishErrors.sum());
        f.put("frames_never_received", missing);
        f.put("publish_to_every_subscriber", every.summary());
        f.put("publish_to_last_subscriber", last.summary());
        f.put("processes", processes);
        f.put("histogram", every.histogram());
        return f;
    }

    @Override
    public void close() {
        if (nginx != null && nginx.isAlive()) {
            // nginx's master stops its workers on TERM (fast shutdown).
            nginx.destroy();
            try {
                if (!nginx.waitFor(10, TimeUnit.SECONDS)) {
                    ProcStats.family(nginx.pid()).forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
