package io.switchboard.faults;

import com.fasterxml.jackson.databind.JsonNode;
import io.switchboard.contract.VoiceWebhooks;
import io.switchboard.stack.twilio.AnswerMode;
import io.switchboard.stack.twilio.TwilioSimulator;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An agent at work, acting only on what their screen shows, as a person would: claims a ringing call (often the
 * oldest, so agents race for it), talks a while, puts the caller on hold and back, then hangs up, parks the call,
 * transfers it to an available colleague (at once, or after a consult they complete or cancel), or the caller or the
 * agent's phone hangs up; takes a consult offered to them; retrieves parked calls; calls a number back (which may be
 * busy or not answer), and holds and ends such a call as any other; takes a voicemail now and then (often the oldest,
 * so agents race for it) and marks it done later; goes away and comes back. A caller calling from a
 * {@link #LEFT_RINGING} number is left ringing by everyone: the suite's way of having callers reach the wait limit.
 * Commands may go unanswered while a service is down: the agent simply looks at the screen again.
 */
final class Agent implements Runnable {
    private static final Duration REPLY_WAIT = Duration.ofSeconds(12);
    /**
     * The block of numbers whose callers no agent claims. The number, not a list of call sids, marks them: it is on
     * the screen from the call's first frame, so no agent can click before being told.
     */
    static final String LEFT_RINGING = "+1556";

    /** A {@code take_voicemail} that was acknowledged: this agent had the voicemail at that moment. */
    record Take(String voicemailId, String agentId) {
    }

    /** A claim or retrieve that was acknowledged: this agent won the call at that moment. */
    record Win(String callSid, String agentId, String command, long atNanos) {
    }

    final Screen screen;
    private final TwilioSimulator twilio;
    private final Random dice;
    private final ConcurrentLinkedQueue<Win> wins;
    private final AtomicLong unanswered;
    private final ConcurrentLinkedQueue<Take> takes;
    private volatile boolean working = true;
    private String talkingOn;
    private long talkUntil;

    Agent(Screen screen, TwilioSimulator twilio, long seed, ConcurrentLinkedQueue<Win> wins, AtomicLong unanswered,
            ConcurrentLinkedQueue<Take> takes) {
        this.screen = screen;
        this.takes = takes;
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
            return; // my phone rings for a claimed or placed call, or I am consulted on a colleague's call
        }
        JsonNode consult = calls.stream().filter(c -> "consult".equals(text(c, "ringReason"))
                && screen.agentId.equals(text(c, "offeredTo"))).findFirst().orElse(null);
        if (consult != null && status.equals("available") && dice.nextInt(4) != 0) {
            ask(screen.command("claim", consult.get("callSid").asText())); // a colleague wants a word first
            return;
        }
        List<JsonNode> ringing = new ArrayList<>(calls.stream().filter(c -> "RINGING".equals(text(c, "state"))
                && (text(c, "offeredTo") == null || screen.agentId.equals(text(c, "offeredTo")))
                && !String.valueOf(text(c, "from")).startsWith(LEFT_RINGING)).toList());
        if (!ringing.isEmpty() && status.equals("available") || ringing.stream()
                .anyMatch(c -> screen.agentId.equals(text(c, "offeredTo")))) {
            // Most click the oldest ringing call, so they race for it; some pick another.
            JsonNode call = dice.nextInt(3) == 0 ? ringing.get(dice.nextInt(ringing.size())) : ringing.get(0);
            win("claim", call.get("callSid").asText());
            return;
        }
        if (voicemails()) {
            return;
        }
        List<JsonNode> parked = calls.stream().filter(c -> "PARKED".equals(text(c, "state"))).toList();
        if (!parked.isEmpty() && dice.nextInt(4) == 0) {
            win("retrieve", parked.get(dice.nextInt(parked.size())).get("callSid").asText());
        } else if (dice.nextInt(15) == 0) {
            callBack();
        }
    }

    /**
     * Between calls: marks a voicemail of mine done, or takes an open one (most the oldest, so agents race for it).
     * Whether it did either.
     */
    private boolean voicemails() throws InterruptedException {
        List<JsonNode> voicemails = screen.voicemails();
        JsonNode mine = voicemails.stream().filter(v -> screen.agentId.equals(text(v, "takenBy"))).findFirst()
                .orElse(null);
        if (mine != null) {
            if (dice.nextInt(30) != 0) {
                return false; // still listening, calling back (some are still at it when the suite ends)
            }
            ask(screen.voicemail("voicemail_done", mine.get("voicemailId").asText()));
            return true;
        }
        List<JsonNode> open = voicemails.stream().filter(v -> "open".equals(text(v, "state")))
                .sorted(java.util.Comparator.comparing(v -> java.time.Instant.parse(v.get("recordedAt").asText())))
                .toList();
        if (open.isEmpty() || dice.nextInt(8) != 0) {
            return false;
        }
        String id = (dice.nextInt(3) == 0 ? open.get(dice.nextInt(open.size())) : open.get(0)).get("voicemailId")
                .asText();
        JsonNode reply = ask(screen.voicemail("take_voicemail", id));
        if (reply != null && reply.get("type").asText().equals("ack")) {
            takes.add(new Take(id, screen.agentId));
        }
        return true;
    }

    /** Calls a customer back: most answer, some are busy, a few let it ring out. */
    private void callBack() throws InterruptedException {
        String number = String.format("+1555%07d", dice.nextInt(10_000_000));
        int odds = dice.nextInt(12);
        twilio.answerMode(number, odds < 2 ? AnswerMode.REJECT : odds < 3 ? AnswerMode.IGNORE : AnswerMode.AUTO);
        ask(screen.dial(number));
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
        JsonNode call = screen.calls().stream().filter(c -> callSid.equals(c.get("callSid").asText())).findFirst()
                .orElse(null);
        if (call != null && (text(call, "consultWith") != null || "consult".equals(text(call, "ringReason")))) {
            consulting(call);
            return;
        }
        if (call != null && call.path("onHold").asBoolean()) {
            ask(screen.command("unhold", callSid));
            talkUntil = now + Duration.ofSeconds(2).toNanos();
            return;
        }
        int choice = dice.nextInt(100);
        if (call != null && "outbound".equals(text(call, "direction"))) {
            endPlacedCall(callSid, choice);
            talkUntil = now + Duration.ofSeconds(3).toNanos();
            return;
        }
        String colleague = availableColleague();
        if (colleague != null && dice.nextInt(3) == 0) {
            // A colleague is free (rare on a busy floor): often worth handing the caller to.
            ask(screen.transfer(callSid, colleague, dice.nextBoolean() ? "cold" : "warm"));
        } else if (choice >= 88) {
            ask(screen.command("hold", callSid));
        } else if (choice < 30) {
            ask(screen.command("hangup", callSid));
        } else if (choice < 52) {
            if (dice.nextDouble() < FaultSuite.LOST_ENDS_RATE) {
                twilio.loseStatusCallbacks(callSid); // Twilio gives up on this call's end: only reconciliation sees it
            }
            twilio.hangup(callSid); // the caller hangs up
        } else if (choice < 60) {
            hangUpMyPhone(callSid);
        } else {
            ask(screen.command("park", callSid));
        }
        talkUntil = now + Duration.ofSeconds(3).toNanos(); // give it time to show before deciding again
    }

    /** A call I placed can be held and ended, not parked or transferred: the console offers no more. */
    private void endPlacedCall(String callSid, int choice) throws InterruptedException {
        if (choice >= 80) {
            ask(screen.command("hold", callSid));
        } else if (choice < 35) {
            ask(screen.command("hangup", callSid));
        } else if (choice < 65) {
            String number = twilio.conference(callSid).participant(VoiceWebhooks.CALLER_LABEL).orElseThrow().callSid();
            if (dice.nextDouble() < FaultSuite.LOST_ENDS_RATE) {
                twilio.loseStatusCallbacks(number);
            }
            twilio.hangup(number); // the customer hangs up
        } else {
            hangUpMyPhone(callSid);
        }
    }

    /**
     * A warm transfer of mine is under way: once the colleague answered I hand the caller over or take them back;
     * sometimes I give up waiting, or hang up on my phone (the colleague keeps the caller).
     */
    private void consulting(JsonNode call) throws InterruptedException {
        String callSid = call.get("callSid").asText();
        String colleague = text(call, "consultWith");
        JsonNode them = colleague == null ? null : screen.agent(colleague);
        boolean talking = them != null && callSid.equals(them.path("currentCall").path("callSid").asText(null));
        int choice = dice.nextInt(10);
        if (talking && choice < 6) {
            ask(screen.command("complete_transfer", callSid));
        } else if (choice < 8) {
            ask(screen.command(talking || choice < 7 ? "cancel_transfer" : "complete_transfer", callSid));
        } else if (choice == 8) {
            hangUpMyPhone(callSid);
        }
        talkUntil = System.nanoTime() + Duration.ofSeconds(2).toNanos();
    }

    /** The agent hangs up on their phone: their leg into the call's conference ends. */
    private void hangUpMyPhone(String callSid) {
        String device = "client:" + io.switchboard.contract.ClientIdentity.of(screen.tenant, screen.agentId);
        twilio.conference(callSid).participants().stream()
                .filter(p -> p.active() && device.equals(p.device())).reduce((earlier, later) -> later)
                .ifPresent(p -> twilio.hangup(p.callSid()));
    }

    /** A colleague my screen shows online and available, or null. */
    private String availableColleague() {
        List<JsonNode> free = screen.agents().stream().filter(a -> !screen.agentId.equals(a.get("id").asText())
                && "online".equals(text(a, "presence")) && "available".equals(text(a, "status"))).toList();
        return free.isEmpty() ? null : free.get(dice.nextInt(free.size())).get("id").asText();
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
