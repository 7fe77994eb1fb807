package io.switchboard.stack;

import com.sun.net.httpserver.HttpServer;
import java.io.OutputStream;
import java.io.Writer;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import org.flywaydb.core.Flyway;

/**
 * Stands in for a service's quarkus-run.jar in {@link StackTest}: migrates the schema when it plays call-state
 * (as call-state does), writes down the environment it was given, and answers {@code /q/health/ready}.
 * {@code FAKE_EXIT=n} makes it exit with code n instead.
 */
public final class FakeService {
    private FakeService() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> env = System.getenv();
        Path workDir = Path.of("").toAbsolutePath();
        System.out.println("fake " + workDir.getFileName() + " starting");
        if (env.containsKey("FAKE_EXIT")) {
            System.out.println("fake " + workDir.getFileName() + " fails on purpose");
            System.exit(Integer.parseInt(env.get("FAKE_EXIT")));
        }
        if (workDir.getFileName().toString().equals("call-state")) {
            // As the owner, the way call-state's Flyway does.
            Flyway.configure().dataSource(env.get("QUARKUS_DATASOURCE_JDBC_URL"), env.get("QUARKUS_FLYWAY_USERNAME"),
                    env.get("QUARKUS_FLYWAY_PASSWORD")).locations("classpath:db/migration").load().migrate();
        }
        Properties given = new Properties();
        env.forEach(given::setProperty);
        try (Writer out = Files.newBufferedWriter(workDir.resolve("environment.properties"))) {
            given.store(out, null);
        }
        HttpServer server = HttpServer.create(new InetSocketAddress(Integer.parseInt(env.get("QUARKUS_HTTP_PORT"))), 0);
        server.createContext("/q/health/ready", http -> {
            byte[] body = "{\"status\":\"UP\"}".getBytes(StandardCharsets.UTF_8);
            http.sendResponseHeaders(200, body.length);
            try (OutputStream o = http.getResponseBody()) {
                o.write(body);
            }
        });
        server.start();
        System.out.println("fake " + workDir.getFileName() + " ready");
    }
}
