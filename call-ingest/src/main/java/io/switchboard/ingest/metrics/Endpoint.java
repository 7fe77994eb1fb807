package io.switchboard.ingest.metrics;

/** The Twilio-facing endpoints, named as in their paths; a metric tag. */
public enum Endpoint {
    INCOMING("incoming"),
    STATUS("status"),
    DIAL_ENDED("dial-ended"),
    HOLD("hold"),
    OTHER("other");

    private final String tag;

    Endpoint(String tag) {
        this.tag = tag;
    }

    public String tag() {
        return tag;
    }

    /** {@code /twilio/voice/dial-ended} → {@link #DIAL_ENDED}. */
    public static Endpoint ofPath(String path) {
        String last = path.substring(path.lastIndexOf('/') + 1);
        for (Endpoint endpoint : values()) {
            if (endpoint.tag.equals(last)) {
                return endpoint;
            }
        }
        return OTHER;
    }
}
