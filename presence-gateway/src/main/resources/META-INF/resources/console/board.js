// The tenant's picture as the gateway streams it (docs/protocol.md): no DOM here, so the rules that decide what
// an agent sees (order by seq, who rings, why a ring stopped) stay in one place.

export class Board {
  constructor(me) {
    this.me = me;
    this.seq = null;          // null until the first snapshot: nothing to resume from
    this.agents = new Map();
    this.calls = new Map();
    this.voicemails = new Map(); // the tenant's voicemails not done, by voicemailId
    this.wallboard = null;    // the tenant's live figures: a supervisor's screen only (docs/protocol.md)
    this.ringStops = [];      // {callSid, from, why, at}: why a call stopped ringing on this screen
  }

  /**
   * Applies one server frame. Returns "gap" when a change is missing (the caller resumes with ?since=),
   * "stale" for a frame already applied, "applied" otherwise.
   */
  apply(frame, now = Date.now()) {
    if (frame.type === 'snapshot') {
      // A resync replaces the picture; so does the first one. A snapshot after a resume we asked for is older than
      // what we have when its seq is behind ours: the replay that follows brings us forward.
      if (this.seq !== null && !frame.resync && frame.seq <= this.seq) return 'stale';
      this.agents = new Map(frame.agents.map(a => [a.id, a]));
      this.calls = new Map(frame.calls.map(c => [c.callSid, c]));
      this.voicemails = new Map((frame.voicemails ?? []).map(v => [v.voicemailId, v]));
      this.wallboard = frame.wallboard ?? null;
      this.seq = frame.seq;
      return 'applied';
    }
    // Every numbered frame is a change and takes its place in the order, even of a type this console does not show:
    // skipping its seq would look like a gap.
    if (typeof frame.seq !== 'number' || frame.type === 'probe') return 'stale';
    if (this.seq === null || frame.seq <= this.seq) return 'stale';
    if (frame.seq !== this.seq + 1) return 'gap';
    this.seq = frame.seq;
    if (frame.type === 'wallboard') {
      // Other screens get the seq alone: it keeps their order, and they show no figures.
      if (frame.wallboard) this.wallboard = frame.wallboard;
    } else if (frame.type === 'agent') {
      this.agents.set(frame.agent.id, frame.agent);
    } else if (frame.type === 'agent_removed') {
      this.agents.delete(frame.agentId);
    } else if (['signed_out', 'tenant'].includes(frame.type)) {
      // Nothing on the board: the gateway closes a signed-out agent's screens itself.
    } else if (frame.type === 'voicemail') {
      const voicemail = frame.voicemail;
      if (voicemail.state === 'done') this.voicemails.delete(voicemail.voicemailId);
      else this.voicemails.set(voicemail.voicemailId, voicemail);
    } else if (frame.type === 'ring_cancel') {
      const call = this.calls.get(frame.callSid);
      if (call && this.ringsForMe(call)) this.noteRingStop(call, cancelReason(frame, id => this.name(id)), now);
    } else if (frame.type === 'call') {
      this.applyCall(frame.call, now);
    }
    return 'applied';
  }

  applyCall(call, now) {
    const before = this.calls.get(call.callSid);
    // A ring_cancel normally says why first; a call that stops ringing for me without one (it left RINGING, a
    // consult was taken or withdrawn, a transfer rings someone else now) still stops, with the reason its new state
    // gives.
    if (before && this.ringsForMe(before) && !this.ringsForMe(call)
        && !this.ringStops.some(s => s.callSid === call.callSid && s.at >= (before.seenAt ?? 0))) {
      this.noteRingStop(before, stateReason(before, call, id => this.name(id)), now);
    }
    if (call.state === 'ENDED') this.calls.delete(call.callSid);
    else this.calls.set(call.callSid, {...call, seenAt: now});
  }

  noteRingStop(call, why, now) {
    this.ringStops.unshift({callSid: call.callSid, from: call.from, why, at: now});
    this.ringStops.length = Math.min(this.ringStops.length, 5);
  }

  name(agentId) {
    return this.agents.get(agentId)?.name ?? agentId;
  }

  myself() {
    return this.agents.get(this.me);
  }

  /**
   * The protocol's rule: a ringing call offered to me, or to everyone while I am available; and a colleague's consult
   * offered to me (a warm transfer: the call is theirs, CONNECTED, until I take it).
   */
  ringsForMe(call) {
    if (isConsultOffer(call)) return call.offeredTo === this.me;
    if (call.state !== 'RINGING') return false;
    if (call.offeredTo) return call.offeredTo === this.me;
    return this.myself()?.status === 'available';
  }

  /** What the Ringing panel lists: every ringing call, and a consult offered to me. */
  ringing() {
    return [...this.calls.values()].filter(c => c.state === 'RINGING' || (isConsultOffer(c) && c.offeredTo === this.me))
        .sort(byTime('startedAt'));
  }

  /**
   * Callers nobody answered in time (or who called outside business hours), while they are still on the line: leaving
   * a voicemail, or dialled on to the tenant's overflow number. Nobody can answer them here.
   */
  unanswered() {
    return [...this.calls.values()].filter(c => c.state === 'VOICEMAIL' || c.state === 'FORWARDED')
        .sort(byTime('startedAt'));
  }

  /** The open voicemails, oldest first (the caller who waited longest is called back first). */
  voicemailList() {
    return [...this.voicemails.values()].sort(byTime('recordedAt'));
  }

  parked() {
    return [...this.calls.values()].filter(c => c.state === 'PARKED' || (c.state === 'CLAIMED' && c.slot != null))
        .sort((a, b) => a.slot - b.slot);
  }

  /**
   * My call: the one I talk on, the one I claimed while my phone is being connected, or a colleague's call whose
   * consult I took (theirs until they complete the transfer).
   */
  myCall() {
    const current = this.myself()?.currentCall;
    if (current) return this.calls.get(current.callSid) ?? {callSid: current.callSid, from: current.phoneNumber,
      state: 'CONNECTED', answeredAt: current.answeredAt};
    return [...this.calls.values()].find(c => (c.agentId === this.me && (c.state === 'CLAIMED' || c.state === 'CONNECTED'))
        || (c.state === 'CONNECTED' && c.consultWith === this.me));
  }

  /** The call {@code agentId} talks on, as the board has it (null when they are on none). */
  callOf(agentId) {
    const current = this.agents.get(agentId)?.currentCall;
    return current ? this.calls.get(current.callSid) ?? null : null;
  }

  /**
   * The call {@code agentId} placed that is not answered yet (their phone, then the number, ringing): they are busy
   * with no current call until the number answers, so the team panel shows whom they are calling from this.
   */
  placing(agentId) {
    return [...this.calls.values()].find(c => c.direction === 'outbound' && c.agentId === agentId
        && c.state === 'CLAIMED') ?? null;
  }

  /** Colleagues a call can be transferred to now: online, available, not me (call-state has the last word). */
  transferTargets() {
    return this.team().filter(a => a.id !== this.me && a.presence === 'online' && a.status === 'available'
        && !a.currentCall);
  }

  team() {
    return [...this.agents.values()].sort((a, b) => a.name.localeCompare(b.name));
  }
}

export function cancelReason(frame, name) {
  switch (frame.reason) {
    case 'claimed': return `answered by ${name(frame.by)}`;
    case 'caller_hangup': return 'caller hung up';
    case 'timeout': return 'nobody answered within the wait limit';
    default: return frame.reason;
  }
}

/** The number of the person at the other end: the caller's, or the one the agent called. */
export function numberOf(call) {
  return call.direction === 'outbound' ? call.to : call.from;
}

/** A warm transfer's consult, still ringing for the colleague it is offered to. */
export function isConsultOffer(call) {
  return call.state === 'CONNECTED' && call.ringReason === 'consult' && !!call.offeredTo;
}

function stateReason(before, call, name) {
  switch (call.state) {
    case 'ENDED': return 'caller hung up';
    case 'CLAIMED': return `answered by ${name(call.agentId)}`;
    case 'CONNECTED':
      if (call.consultWith) return `answered by ${name(call.consultWith)}`;
      if (isConsultOffer(before)) return `${name(call.agentId)} cancelled the transfer`;
      return `answered by ${name(call.agentId)}`;
    case 'PARKED': return `parked in ${call.slot}`;
    case 'VOICEMAIL': return 'nobody answered in time: the caller leaves a voicemail';
    case 'FORWARDED': return 'nobody answered in time: forwarded to the overflow number';
    case 'RINGING': return call.offeredTo ? `offered to ${name(call.offeredTo)} now` : 'no longer ringing';
    default: return 'no longer ringing';
  }
}

function byTime(field) {
  return (a, b) => String(a[field] ?? '').localeCompare(String(b[field] ?? ''));
}

/** "m:ss" (or "h:mm:ss") since an ISO instant. */
export function elapsed(since, now = Date.now()) {
  if (!since) return '';
  return clock(Math.max(0, Math.floor((now - Date.parse(since)) / 1000)));
}

/** Whole seconds left until an ISO instant (0 once it passed); null without one. */
export function secondsLeft(until, now = Date.now()) {
  if (!until) return null;
  return Math.max(0, Math.ceil((Date.parse(until) - now) / 1000));
}

/** "m:ss" (or "h:mm:ss") of a number of seconds. */
export function clock(s) {
  const h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), sec = s % 60;
  const mm = h ? String(m).padStart(2, '0') : String(m);
  return (h ? `${h}:` : '') + `${mm}:${String(sec).padStart(2, '0')}`;
}
