package io.switchboard.faults;

import com.fasterxml.jackson.databind.JsonNode;
import io.switchboard.stack.twilio.TwilioSimulator;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An agent at work, acting only on what their screen shows, as a person would: claims a ringing call (often the
 * oldest, so agents race for it), talks a while, then hangs up, parks the call, or the caller or the agent's phone
 * hangs up; retrieves parked calls; goes away and comes back. Commands may go unanswered while a service is down:
 * the agent simply looks at the screen again.
 */
final class Agent implements Runnable {
    private static final Duration REPLY_WAIT = Duration.ofSeconds(12);

    /** A claim or retrieve that was acknowledged: this agent won the call at that moment. */
    record Win(String callSid, String agentId, String command, long atNanos) {
    }

    final Screen screen;
    private final TwilioSimulator twilio;
    private final Random dice;
    private final ConcurrentLinkedQueue<Win> wins;
    private final AtomicLong unanswered;
    private volatile boolean working = true;
    private String talkingOn;
    private long talkUntil;

    Agent(Screen screen, TwilioSimulator twilio, long seed, ConcurrentLinkedQueue<Win> wins, AtomicLong unanswered) {
        this.screen = screen;
        this.twilio = twilio;
        this.dice = new Random(seed);
        this.wins = wins;
        this.unanswered = unanswered;
    }

    void stopWorking() {
        working = false;
    }

    @Override
    public void run() {
        while (working) {
            Screen.pause(100 + dice.nextInt(300)); // looking at the screen, thinking
            try {
                act();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                // a call that vanished under the agent's hand (it ended meanwhile): look again
            }
        }
    }

    private void act() throws InterruptedException {
        if (!screen.connected() || screen.seq() < 0) {
            return;
        }
        JsonNode me = screen.agent(screen.agentId);
        if (me == null) {
            return;
        }
        List<JsonNode> calls = screen.calls();
        JsonNode mine = calls.stream().filter(c -> screen.agentId.equals(text(c, "agentId"))
                && "CONNECTED".equals(text(c, "state"))).findFirst().orElse(null);
        if (mine != null) {
            talk(mine.get("callSid").asText());
            return;
        }
        talkingOn = null;
        String status = me.get("status").asText();
        if (status.equals("away")) {
            if (dice.nextInt(4) == 0) {
                ask(screen.status("available"));
            }
            return;
        }
        if (status.equals("available") && dice.nextInt(60) == 0) {
            ask(screen.status("away"));
            return;
        }
        if (status.equals("busy")) {
            return; // my phone rings for a claimed call
        }
        List<JsonNode> ringing = new ArrayList<>(calls.stream().filter(c -> "RINGING".equals(text(c, "state"))
                && (text(c, "offeredTo") == null || screen.agentId.equals(text(c, "offeredTo")))).toList());
        if (!ringing.isEmpty() && status.equals("available") || ringing.stream()
                .anyMatch(c -> screen.agentId.equals(text(c, "offeredTo")))) {
            // Most click the oldest ringing call, so they race for it; some pick another.
            JsonNode call = dice.nextInt(3) == 0 ? ringing.get(dice.nextInt(ringing.size())) : ringing.get(0);
            win("claim", call.get("callSid").asText());
            return;
        }
        List<JsonNode> parked = calls.stream().filter(c -> "PARKED".equals(text(c, "state"))).toList();
        if (!parked.isEmpty() && dice.nextInt(4) == 0) {
            win("retrieve", parked.get(dice.nextInt(parked.size())).get("callSid").asText());
        }
    }

    private void talk(String callSid) throws InterruptedException {
        long now = System.nanoTime();
        if (!callSid.equals(talkingOn)) {
            talkingOn = callSid;
            talkUntil = now + Duration.ofMillis(800 + dice.nextInt(2500)).toNanos();
            return;
        }
        if (now < talkUntil) {
            return;
        }
        int choice = dice.nextInt(100);
        if (choice < 35) {
            ask(screen.command("hangup", callSid));
        } else if (choice < 60) {
            if (dice.nextDouble() < FaultSuite.LOST_ENDS_RATE) {
                twilio.loseStatusCallbacks(callSid); // Twilio gives up on this call's end: only reconciliation sees it
            }
            twilio.hangup(callSid); // the caller hangs up
        } else if (choice < 70) {
            String leg = twilio.call(callSid).agentLegSid();
            if (leg != null) {
                twilio.hangup(leg); // the agent hangs up on their phone
            }
        } else {
            ask(screen.command("park", callSid));
        }
        talkUntil = now + Duration.ofSeconds(3).toNanos(); // give it time to show before deciding again
    }

    private void win(String command, String callSid) throws InterruptedException {
        String requestId = screen.command(command, callSid);
        JsonNode reply = ask(requestId);
        if (reply != null && reply.get("type").asText().equals("ack")) {
            wins.add(new Win(callSid, screen.agentId, command, System.nanoTime()));
        }
    }

    private JsonNode ask(String requestId) throws InterruptedException {
        if (requestId == null) {
            return null;
        }
        JsonNode reply = screen.reply(requestId, REPLY_WAIT);
        if (reply == null) {
            unanswered.incrementAndGet();
        }
        return reply;
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? null : value.asText();
    }
}
