// The agent console: signs in, keeps one WebSocket to /agent/ws, draws the Board and sends commands.
import {Board, elapsed} from './board.js';
import {Ringer} from './ringer.js';
import {Softphone} from './softphone.js';

const $ = id => document.getElementById(id);
const params = new URLSearchParams(location.search);
const tenant = params.get('tenant') || 'acme';
const RECONNECT_PAUSE_MS = [250, 1000, 2000, 5000];
const TOO_SLOW_PAUSE_MS = 5000;

let token = null;
let board = null;
let socket = null;
let attempts = 0;
let requests = 0;
let signedOut = false;
const ringer = new Ringer();
const claims = new Map(); // requestId -> {callSid, from} of my claims and retrieves awaiting the gateway's answer
const softphone = new Softphone({agentToken: () => token, board: () => board, onState: setAudio});

// ---- sign in ----------------------------------------------------------------------------------------------------

async function start() {
  const fromFragment = new URLSearchParams(location.hash.slice(1)).get('access_token');
  if (fromFragment) {
    history.replaceState(null, '', location.pathname + location.search); // keep the token out of the address bar
    return signIn(fromFragment);
  }
  const kept = sessionStorage.getItem('switchboard.token');
  if (kept) return signIn(kept);
  await offerDevLogin();
}

/** The local stack's picker; without dev tokens (production) the gateway answers 404 and the picker stays hidden. */
async function offerDevLogin() {
  const res = await fetch(`dev/agents?tenant=${encodeURIComponent(tenant)}`).catch(() => null);
  if (!res || !res.ok) {
    $('login-help').hidden = false;
    return;
  }
  $('dev-tenant').textContent = tenant;
  const picker = $('agent-picker');
  picker.replaceChildren(...(await res.json()).map(agent => button(`Sign in as ${agent.name}`,
      `login-${agent.id}`, () => devLogin(agent.id))));
  $('dev-login').hidden = false;
  picker.querySelector('button')?.focus();
}

async function devLogin(agentId) {
  const res = await fetch(`dev/token?tenant=${encodeURIComponent(tenant)}&agent=${encodeURIComponent(agentId)}`);
  const body = await res.json().catch(() => ({}));
  if (!res.ok) {
    $('login-error').textContent = body.message || `Sign-in failed (${res.status})`;
    return;
  }
  ringer.unlock(); // a click: browsers let a page make sound only after one
  signIn(body.token);
}

function signIn(jwt) {
  token = jwt;
  signedOut = false;
  sessionStorage.setItem('switchboard.token', jwt);
  const claims = JSON.parse(atob(jwt.split('.')[1].replace(/-/g, '+').replace(/_/g, '/')));
  board = new Board(claims.sub);
  $('login').hidden = true;
  $('console').hidden = false;
  $('sign-out').hidden = false;
  $('status-toggle').hidden = false;
  connect();
  offerSimulator();
  softphone.start();
}

function signOut(message) {
  signedOut = true;
  sessionStorage.removeItem('switchboard.token');
  socket?.close(1000);
  ringer.stop();
  softphone.stop();
  $('console').hidden = true;
  $('login').hidden = false;
  $('sign-out').hidden = true;
  $('status-toggle').hidden = true;
  $('me').textContent = '';
  setConnection('signed out');
  $('login-error').textContent = message || '';
  offerDevLogin();
}

// ---- the socket -------------------------------------------------------------------------------------------------

function connect() {
  const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
  const since = board.seq === null ? '' : `&since=${board.seq}`;
  socket = new WebSocket(`${scheme}://${location.host}/agent/ws?access_token=${encodeURIComponent(token)}${since}`);
  const mine = socket;
  setConnection(board.seq === null ? 'connecting' : 'reconnecting');
  mine.onmessage = event => {
    if (mine !== socket) return;
    const frame = JSON.parse(event.data);
    if (frame.type === 'ack' || frame.type === 'error') {
      const claimed = claims.get(frame.requestId);
      claims.delete(frame.requestId);
      if (frame.type === 'error') return notify(frame.message || frame.code);
      if (claimed) softphone.acknowledged(claimed.callSid, claimed.from);
      return;
    }
    const outcome = board.apply(frame);
    if (frame.type === 'snapshot') {
      attempts = 0;
      setConnection('live');
    } else if (outcome === 'gap') {
      // A change went missing: reconnect from what we have; the gateway replays or sends a resync snapshot.
      mine.close(4000, 'gap');
      return;
    } else if (outcome === 'applied') {
      attempts = 0;
      setConnection('live');
    }
    render();
  };
  mine.onopen = () => {
    // On a resume the gateway sends nothing until the next change: the open socket is the sign we are live.
    if (board.seq !== null) setConnection('live');
  };
  mine.onclose = event => {
    if (mine !== socket || signedOut) return;
    if (event.code === 4403) return signOut('Your tenant deactivated this agent.');
    if (event.code === 4401 && !sessionStorage.getItem('switchboard.token')) return signOut('Your session expired.');
    setConnection('reconnecting');
    const pause = event.code === 4429 || event.code === 1011 ? TOO_SLOW_PAUSE_MS
        : RECONNECT_PAUSE_MS[Math.min(attempts, RECONNECT_PAUSE_MS.length - 1)];
    attempts++;
    setTimeout(() => {
      if (mine === socket && !signedOut) {
        // A refused upgrade (expired or revoked token) shows as a close before open: sign in again.
        if (event.code === 1006 && attempts > 5) return signOut('Cannot reach the gateway with this sign-in.');
        connect();
      }
    }, pause);
  };
}

function send(type, fields) {
  if (!socket || socket.readyState !== WebSocket.OPEN) return notify('Not connected: try again in a moment.');
  const requestId = `r${++requests}`;
  // The softphone matches the leg that will ring by the caller's number: note it now, while the board shows the call.
  if (type === 'claim' || type === 'retrieve') {
    claims.set(requestId, {callSid: fields.callSid, from: board.calls.get(fields.callSid)?.from});
  }
  socket.send(JSON.stringify({type, requestId, ...fields}));
}

function setConnection(state) {
  const el = $('connection');
  el.textContent = state;
  el.dataset.state = state;
}

const AUDIO = {
  off: ['no audio', 'Twilio Voice is not configured: calls are answered on the agents\' own phones or the simulator'],
  starting: ['audio…', 'Connecting the softphone to Twilio'],
  ready: ['audio ready', 'The softphone answers the calls you claim'],
  'on-call': ['audio on', 'You are talking through this browser'],
  error: ['audio problem', ''],
};

function setAudio(state, detail) {
  const el = $('audio');
  const [label, title] = AUDIO[state];
  el.textContent = label;
  el.title = detail || title;
  el.dataset.state = state;
  el.hidden = !token || signedOut;
}

let noticeTimer = null;
function notify(message) {
  $('notice').textContent = message;
  clearTimeout(noticeTimer);
  noticeTimer = setTimeout(() => { $('notice').textContent = ''; }, 8000);
}

// ---- drawing ----------------------------------------------------------------------------------------------------

function render() {
  const focused = document.activeElement?.dataset?.focusKey;
  const me = board.myself();
  $('me').textContent = me ? me.name : board.me;
  const toggle = $('status-toggle');
  const away = me?.status === 'away';
  toggle.textContent = away ? 'Set available' : 'Set away';
  toggle.disabled = !me || me.status === 'busy';
  toggle.dataset.status = me?.status ?? '';

  const ringing = board.ringing();
  $('ringing').replaceChildren(...(ringing.length ? ringing.map(call => {
    const forMe = board.ringsForMe(call);
    return item(`ringing-${call.callSid}`, 'ringing-call', forMe ? 'rings' : '',
        text('strong', call.from),
        text('span', ringLabel(call, forMe)),
        timer(call.startedAt),
        forMe ? button('Answer', 'answer', () => send('claim', {callSid: call.callSid}), `answer-${call.callSid}`) : '');
  }) : [empty('No calls ringing')]));
  $('ring-stopped').replaceChildren(...board.ringStops.filter(s => Date.now() - s.at < 15000).map(s =>
      item(`stopped-${s.callSid}`, 'ring-stopped-call', '', text('span', `${s.from}: ${s.why}`))));
  ringer.ring(ringing.some(call => board.ringsForMe(call)));

  const mine = board.myCall();
  $('my-call').replaceChildren(mine ? item('my-call-row', 'my-call-row', 'call',
      text('strong', mine.from),
      text('span', mine.state === 'CONNECTED' ? 'on the call' : 'connecting your phone…'),
      timer(mine.answeredAt),
      button('Hang up', 'hangup', () => send('hangup', {callSid: mine.callSid}), 'hangup'),
      button('Park', 'park', () => send('park', {callSid: mine.callSid}), 'park', mine.state !== 'CONNECTED'))
      : empty('Not on a call'));

  $('team').replaceChildren(...board.team().map(agent => item(`agent-${agent.id}`, `agent-${agent.id}`, agent.presence,
      text('strong', agent.name + (agent.id === board.me ? ' (you)' : '')),
      badge(agent.presence, 'presence'),
      badge(statusLabel(agent.status), 'status', agent.status),
      agent.currentCall ? text('span', agent.currentCall.phoneNumber, 'number') : '',
      agent.currentCall ? timer(agent.currentCall.answeredAt) : '')));

  const lot = board.parked();
  const free = !board.myCall();
  $('parking-lot').replaceChildren(...(lot.length ? lot.map(call => item(`slot-${call.slot}`, `slot-${call.slot}`, 'parked',
      text('strong', String(call.slot), 'slot'),
      text('span', call.from, 'number'),
      text('span', call.state === 'PARKED' ? `parked by ${board.name(call.parkedBy)} for`
          : `being retrieved by ${board.name(call.agentId)}`),
      call.state === 'PARKED' ? timer(call.parkedAt) : '',
      call.state === 'PARKED' ? button('Retrieve', 'retrieve', () => send('retrieve', {callSid: call.callSid}),
          `retrieve-${call.callSid}`, !free) : '')) : [empty('The lot is empty')]));

  $('recent-calls').replaceChildren(...(board.recent.length ? board.recent.map(call => item(`recent-${call.callSid}`,
      'recent-call', '', text('span', call.from, 'number'),
      text('span', call.agentName ? `with ${call.agentName}` : 'not answered'),
      text('time', new Date(call.endedAt).toLocaleTimeString()))) : [empty('None since you opened this page')]));

  renderSimulatedCalls();
  // The seq this picture shows: lets a person (or a browser test) tell which change a screen has reached.
  document.body.dataset.seq = board.seq;
  if (focused) document.querySelector(`[data-focus-key="${CSS.escape(focused)}"]`)?.focus();
}

function ringLabel(call, forMe) {
  if (call.ringReason === 'park_timeout') return call.offeredTo ? `back from the lot for ${board.name(call.offeredTo)}`
      : 'back from the lot';
  if (call.ringReason) return `ringing again (${call.ringReason.replace(/_/g, ' ')})`;
  return forMe ? 'ringing' : 'ringing (you are not available)';
}

function statusLabel(status) {
  return {available: 'available', away: 'away', busy: 'on a call', wrap_up: 'wrap-up'}[status] ?? status;
}

// Timers are spans the one-second tick rewrites, so a redraw is needed only when the picture changes.
function timer(since) {
  const el = text('span', elapsed(since), 'timer');
  el.dataset.since = since ?? '';
  el.dataset.testid = 'timer';
  return el;
}

setInterval(() => {
  for (const el of document.querySelectorAll('[data-since]')) el.textContent = elapsed(el.dataset.since);
  if (board && board.ringStops.some(s => Date.now() - s.at >= 15000 && Date.now() - s.at < 16000)) render();
}, 1000);

function item(key, testid, cls, ...children) {
  const li = document.createElement('li');
  li.dataset.testid = testid;
  li.dataset.key = key;
  if (cls) li.className = cls;
  li.append(...children.filter(c => c !== ''));
  return li;
}

function text(tag, content, cls) {
  const el = document.createElement(tag);
  el.textContent = content ?? '';
  if (cls) el.className = cls;
  return el;
}

function badge(content, testid, cls) {
  const el = text('span', content, `badge ${cls ?? content}`);
  el.dataset.testid = testid;
  return el;
}

function button(label, testid, onClick, focusKey, disabled) {
  const b = document.createElement('button');
  b.type = 'button';
  b.textContent = label;
  b.dataset.testid = testid;
  if (focusKey) b.dataset.focusKey = focusKey;
  b.disabled = !!disabled;
  b.addEventListener('click', onClick);
  return b;
}

function empty(message) {
  const li = text('li', message, 'empty');
  li.dataset.testid = 'empty';
  return li;
}

// ---- the simulator (local stack only) ---------------------------------------------------------------------------

let simulator = null;

async function offerSimulator() {
  const res = await fetch(`dev/simulator?tenant=${encodeURIComponent(tenant)}`).catch(() => null);
  if (!res || !res.ok) return; // production, or real Twilio: no panel
  simulator = await res.json();
  $('dialled-number').replaceChildren(...simulator.numbers.map(n => Object.assign(document.createElement('option'),
      {value: n, textContent: n})));
  $('simulate').hidden = false;
  renderSimulatedCalls();
}

$('place-call').addEventListener('submit', async event => {
  event.preventDefault();
  const res = await fetch('dev/simulator/calls', {method: 'POST', headers: {'Content-Type': 'application/json'},
    body: JSON.stringify({from: $('caller-number').value.trim(), to: $('dialled-number').value})});
  if (!res.ok) notify(`The simulator refused the call: ${(await res.text()) || res.status}`);
});

function renderSimulatedCalls() {
  if (!simulator || !board) return;
  const calls = [...board.calls.values()];
  $('simulated-calls').replaceChildren(...(calls.length ? calls.map(call => item(`sim-${call.callSid}`,
      'simulated-call', '', text('span', `${call.from} (${call.state.toLowerCase()})`),
      button('Caller hangs up', 'caller-hangup', async () => {
        const res = await fetch(`dev/simulator/calls/${encodeURIComponent(call.callSid)}/hangup`, {method: 'POST'});
        if (!res.ok) notify(`The simulator could not hang up: ${(await res.text()) || res.status}`);
      }, `caller-hangup-${call.callSid}`))) : [empty('No calls')]));
}

// ---- header -----------------------------------------------------------------------------------------------------

$('status-toggle').addEventListener('click', () => {
  ringer.unlock();
  send('status', {status: board.myself()?.status === 'away' ? 'available' : 'away'});
});
$('sign-out').addEventListener('click', () => signOut());

start();
