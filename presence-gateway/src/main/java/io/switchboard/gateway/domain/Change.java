package io.switchboard.gateway.domain;

/**
 * One state change of a tenant as the gateway forwards it: its place in the tenant's order and its frame.
 *
 * @param othersFrame the frame screens that are not a supervisor's get: the same as {@code frame}, except for a
 *     {@code wallboard} change, whose figures only supervisors see (the others get its seq alone)
 */
public record Change(long seq, String frame, String othersFrame) {

    /** A change every screen gets as it is. */
    public Change(long seq, String frame) {
        this(seq, frame, frame);
    }

    /** The change as a supervisor's screen, or any other, gets it. */
    public Change forScreen(boolean supervisor) {
        return supervisor || othersFrame.equals(frame) ? this : new Change(seq, othersFrame);
    }
}
