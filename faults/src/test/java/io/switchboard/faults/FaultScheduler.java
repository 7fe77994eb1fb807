package io.switchboard.faults;

import io.switchboard.stack.GatewayReplica;
import io.switchboard.stack.Stack;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Kills one part of the system at a time ({@code kill -9}: the process gets no chance to finish anything), leaves it
 * down — a service for a moment, as a pod restarts; Kafka or PostgreSQL for 20–60 s, longer than Twilio waits for
 * any webhook — and starts it again on the same port and data, at random moments from a seeded dice. Every kind of fault
 * comes once before any comes again, so even a short run hits each.
 */
final class FaultScheduler implements Runnable {
    enum Fault {
        CALL_INGEST, CALL_STATE, GATEWAY, SECOND_GATEWAY, KAFKA, POSTGRES,
        /**
         * Twilio's REST API goes down (503) and call-state, deciding on, is killed while its decisions' Twilio actions
         * are stored and not done — between a decision's commit and its Twilio action; the API is back with it.
         */
        CALL_STATE_BEFORE_ITS_TWILIO_ACTIONS
    }

    /** How long Twilio's API is down before call-state is killed: decisions meanwhile leave actions undone. */
    private static final Duration API_DOWN_BEFORE_KILL = Duration.ofMillis(1500);

    /** One fault as it happened, for the report and for reading the logs next to it. */
    record Injected(Fault fault, Instant killedAt, Duration down, Duration backAfter) {
    }

    private final Stack stack;
    private final GatewayReplica secondGateway;
    private final Random dice;
    private final Duration every;
    private final List<Fault> bag = new ArrayList<>();
    private final List<Injected> injected = Collections.synchronizedList(new ArrayList<>());
    private volatile boolean running = true;
    private volatile Throwable failure;

    private final Duration outageMin;
    private final Duration outageMax;

    FaultScheduler(Stack stack, GatewayReplica secondGateway, long seed, Duration every, Duration outageMin,
            Duration outageMax) {
        this.outageMin = outageMin;
        this.outageMax = outageMax;
        this.stack = stack;
        this.secondGateway = secondGateway;
        this.dice = new Random(seed);
        this.every = every;
    }

    /** Ends the schedule; a fault under way is finished (the part is started again) first. */
    void stop() {
        running = false;
    }

    @Override
    public void run() {
        try {
            while (running) {
                long wait = every.toMillis() / 2 + (long) (dice.nextDouble() * every.toMillis());
                long until = System.currentTimeMillis() + wait;
                while (running && System.currentTimeMillis() < until) {
                    Thread.sleep(100); // waiting for the dice's moment, stoppable
                }
                if (!running) {
                    return;
                }
                Fault fault = next();
                boolean outage = fault == Fault.KAFKA || fault == Fault.POSTGRES;
                inject(fault, outage
                        ? outageMin.plusMillis(dice.nextInt((int) outageMax.minus(outageMin).toMillis() + 1))
                        : Duration.ofMillis(300 + dice.nextInt(3_000)));
            }
        } catch (Throwable e) {
            failure = e;
        }
    }

    private Fault next() {
        if (bag.isEmpty()) {
            bag.addAll(List.of(Fault.values()));
            Collections.shuffle(bag, dice);
        }
        return bag.remove(bag.size() - 1);
    }

    private void inject(Fault fault, Duration down) throws Exception {
        if (fault == Fault.CALL_STATE_BEFORE_ITS_TWILIO_ACTIONS) {
            stack.simulator().apiDown(true);
            Thread.sleep(API_DOWN_BEFORE_KILL.toMillis());
        }
        Instant killedAt = Instant.now();
        System.out.printf("fault: kill -9 %s at %s, down for %d ms%n", fault, killedAt, down.toMillis());
        switch (fault) {
            case CALL_INGEST -> stack.kill(Stack.Service.CALL_INGEST);
            case CALL_STATE, CALL_STATE_BEFORE_ITS_TWILIO_ACTIONS -> stack.kill(Stack.Service.CALL_STATE);
            case GATEWAY -> stack.kill(Stack.Service.PRESENCE_GATEWAY);
            case SECOND_GATEWAY -> secondGateway.kill();
            case KAFKA -> stack.killKafka();
            case POSTGRES -> stack.killPostgres();
        }
        Thread.sleep(down.toMillis()); // the part stays dead this long
        switch (fault) {
            case CALL_INGEST -> stack.start(Stack.Service.CALL_INGEST);
            case CALL_STATE -> stack.start(Stack.Service.CALL_STATE);
            case CALL_STATE_BEFORE_ITS_TWILIO_ACTIONS -> {
                stack.simulator().apiDown(false);
                stack.start(Stack.Service.CALL_STATE);
            }
            case GATEWAY -> stack.start(Stack.Service.PRESENCE_GATEWAY);
            case SECOND_GATEWAY -> secondGateway.start();
            case KAFKA -> stack.startKafka();
            case POSTGRES -> stack.startPostgres();
        }
        Duration back = Duration.between(killedAt, Instant.now());
        injected.add(new Injected(fault, killedAt, down, back));
        System.out.printf("fault: %s back after %d ms%n", fault, back.toMillis());
    }

    /** Whether every kind of fault has been injected at least once. */
    boolean everyKindInjected() {
        return counts().values().stream().allMatch(n -> n > 0);
    }

    List<Injected> injected() {
        return List.copyOf(injected);
    }

    /** Whether {@code fault} was down at {@code at}: killed and not yet back. */
    boolean down(Fault fault, Instant at) {
        return injected().stream().anyMatch(i -> i.fault() == fault && !at.isBefore(i.killedAt())
                && at.isBefore(i.killedAt().plus(i.backAfter())));
    }

    Map<Fault, Integer> counts() {
        Map<Fault, Integer> counts = new EnumMap<>(Fault.class);
        for (Fault f : Fault.values()) {
            counts.put(f, 0);
        }
        injected().forEach(i -> counts.merge(i.fault(), 1, Integer::sum));
        return counts;
    }

    /** A fault that could not be carried out (a part that did not come back) fails the run. */
    Throwable failure() {
        return failure;
    }
}
