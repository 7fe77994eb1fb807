package io.switchboard.benchmark;

import io.switchboard.stack.twilio.TwilioSignature;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.stream.Collectors;

/**
 * As many signed incoming-call webhooks as call-ingest takes, with {@code concurrency} in flight, for a bounded time:
 * each is answered only after Kafka acknowledged its event (acks=all), so accepted/s is the admission rate of the
 * Twilio-facing edge.
 */
final class WebhookBlast {
    private WebhookBlast() {
    }

    static Map<String, Object> run(Vertx vertx, String ingestBaseUrl, String publicBaseUrl, String authToken,
            String accountSid, List<String> numbers, int concurrency, Duration duration) throws InterruptedException {
        URI base = URI.create(ingestBaseUrl);
        String path = "/twilio/voice/incoming";
        String signedUrl = publicBaseUrl + path;
        HttpClient http = vertx.createHttpClient(new HttpClientOptions().setMaxPoolSize(concurrency)
                .setKeepAlive(true).setConnectTimeout(5_000));
        Latency response = new Latency();
        LongAdder accepted = new LongAdder();
        Map<Integer, LongAdder> refused = new java.util.concurrent.ConcurrentHashMap<>();
        LongAdder failed = new LongAdder();
        AtomicLong ids = new AtomicLong();
        long began = System.nanoTime();
        long end = began + duration.toNanos();
        CountDownLatch done = new CountDownLatch(concurrency);
        Runnable[] next = new Runnable[1];
        next[0] = () -> {
            if (System.nanoTime() >= end) {
                done.countDown();
                return;
            }
            long id = ids.incrementAndGet();
            Map<String, String> params = new LinkedHashMap<>();
            params.put("AccountSid", accountSid);
            params.put("ApiVersion", "2010-04-01");
            params.put("CallSid", String.format("CAb%031d", id));
            params.put("CallStatus", "ringing");
            params.put("Direction", "inbound");
            params.put("From", String.format("+1666%07d", id % 10_000_000));
            params.put("To", numbers.get((int) (id % numbers.size())));
            String body = params.entrySet().stream()
                    .map(e -> enc(e.getKey()) + "=" + enc(e.getValue())).collect(Collectors.joining("&"));
            String signature = TwilioSignature.sign(authToken, signedUrl, params);
            long sent = System.nanoTime();
            http.request(new RequestOptions().setMethod(HttpMethod.POST).setHost(base.getHost())
                    .setPort(base.getPort()).setURI(path)
                    .putHeader("Content-Type", "application/x-www-form-urlencoded")
                    .putHeader("X-Twilio-Signature", signature))
                    .compose(req -> req.send(Buffer.buffer(body)))
                    .compose(res -> res.body().map(ignored -> res.statusCode()))
                    .onComplete(r -> {
                        long now = System.nanoTime();
                        if (r.succeeded()) {
                            response.recordNanos(now - sent);
                            if (r.result() / 100 == 2) {
                                accepted.increment();
                            } else {
                                refused.computeIfAbsent(r.result(), k -> new LongAdder()).increment();
                            }
                        } else {
                            failed.increment();
                        }
                        next[0].run();
                    });
        };
        for (int i = 0; i < concurrency; i++) {
            vertx.runOnContext(ignored -> next[0].run());
        }
        done.await(duration.toMillis() + 30_000, TimeUnit.MILLISECONDS);
        double seconds = (System.nanoTime() - began) / 1e9;
        http.close();
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("seconds", Math.round(seconds * 10) / 10.0);
        f.put("concurrency", concurrency);
        f.put("accepted", accepted.sum());
        f.put("accepted_per_second", Math.round(accepted.sum() / seconds));
        Map<String, Long> r = new LinkedHashMap<>();
        refused.forEach((k, v) -> r.put(Integer.toString(k), v.sum()));
        f.put("refused_by_status", r);
        f.put("failed", failed.sum());
        f.put("response", response.summary());
        return f;
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
