package io.switchboard.ingest.metrics;

/** The Twilio-facing endpoints, named as in their paths; a metric tag. */
public enum Endpoint {
    INCOMING("incoming"),
    STATUS("status"),
    DIAL_ENDED("dial-ended"),
    HOLD("hold"),
    CONFERENCE("conference"),
    VOICEMAIL("voicemail"),
    VOICEMAIL_DONE("voicemail-done"),
    RECORDING("recording"),
    FORWARD("forward"),
    FORWARD_ENDED("forward-ended");

    private final String tag;

    Endpoint(String tag) {
        this.tag = tag;
    }

    public String tag() {
        return tag;
    }
}
