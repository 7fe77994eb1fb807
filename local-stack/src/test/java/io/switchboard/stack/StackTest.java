package io.switchboard.stack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.switchboard.contract.VoiceWebhooks;
import io.switchboard.stack.Stack.Service;
import io.switchboard.stack.twilio.TwilioSimulator;
import java.io.IOException;
import java.io.OutputStream;
import java.io.Reader;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StackTest {
    private static final Path KEYS = Path.of("/keys");
    private static final Stack.Ports FIXED_PORTS = new Stack.Ports(1080, 1081, 1082, 1090, 1092, 1432);
    private static final Stack.TwilioSettings SIMULATED = Stack.TwilioSettings.resolve(Map.of(),
            "http://localhost:1090", "AC0", "tok", "http://localhost:1081");
    private static final DevKeys FIXED_KEYS = new DevKeys(KEYS.resolve("jwt-private.pem"),
            KEYS.resolve("jwt-public.pem"));

    @Test
    void aMissingJarIsNamedBeforeAnythingStarts(@TempDir Path repo) throws IOException {
        Path callState = Service.CALL_STATE.jar(repo);
        Files.createDirectories(callState.getParent());
        Files.createFile(callState);

        assertThatThrownBy(() -> Stack.start(Stack.Options.defaults(repo).withPorts(Stack.Ports.free())))
                .isInstanceOf(Stack.StackException.class)
                .hasMessageContaining("call-ingest/target/quarkus-app/quarkus-run.jar")
                .hasMessageContaining("presence-gateway/target/quarkus-app/quarkus-run.jar")
                .hasMessageNotContaining("call-state/")
                .hasMessageContaining("mvn -B -DskipTests install");
    }

    @Test
    void theServicesTalkToTheSimulatorUnlessTheEnvironmentNamesARealAccount() {
        Stack.TwilioSettings simulated = Stack.TwilioSettings.resolve(Map.of(), "http://localhost:8090", "AC0",
                "sim-token", "http://localhost:8081");
        Stack.TwilioSettings real = Stack.TwilioSettings.resolve(Map.of("TWILIO_ACCOUNT_SID", "ACreal",
                "TWILIO_AUTH_TOKEN", "real-token", "PUBLIC_BASE_URL", "https://tunnel.example"),
                "http://localhost:8090", "AC0", "sim-token", "http://localhost:8081");

        assertThat(simulated).isEqualTo(new Stack.TwilioSettings(false, "AC0", "sim-token", "http://localhost:8090",
                "http://localhost:8081", List.of()));
        assertThat(real).isEqualTo(new Stack.TwilioSettings(true, "ACreal", "real-token", "https://api.twilio.com",
                "https://tunnel.example", List.of("TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN", "PUBLIC_BASE_URL")));
        assertThat(real.describe("http://localhost:8090")).contains("REAL").doesNotContain("real-token");
    }

    @Test
    void eachServiceGetsItsPortsDatabaseKafkaAndTwilio() {
        Stack.Ports ports = FIXED_PORTS;
        Stack.TwilioSettings twilio = SIMULATED;
        DevKeys keys = FIXED_KEYS;

        Map<String, String> state = Stack.environment(Service.CALL_STATE, ports, keys, twilio, Map.of("X", "y"));
        Map<String, String> gateway = Stack.environment(Service.PRESENCE_GATEWAY, ports, keys, twilio, Map.of());

        assertThat(state).containsExactlyInAnyOrderEntriesOf(Map.ofEntries(
                Map.entry("QUARKUS_HTTP_PORT", "1082"),
                Map.entry("KAFKA_BOOTSTRAP_SERVERS", "localhost:1092"),
                Map.entry("QUARKUS_DATASOURCE_JDBC_URL", "jdbc:postgresql://localhost:1432/switchboard"),
                Map.entry("QUARKUS_DATASOURCE_REACTIVE_URL", "postgresql://localhost:1432/switchboard"),
                // Its own login; it migrates as the owner.
                Map.entry("QUARKUS_DATASOURCE_USERNAME", "call_state"),
                Map.entry("QUARKUS_DATASOURCE_PASSWORD", "local-only"),
                Map.entry("QUARKUS_FLYWAY_USERNAME", "postgres"),
                Map.entry("QUARKUS_FLYWAY_PASSWORD", "trusted"),
                Map.entry("TWILIO_ACCOUNT_SID", "AC0"),
                Map.entry("TWILIO_AUTH_TOKEN", "tok"),
                Map.entry("TWILIO_API_BASE_URL", "http://localhost:1090"),
                Map.entry("PUBLIC_BASE_URL", "http://localhost:1081"),
                Map.entry("QUARKUS_SWAGGER_UI_ENABLE", "true"),
                Map.entry("X", "y")));
        assertThat(gateway).containsEntry("QUARKUS_HTTP_PORT", "1080")
                .containsEntry("QUARKUS_DATASOURCE_USERNAME", "presence_gateway")
                .doesNotContainKey("QUARKUS_FLYWAY_USERNAME")
                .containsEntry("MP_JWT_VERIFY_PUBLICKEY_LOCATION", "file:///keys/jwt-public.pem")
                .containsEntry("SMALLRYE_JWT_SIGN_KEY_LOCATION", "file:///keys/jwt-private.pem")
                .containsEntry("SWITCHBOARD_DEV_TOKENS_ENABLED", "true")
                .containsEntry("QUARKUS_SWAGGER_UI_ENABLE", "true")
                .containsEntry("SWITCHBOARD_DEV_SIMULATOR_URL", "http://localhost:1090")
                .containsEntry("TWILIO_API_KEY_SID", "")
                // Voicemail playback: recordings under the simulator's API, fetched with the account's credentials.
                .containsEntry("TWILIO_API_BASE_URL", "http://localhost:1090")
                .containsEntry("TWILIO_ACCOUNT_SID", "AC0")
                .containsEntry("TWILIO_AUTH_TOKEN", "tok");

        // On real Twilio the console has no simulator to offer.
        Stack.TwilioSettings real = Stack.TwilioSettings.resolve(Map.of("TWILIO_ACCOUNT_SID", "ACreal",
                "TWILIO_AUTH_TOKEN", "secret"), "http://localhost:1090", "AC0", "tok", "http://localhost:1081");
        assertThat(Stack.environment(Service.PRESENCE_GATEWAY, ports, keys, real, Map.of()))
                .doesNotContainKey("SWITCHBOARD_DEV_SIMULATOR_URL")
                .doesNotContainKey("TWILIO_API_KEY_SID"); // the user's own, inherited, turns the softphone on
    }

    @Test
    void aServiceRunByHandGetsWhatEachServiceWouldWithoutItsPortOrDevServices() {
        Stack.Ports ports = FIXED_PORTS;
        Stack.TwilioSettings twilio = SIMULATED;
        DevKeys keys = FIXED_KEYS;

        Map<String, String> dev = Stack.devEnvironment(ports, keys, twilio);

        for (Service service : Service.values()) {
            Map<String, String> own = new java.util.HashMap<>(Stack.environment(service, ports, keys, twilio,
                    Map.of()));
            own.remove("QUARKUS_HTTP_PORT");
            own.remove("QUARKUS_DATASOURCE_USERNAME");
            assertThat(dev).as(service.module()).containsAllEntriesOf(own);
        }
        // Each service's application.properties names its own login.
        assertThat(dev).doesNotContainKey("QUARKUS_HTTP_PORT").doesNotContainKey("QUARKUS_DATASOURCE_USERNAME")
                .containsEntry("QUARKUS_DEVSERVICES_ENABLED", "false")
                .containsEntry("QUARKUS_SWAGGER_UI_ENABLE", "true")
                .containsEntry("MP_JWT_VERIFY_PUBLICKEY_LOCATION", "file:///keys/jwt-public.pem");
    }

    @Test
    void theInfrastructureAloneIsMigratedSeededAndLeavesNothingBehind(@TempDir Path repo) throws Exception {
        Stack.Ports ports = Stack.Ports.free();
        Stack stack = Stack.startInfrastructure(Stack.Options.defaults(repo).withPorts(ports)
                .withUserEnv(Map.of()));
        Path dataDir = stack.dataDir();
        try {
            assertThat(Arrays.stream(Service.values()).map(stack::process)).containsOnlyNulls();
            assertThat(seedAgents(stack)).isEqualTo(2);
            assertThat(stack.kafka().isRunning()).isTrue();
            assertThat(stack.devEnvironment()).containsEntry("KAFKA_BOOTSTRAP_SERVERS", "localhost:" + ports.kafka())
                    .containsEntry("TWILIO_API_BASE_URL", stack.simulator().baseUrl())
                    .containsEntry("PUBLIC_BASE_URL", stack.baseUrl(Service.CALL_INGEST));
            assertThat(Files.readString(stack.keys().publicKeyPem())).startsWith("-----BEGIN PUBLIC KEY-----");
        } finally {
            stack.close();
        }
        assertThat(dataDir).doesNotExist();
        assertPortsFree(ports);
    }

    @Test
    void startsEverythingInOrderAndLeavesNothingBehind(@TempDir Path repo) throws Exception {
        fakeServices(repo);
        Stack.Ports ports = Stack.Ports.free();
        Stack stack = Stack.start(Stack.Options.defaults(repo).withPorts(ports).withUserEnv(Map.of())
                .withReadinessTimeout(Duration.ofSeconds(60)));
        Path dataDir = stack.dataDir();
        List<Process> processes;
        try {
            Properties gateway = given(dataDir, Service.PRESENCE_GATEWAY);
            assertThat(gateway.getProperty("QUARKUS_HTTP_PORT")).isEqualTo(Integer.toString(ports.gateway()));
            assertThat(gateway.getProperty("TWILIO_API_BASE_URL")).isEqualTo(stack.simulator().baseUrl());
            assertThat(gateway.getProperty("MP_JWT_VERIFY_PUBLICKEY_LOCATION"))
                    .isEqualTo(stack.keys().publicKeyPem().toUri().toString());
            assertThat(Files.readString(stack.keys().publicKeyPem())).startsWith("-----BEGIN PUBLIC KEY-----");
            assertThat(given(dataDir, Service.CALL_INGEST).getProperty("PUBLIC_BASE_URL"))
                    .isEqualTo(stack.baseUrl(Service.CALL_INGEST));
            assertThat(Files.readString(stack.logFile(Service.CALL_STATE))).contains("fake call-state ready");
            assertThat(stack.realTwilio()).isFalse();
            String incoming = stack.baseUrl(Service.CALL_INGEST) + "/twilio/voice/incoming#"
                    + VoiceWebhooks.TWIML_OVERRIDES;
            assertThat(stack.simulator().config().numbers().get(Stack.NUMBER)).isEqualTo(new TwilioSimulator.Number(
                    incoming, incoming, stack.baseUrl(Service.CALL_INGEST) + "/twilio/voice/status#"
                            + VoiceWebhooks.CALLBACK_OVERRIDES));
            assertThat(seedAgents(stack)).isEqualTo(2);
            long before = stack.process(Service.CALL_INGEST).pid();
            stack.restart(Service.CALL_INGEST);
            assertThat(stack.process(Service.CALL_INGEST).pid()).isNotEqualTo(before);
            processes = Arrays.stream(Service.values()).map(stack::process).toList();
        } finally {
            stack.close();
        }

        assertThat(processes).noneMatch(Process::isAlive);
        assertThat(dataDir).doesNotExist();
        assertPortsFree(ports);
    }

    @Test
    void aServiceThatDiesIsReportedWithItsLog(@TempDir Path repo, @TempDir Path data) throws Exception {
        fakeServices(repo);
        Stack.Ports ports = Stack.Ports.free();

        assertThatThrownBy(() -> Stack.start(Stack.Options.defaults(repo).withPorts(ports).withUserEnv(Map.of())
                .withDataDir(data).withServiceEnv(Service.CALL_STATE, "FAKE_EXIT", "3")))
                .isInstanceOf(Stack.StackException.class)
                .hasMessageContaining("call-state stopped (exit code 3) before it was ready")
                .hasMessageContaining(data.resolve("logs").resolve("call-state.log").toString())
                .hasMessageContaining("fake call-state fails on purpose");
        assertPortsFree(ports);
    }

    /** A jar at each service's place that runs {@link FakeService} with this test's class path. */
    private static void fakeServices(Path repo) throws IOException {
        String classPath = Arrays.stream(System.getProperty("java.class.path").split(java.io.File.pathSeparator))
                .map(entry -> Path.of(entry).toAbsolutePath().toUri().toString())
                .collect(Collectors.joining(" "));
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().put(Attributes.Name.MAIN_CLASS, FakeService.class.getName());
        manifest.getMainAttributes().put(Attributes.Name.CLASS_PATH, classPath);
        for (Service service : Service.values()) {
            Path jar = service.jar(repo);
            Files.createDirectories(jar.getParent());
            try (OutputStream out = Files.newOutputStream(jar); var ignored = new JarOutputStream(out, manifest)) {
                // the manifest is all it needs
            }
        }
    }

    private static Properties given(Path dataDir, Service service) throws IOException {
        Properties given = new Properties();
        try (Reader in = Files.newBufferedReader(dataDir.resolve("work").resolve(service.module())
                .resolve("environment.properties"))) {
            given.load(in);
        }
        return given;
    }

    private static int seedAgents(Stack stack) throws java.sql.SQLException {
        try (var c = stack.postgres().connect()) {
            ResultSet seeded = c.createStatement().executeQuery("SELECT count(*) FROM voip_users WHERE tenant_id = 'acme'");
            seeded.next();
            return seeded.getInt(1);
        }
    }

    private static void assertPortsFree(Stack.Ports ports) {
        ports.named().forEach((name, port) -> {
            try (ServerSocket socket = new ServerSocket(port)) {
                assertThat(socket.getLocalPort()).as(name).isEqualTo(port);
            } catch (IOException e) {
                throw new AssertionError(name + " still holds port " + port, e);
            }
        });
    }
}
