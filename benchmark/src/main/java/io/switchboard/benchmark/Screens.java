package io.switchboard.benchmark;

import java.util.List;
import java.util.concurrent.atomic.LongAdder;

/**
 * Every agent's frames, on the fleet's event loops: which agents have their snapshot (the screens a change must
 * reach), then whatever the phase running now does with the frames of that agent's tenant
 * ({@link CallLoad.Tenant#watcher}). The agents connect once; the phases (calls at each Twilio latency, claim
 * storms) take turns watching them.
 */
final class Screens implements Fleet.Frames {
    final LongAdder allFrames = new LongAdder();

    /** From now on {@code watcher} sees every frame of these tenants' agents. */
    static void watch(List<CallLoad.Tenant> tenants, Fleet.Frames watcher) {
        tenants.forEach(t -> t.watcher = watcher);
    }

    @Override
    public void onText(Fleet.Socket socket, String text, long now) {
        CallLoad.Agent agent = (CallLoad.Agent) socket.owner;
        allFrames.increment();
        if (!agent.snapshot && text.startsWith("{\"type\":\"snapshot\"")) {
            agent.snapshot = true;
            agent.tenant.ready.incrementAndGet();
        }
        Fleet.Frames watcher = agent.tenant.watcher;
        if (watcher != null) {
            watcher.onText(socket, text, now);
        }
    }
}
