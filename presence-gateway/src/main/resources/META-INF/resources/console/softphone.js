// The softphone: Twilio's Voice JavaScript SDK (console/vendor/twilio.min.js, installed by the build), on when the
// gateway issues Twilio access tokens. Calls meet in a Twilio conference: call-state adds the agent to it through
// Twilio's Participants API, so the leg that rings here carries no custom parameter naming its call. What it does
// carry is who calls: its From is the caller's number (call-state sets it), or, for a call the agent placed, the number
// they called. The softphone answers a leg only when this agent has a call with that number waiting for their phone,
// and rejects any other.

/** The From of a leg whose caller's number call-state did not know (TwilioCalls.UNKNOWN_CALLER). */
const UNKNOWN_CALLER = 'client:switchboard';
/** The leg can reach the browser before the claim's change does: how long to wait for the board to catch up. */
const BOARD_CATCH_UP_MS = 3000;
const ACK_KEPT_MS = 30000;

/**
 * Whether to answer a leg from {@code from} (the incoming call's From). Yes when the board shows a call with that
 * number waiting for my phone: CLAIMED by me (a claim, a retrieve, or a call I placed: Twilio rings me before the
 * number), or a colleague's call whose consult I took and that I do not talk on yet. Yes too when the gateway
 * acknowledged my claim of a call from that number ({@code acked}: callSid -> the caller's number) and the board has
 * not caught up (the call still rings, sits in its slot, still offers me the consult, or has not arrived). Anything
 * else — a call that is another agent's, one I already talk on, a leg from a number none of my calls has — is refused.
 */
export function answers(from, board, acked) {
  if (!from) return false;
  const calls = [...board.calls.values()];
  if (calls.some(call => sameCaller(legFrom(call), from) && waitsForMyPhone(call, board))) return true;
  for (const [callSid, number] of acked) {
    if (!sameCaller(number, from)) continue;
    const call = board.calls.get(callSid);
    if (!call || !claimSettled(call)) return true;
  }
  return false;
}

/**
 * The From of the leg that rings an agent for {@code call}: the caller's number; for a call the agent placed, the
 * number called (its own From is the tenant's number, which no leg to the agent carries).
 */
function legFrom(call) {
  return call.direction === 'outbound' ? call.to : call.from;
}

function waitsForMyPhone(call, board) {
  if (call.state === 'CLAIMED') return call.agentId === board.me;
  return call.state === 'CONNECTED' && call.consultWith === board.me
      && board.myself()?.currentCall?.callSid !== call.callSid;
}

/** The board shows what became of a claim: someone holds the call (a consult still on offer is not held yet). */
function claimSettled(call) {
  if (call.state === 'CLAIMED') return true;
  return call.state === 'CONNECTED' && !(call.ringReason === 'consult' && !call.consultWith);
}

function sameCaller(number, from) {
  return (number || UNKNOWN_CALLER) === from;
}

export class Softphone {
  /**
   * @param agentToken () => the agent's JWT, for the token endpoint
   * @param board () => the current Board
   * @param onState (state, detail) => void: 'off', 'starting', 'ready', 'on-call', 'error'
   * @param onCall () => void: the call in this browser began, ended, or was muted or unmuted
   */
  constructor({agentToken, board, onState, onCall = () => {}}) {
    this.agentToken = agentToken;
    this.board = board;
    this.onState = onState;
    this.onCall = onCall;
    this.acked = new Map(); // callSid -> {from, at}: my claims and retrieves the gateway acknowledged
    this.device = null;
    this.call = null;       // the leg this browser answered, while it lasts
  }

  async start() {
    this.onState('starting');
    const token = await this.fetchToken();
    if (!token) return;
    try {
      await loadSdk();
      const device = new window.Twilio.Device(token, {codecPreferences: ['opus', 'pcmu'], closeProtection: true});
      this.device = device;
      device.on('registered', () => this.onState('ready'));
      device.on('unregistered', () => this.device === device && this.onState('error', 'not registered with Twilio'));
      device.on('error', error => this.onState('error', error.message));
      device.on('incoming', call => this.incoming(call));
      device.on('tokenWillExpire', async () => {
        const fresh = await this.fetchToken();
        if (fresh && this.device === device) device.updateToken(fresh);
      });
      await device.register();
    } catch (error) {
      this.onState('error', error.message);
    }
  }

  stop() {
    const device = this.device;
    this.device = null;
    this.call = null;
    device?.destroy();
    this.onState('off');
    this.onCall();
  }

  /**
   * The gateway acknowledged my claim or retrieve of this call (or my taking its consult): a leg from {@code from},
   * the caller's number, is about to ring here.
   */
  acknowledged(callSid, from) {
    const now = Date.now();
    for (const [sid, ack] of this.acked) if (now - ack.at > ACK_KEPT_MS) this.acked.delete(sid);
    this.acked.set(callSid, {from: from ?? null, at: now});
  }

  /** A call is up in this browser: mute and the keypad apply to it. */
  active() {
    return !!(this.device && this.call);
  }

  muted() {
    return !!this.call?.isMuted();
  }

  mute(on) {
    this.call?.mute(on);
  }

  /** Hangs up this browser's leg (a colleague leaving a consult: the caller goes back to the agent). */
  hangUp() {
    this.call?.disconnect();
  }

  /** One DTMF digit (0-9, *, #) to the far end: a caller's menu, a colleague's voicemail. */
  sendDigits(digit) {
    this.call?.sendDigits(digit);
  }

  async fetchToken() {
    const res = await fetch('agent/voice-token', {headers: {Authorization: `Bearer ${this.agentToken()}`}})
        .catch(() => null);
    const body = res ? await res.json().catch(() => ({})) : {};
    if (res?.ok && body.enabled) return body.token;
    // Not enabled: no Twilio Voice on this gateway (the local stack's simulator answers for the agents).
    this.onState(res?.ok ? 'off' : 'error', body.message ?? 'cannot reach the gateway');
    return null;
  }

  async incoming(call) {
    const from = call.parameters?.From;
    let cancelled = false;
    call.on('cancel', () => { cancelled = true; });
    const deadline = Date.now() + BOARD_CATCH_UP_MS;
    while (!answers(from, this.board(), this.ackedNumbers()) && Date.now() < deadline && !cancelled) {
      await new Promise(resolve => setTimeout(resolve, 100));
    }
    if (cancelled) return;
    if (!answers(from, this.board(), this.ackedNumbers())) {
      call.reject();
      return;
    }
    for (const [sid, ack] of this.acked) if (sameCaller(ack.from, from)) this.acked.delete(sid);
    const over = () => {
      if (this.call !== call) return;
      this.call = null;
      if (this.device) this.onState('ready');
      this.onCall();
    };
    call.on('disconnect', over);
    call.on('mute', () => this.onCall());
    call.accept();
    this.call = call;
    this.onState('on-call');
    this.onCall();
  }

  ackedNumbers() {
    return new Map([...this.acked].map(([sid, ack]) => [sid, ack.from]));
  }
}

let sdk = null;

/** The SDK's browser bundle, loaded only when Twilio Voice is configured. */
function loadSdk() {
  sdk ??= new Promise((resolve, reject) => {
    const script = document.createElement('script');
    script.src = 'console/vendor/twilio.min.js';
    script.onload = resolve;
    script.onerror = () => reject(new Error('the Voice SDK did not load'));
    document.head.append(script);
  });
  return sdk;
}
