package io.switchboard.stack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.sql.ResultSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class TestInfrastructureTest {

    @AfterEach
    void noContainers() {
        System.clearProperty(TestInfrastructure.CONTAINERS);
    }

    @Test
    void withoutContainersAskedForTheEmbeddedKafkaAndPostgresRun() throws Exception {
        try (TestInfrastructure infrastructure = TestInfrastructure.start()) {
            assertThat(infrastructure.kafka()).isInstanceOf(LocalKafka.class);
            assertThat(infrastructure.postgres()).isInstanceOf(LocalPostgres.class);
            assertUsable(infrastructure);
        }
    }

    @Test
    void containersAskedForWithoutDockerSaySoInOneLineAndTheEmbeddedOnesRun() throws Exception {
        assumeFalse(Containers.dockerAvailable(), "a Docker engine is here: the containers would run");
        System.setProperty(TestInfrastructure.CONTAINERS, "true");
        PrintStream err = System.err;
        ByteArrayOutputStream said = new ByteArrayOutputStream();
        System.setErr(new PrintStream(said, true, StandardCharsets.UTF_8));
        try (TestInfrastructure infrastructure = TestInfrastructure.start()) {
            System.setErr(err);
            assertThat(said.toString(StandardCharsets.UTF_8)).hasLineCount(1)
                    .contains("no Docker engine found").contains("embedded Kafka and PostgreSQL");
            assertThat(infrastructure.kafka()).isInstanceOf(LocalKafka.class);
            assertUsable(infrastructure);
        } finally {
            System.setErr(err);
        }
    }

    private static void assertUsable(TestInfrastructure infrastructure) throws Exception {
        assertThat(infrastructure.kafka().isRunning()).isTrue();
        infrastructure.postgres().migrate().seed();
        try (var c = infrastructure.postgres().connect()) {
            ResultSet rs = c.createStatement().executeQuery("SELECT count(*) FROM tenants WHERE id = 'acme'");
            assertThat(rs.next() && rs.getInt(1) == 1).isTrue();
        }
    }
}
