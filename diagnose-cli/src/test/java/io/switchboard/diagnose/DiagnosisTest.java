package io.switchboard.diagnose;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.switchboard.contract.Json;
import io.switchboard.diagnose.Diagnosis.ProbeOutcome;
import org.junit.jupiter.api.Test;

class DiagnosisTest {
    static final String TOKEN = "eyJhbGciOiJSUzI1NiJ9.secret-part.sig";

    final Diagnosis diagnosis = new Diagnosis(TOKEN);

    @Test
    void probesThatComeBackGiveTheMedianAndTheWorstRoundTrip() {
        diagnosis.connected(40, "ws://localhost:8080/agent/ws");
        assertThat(diagnosis.snapshot(12, 41, 2, 1)).contains("seq 41, 2 agents, 1 call");
        long[] backs = {30, 12, 25, 90, 18};
        for (int i = 0; i < backs.length; i++) {
            String line = diagnosis.probe(ProbeOutcome.of(i + 1, 5, 10_000).acked(backs[i] - 5).back(backs[i]));
            assertThat(line).startsWith("ok").contains("probe " + (i + 1) + "/5").contains("back in " + backs[i] + " ms");
        }
        assertThat(diagnosis.verdict())
                .isEqualTo("Realtime works: changes reach this client in p50 25 ms, max 90 ms over 5 probes");
        assertThat(diagnosis.exitCode()).isZero();
    }

    @Test
    void aProbeBackBeforeItsAckStillWorks() {
        ProbeOutcome p = ProbeOutcome.of(1, 1, 10_000).back(20);
        assertThat(p.complete()).isFalse(); // the ack may still come
        diagnosis.probe(p.acked(22));
        assertThat(diagnosis.verdict()).startsWith("Realtime works").contains("p50 20 ms");
    }

    @Test
    void noAckMeansCallStateDoesNotAnswer() {
        String line = diagnosis.probe(ProbeOutcome.of(1, 5, 5_000));
        assertThat(line).startsWith("FAIL").contains("5000 ms").contains(Diagnosis.CALL_STATE_SILENT);
        assertThat(diagnosis.verdict()).isEqualTo("Realtime is BROKEN at: call-state does not answer: down, or lagging"
                + " on switchboard.agent-commands");
        assertThat(diagnosis.exitCode()).isEqualTo(1);
    }

    @Test
    void theGatewaysTimeoutErrorAlsoMeansCallStateDoesNotAnswer() {
        diagnosis.probe(ProbeOutcome.of(1, 5, 15_000).error("timeout", "No answer from call-state within 10 s", 10_003));
        assertThat(diagnosis.verdict()).endsWith(Diagnosis.CALL_STATE_SILENT);
    }

    @Test
    void unavailableIsQuotedItSaysWhetherKafkaOrPostgresRefused() {
        String message = "call-state could not store the probe in PostgreSQL: connection refused";
        String line = diagnosis.probe(ProbeOutcome.of(1, 5, 10_000).error("unavailable", message, 31));
        assertThat(line).contains("\"" + message + "\"");
        assertThat(diagnosis.verdict()).isEqualTo("Realtime is BROKEN at: " + message);
    }

    @Test
    void ackedButNotBackPointsAtTheRelayAndTheGatewaysConsumer() {
        diagnosis.probe(ProbeOutcome.of(1, 5, 10_000).acked(15));
        assertThat(diagnosis.verdict()).isEqualTo("Realtime is BROKEN at: " + Diagnosis.CHANGE_PATH_STUCK)
                .contains("outbox relay").contains("state-changes consumer");
    }

    @Test
    void theFirstBrokenHopDecidesLaterStepsOnlyInform() {
        diagnosis.probe(ProbeOutcome.of(1, 5, 10_000).acked(15).back(20));
        diagnosis.probe(ProbeOutcome.of(2, 5, 10_000));
        diagnosis.canary(8, 200, readiness("working", null));
        assertThat(diagnosis.verdict()).endsWith(Diagnosis.CALL_STATE_SILENT);
        assertThat(diagnosis.exitCode()).isEqualTo(1);
    }

    @Test
    void refusedUpgradesSayWhatTheStatusMeans() {
        assertThat(new Diagnosis(null).upgradeRefused(9, 401)).contains("rejected the token (401)").contains("expired");
        assertThat(new Diagnosis(null).upgradeRefused(9, 403)).contains("(403)").contains("not an agent's");
        Diagnosis unreachable = new Diagnosis(null);
        unreachable.unreachable("connect", 2, "http://localhost:8080", "connection refused");
        assertThat(unreachable.verdict()).isEqualTo("Realtime is BROKEN at: the gateway: nothing answers at"
                + " http://localhost:8080 (connection refused): the gateway is down or the URL is wrong");
    }

    @Test
    void noSnapshotMeansTheGatewayCannotReadPostgres() {
        diagnosis.noSnapshot(10_000, "none within 10000 ms");
        assertThat(diagnosis.verdict()).contains("connected but no snapshot: the gateway cannot read PostgreSQL");
    }

    @Test
    void nothingMeasuredIsNoVerdictOfWorking() {
        assertThat(diagnosis.verdict()).startsWith("Realtime is BROKEN");
        assertThat(diagnosis.exitCode()).isEqualTo(1);
    }

    @Test
    void theCanarysDetailIsReportedWithItsProblem() {
        assertThat(diagnosis.canary(5, 200, readiness("working", null))).startsWith("ok")
                .contains("realtime working, last round trip 21 ms, last probe back 0 s ago, 0 lost probes");
        assertThat(diagnosis.canary(5, 200, readiness("broken", "call-state does not answer probes")))
                .startsWith("FAIL").contains("realtime BROKEN: call-state does not answer probes");
        assertThat(diagnosis.canary(5, 200, readiness("not measured", null))).contains("canary is off");
        assertThat(diagnosis.canary(5, 503, json("{\"status\":\"DOWN\",\"checks\":[{\"name\":\"Kafka\",\"status\":"
                + "\"DOWN\"}]}"))).contains("no canary").contains("readiness DOWN: Kafka");
        assertThat(diagnosis.exitCode()).isEqualTo(1); // the canary informs: it measured nothing for this client
    }

    @Test
    void theTokenIsNeverPrinted() {
        diagnosis.connectFailed(3, "IOException: bad URI ws://h/agent/ws?access_token=" + TOKEN);
        Diagnosis late = new Diagnosis(null);
        late.secret(TOKEN);
        late.devTokenRefused(2, 500, "could not sign " + TOKEN);
        assertThat(diagnosis.lines()).noneMatch(line -> line.contains(TOKEN)).anyMatch(l -> l.contains("<token>"));
        assertThat(late.lines()).noneMatch(line -> line.contains(TOKEN));
        assertThat(diagnosis.verdict()).doesNotContain(TOKEN);
    }

    static JsonNode readiness(String realtime, String problem) {
        String data = "{\"enabled\":" + !realtime.equals("not measured") + ",\"realtime\":\"" + realtime
                + "\",\"lostProbes\":0" + (realtime.equals("working") ? ",\"lastRoundTripMillis\":21,"
                        + "\"secondsSinceLastProbe\":0" : "")
                + (problem == null ? "" : ",\"problem\":\"" + problem + "\"") + "}";
        return json("{\"status\":\"UP\",\"checks\":[{\"name\":\"Kafka\",\"status\":\"UP\"},"
                + "{\"name\":\"End-to-end canary\",\"status\":\"UP\",\"data\":" + data + "}]}");
    }

    static JsonNode json(String text) {
        try {
            return Json.MAPPER.readTree(text);
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }
}
