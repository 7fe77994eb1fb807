package io.switchboard.stack.twilio;

import java.time.Instant;

/**
 * The simulator's view of one recording, as Twilio's Recording resource describes it.
 *
 * @param status          {@code in-progress} (the {@code <Record>} goes on), {@code processing} (ended, its status
 *                        callback not sent yet), {@code completed} (its media can be fetched), or {@code absent}
 *                        (nothing was recorded: the caller hung up within the first second)
 * @param durationSeconds whole seconds of audio; 0 while in progress and when absent
 * @param errorCode       0, or Twilio's 16101 (too short) when absent
 * @param source          {@code RecordVerb}
 * @param startedAt       when the recording began (the {@code RecordingStartTime})
 * @param url             the {@code RecordingUrl}: the simulator's REST API, no extension (WAV); add {@code .json}
 *                        for the resource
 */
public record RecordingView(String sid, String accountSid, String callSid, String status, long durationSeconds,
        int errorCode, String source, Instant startedAt, Instant createdAt, Instant updatedAt, String url) {

    /** Whether its media can be fetched now. */
    public boolean completed() {
        return "completed".equals(status);
    }
}
