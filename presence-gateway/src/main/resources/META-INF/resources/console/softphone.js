// The softphone: Twilio's Voice JavaScript SDK (console/vendor/twilio.min.js, installed by the build), on when the
// gateway issues Twilio access tokens. It answers only the leg of the call this agent just claimed or retrieved; the
// leg names its call in a custom parameter (call-state's <Dial><Client><Parameter>), and any other leg is rejected.

const CALL_SID_PARAMETER = 'switchboardCallSid';
/** The leg can reach the browser before the claim's change does: how long to wait for the board to catch up. */
const BOARD_CATCH_UP_MS = 3000;
const ACK_KEPT_MS = 30000;

/**
 * Whether to answer a leg for {@code callSid}: the board shows the call claimed by me and not yet connected, or the
 * gateway acknowledged my claim or retrieve of it and the board has not caught up (the call still rings, sits in its
 * slot, or has not arrived). Anything else, another agent's call, a call I already talk on, no call named, is refused.
 */
export function answers(callSid, board, acked) {
  if (!callSid) return false;
  const call = board.calls.get(callSid);
  if (call && (call.state === 'CLAIMED' || call.state === 'CONNECTED')) {
    return call.state === 'CLAIMED' && call.agentId === board.me;
  }
  return acked.has(callSid);
}

export class Softphone {
  /**
   * @param agentToken () => the agent's JWT, for the token endpoint
   * @param board () => the current Board
   * @param onState (state, detail) => void: 'off', 'starting', 'ready', 'on-call', 'error'
   */
  constructor({agentToken, board, onState}) {
    this.agentToken = agentToken;
    this.board = board;
    this.onState = onState;
    this.acked = new Map(); // callSid -> when the gateway acknowledged my claim or retrieve
    this.device = null;
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
    device?.destroy();
    this.onState('off');
  }

  /** The gateway acknowledged my claim or retrieve of this call: its leg is about to ring here. */
  acknowledged(callSid) {
    const now = Date.now();
    for (const [sid, at] of this.acked) if (now - at > ACK_KEPT_MS) this.acked.delete(sid);
    this.acked.set(callSid, now);
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
    const callSid = call.customParameters.get(CALL_SID_PARAMETER);
    let cancelled = false;
    call.on('cancel', () => { cancelled = true; });
    const deadline = Date.now() + BOARD_CATCH_UP_MS;
    while (!answers(callSid, this.board(), this.ackedSids()) && Date.now() < deadline && !cancelled) {
      await new Promise(resolve => setTimeout(resolve, 100));
    }
    if (cancelled) return;
    if (!answers(callSid, this.board(), this.ackedSids())) {
      call.reject();
      return;
    }
    this.acked.delete(callSid);
    call.on('disconnect', () => this.device && this.onState('ready'));
    call.accept();
    this.onState('on-call');
  }

  ackedSids() {
    return new Set(this.acked.keys());
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
