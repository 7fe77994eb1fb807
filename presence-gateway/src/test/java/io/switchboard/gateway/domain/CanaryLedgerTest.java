package io.switchboard.gateway.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class CanaryLedgerTest {
    private static final long SECOND = Duration.ofSeconds(1).toNanos();
    private static final long MS = Duration.ofMillis(1).toNanos();

    /** Interval 1 s, lost after 3 s: broken once nothing came back for more than 4 s. */
    final CanaryLedger ledger = new CanaryLedger(SECOND, 3 * SECOND, 0);

    @Test
    void aProbeBackMeasuresItsRoundTripAndKeepsRealtimeWorking() {
        ledger.sent("p1", 0);
        ledger.acked("p1");
        assertThat(ledger.back("p1", 30 * MS)).hasValue(30 * MS);
        assertThat(ledger.back("p1", 40 * MS)).isEmpty(); // a redelivery is not measured twice
        assertThat(ledger.back("someone-elses", 40 * MS)).isEmpty();

        CanaryLedger.Status status = ledger.status(4 * SECOND);
        assertThat(status.healthy()).isTrue();
        assertThat(status.lastRoundTripNanos()).isEqualTo(30 * MS);
        assertThat(status.problem()).isNull();
    }

    @Test
    void aGatewayThatJustStartedIsGivenTimeForItsFirstProbe() {
        assertThat(ledger.status(4 * SECOND).healthy()).isTrue();
        assertThat(ledger.status(5 * SECOND).healthy()).isFalse();
    }

    @Test
    void probesNeitherAckedNorBackBlameCallState() {
        working(0, 10);
        for (long t = 11; t <= 16; t++) {
            ledger.sweep(t * SECOND);
            ledger.sent("q" + t, t * SECOND);
        }
        CanaryLedger.Status status = ledger.status(16 * SECOND);
        assertThat(status.healthy()).isFalse();
        assertThat(status.problem()).isEqualTo(CanaryLedger.CALL_STATE_SILENT);
    }

    /**
     * The ack and the probe travel on different topics, read by different consumers: when every probe came back
     * before its ack, a later outage of call-state must still be blamed on call-state, not on the relay.
     */
    @Test
    void probesThatCameBackBeforeTheirAckDoNotMisleadWhenCallStateStops() {
        for (long t = 0; t <= 10; t++) {
            ledger.sent("p" + t, t * SECOND);
            ledger.back("p" + t, t * SECOND + 20 * MS);
            ledger.acked("p" + t); // the ack arrives last
        }
        for (long t = 11; t <= 16; t++) {
            ledger.sweep(t * SECOND);
            ledger.sent("q" + t, t * SECOND);
        }
        assertThat(ledger.status(16 * SECOND).problem()).isEqualTo(CanaryLedger.CALL_STATE_SILENT);
    }

    @Test
    void probesAckedButNotBackBlameTheChangePath() {
        working(0, 10);
        for (long t = 11; t <= 16; t++) {
            assertThat(ledger.sweep(t * SECOND)).isEqualTo(t >= 15 ? 1 : 0);
            ledger.sent("q" + t, t * SECOND);
            ledger.acked("q" + t);
        }
        CanaryLedger.Status status = ledger.status(16 * SECOND);
        assertThat(status.healthy()).isFalse();
        assertThat(status.problem()).isEqualTo(CanaryLedger.CHANGES_STUCK);
    }

    @Test
    void aRefusalOrAnUnpublishedProbeIsTheProblemUntilTheNextAck() {
        working(0, 2);
        ledger.sent("k", 3 * SECOND);
        ledger.notPublished("k", "this gateway cannot publish to Kafka (timeout)");
        assertThat(ledger.status(8 * SECOND).problem()).isEqualTo("this gateway cannot publish to Kafka (timeout)");

        ledger.sent("r", 9 * SECOND);
        ledger.refused("call-state refused the probe: no database");
        assertThat(ledger.status(9 * SECOND).problem()).isEqualTo("call-state refused the probe: no database");

        ledger.sent("s", 10 * SECOND);
        ledger.acked("s");
        assertThat(ledger.status(12 * SECOND).problem()).isEqualTo(CanaryLedger.CHANGES_STUCK);
        ledger.back("s", 12 * SECOND);
        assertThat(ledger.status(12 * SECOND).healthy()).isTrue();
    }

    /** One probe a second from {@code from} to {@code to}, each acked then back 20 ms later. */
    private void working(long from, long to) {
        for (long t = from; t <= to; t++) {
            ledger.sent("p" + t, t * SECOND);
            ledger.acked("p" + t);
            ledger.back("p" + t, t * SECOND + 20 * MS);
        }
    }
}
