// The agent console: signs in, keeps one WebSocket to /agent/ws, draws the Board and sends commands.
import {AdminView} from './admin.js';
import {Board, clock, elapsed, isConsultOffer, numberOf, secondsLeft} from './board.js';
import {History, MISSED, outcomeLabel} from './history.js';
import {Ringer} from './ringer.js';
import {Softphone} from './softphone.js';
import {renderWallboard} from './wallboard.js';

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
let recentCalls = null; // the Recent calls panel's History (history.js)
const ringer = new Ringer();
const claims = new Map(); // requestId -> {callSid, from} of my claims and retrieves awaiting the gateway's answer
const dials = new Map();  // requestId -> the number of my dials awaiting the gateway's answer
const supervising = new Map(); // requestId -> what a supervisor's command does, for its error
let supervisor = false;   // the token's groups name supervisor: the wallboard and its commands are offered
// voicemailId -> {loading, audio, url, problem}: a played voicemail's audio element, kept across redraws (moved back
// into its row each time, so it goes on playing) until the voicemail leaves the list.
const players = new Map();
const softphone = new Softphone({agentToken: () => token, board: () => board, onState: setAudio,
  onCall: () => board && render()});
// The call controls' open panels, kept across redraws (every change redraws the page).
const tools = {
  transfer: null, // {callSid, to, mode} while the transfer picker is open
  keypad: false,  // the DTMF keypad is open
  digits: '',     // the digits sent on this call, shown under the keypad
  digitsCall: null,
};
const admin = new AdminView({root: $('admin'), toggle: $('admin-toggle'), token: () => token, board: () => board});
const KEYS = ['1', '2', '3', '4', '5', '6', '7', '8', '9', '*', '0', '#'];
const DIAL_KEYS = [...KEYS, '+'];

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
  admin.signedIn(claims);
  supervisor = Array.isArray(claims.groups) && claims.groups.includes('supervisor');
  $('wallboard-toggle').hidden = !supervisor;
  showWallboard(supervisor && sessionStorage.getItem('switchboard.wallboard') === 'on');
  recentCalls?.stop();
  recentCalls = new History({fetchPage: readHistory, onChange: () => board && render()});
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
  recentCalls?.stop();
  recentCalls = null;
  admin.signedOut();
  forgetPlayers(new Set());
  $('console').hidden = true;
  $('login').hidden = false;
  $('sign-out').hidden = true;
  $('status-toggle').hidden = true;
  $('wallboard-toggle').hidden = true;
  showWallboard(false);
  $('me').textContent = '';
  setConnection('signed out');
  $('login-error').textContent = message || '';
  offerDevLogin();
}

/** One page of the call history (docs/protocol.md, "Call history"); throws with what a person can read. */
async function readHistory(params) {
  const res = await fetch(`api/calls?${new URLSearchParams(params)}`, {headers: {Authorization: `Bearer ${token}`}})
      .catch(() => null);
  if (!res) throw new Error('the gateway did not answer');
  const body = await res.json().catch(() => null);
  if (!res.ok) throw new Error(`${body?.message ?? 'refused'} (${res.status})`);
  if (!body || !Array.isArray(body.calls)) throw new Error('the gateway answered something else than a page of calls');
  return body;
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
      const dialled = dials.get(frame.requestId);
      dials.delete(frame.requestId);
      const supervised = supervising.get(frame.requestId);
      supervising.delete(frame.requestId);
      if (supervised) {
        $('wb-problem').textContent = frame.type === 'error' ? refusal(supervised, frame) : '';
        if (frame.type === 'error') return;
      }
      // A refused number stays in the dial pad, to be corrected.
      if (frame.type === 'error') return notify(frame.message || frame.code);
      if (claimed) softphone.acknowledged(claimed.callSid, claimed.from);
      if (dialled && typed() === dialled) $('dial-number').value = '';
      return;
    }
    const outcome = board.apply(frame);
    if (frame.type === 'snapshot') {
      attempts = 0;
      setConnection('live');
      // The first picture reads today's calls; a later one (a resync) may follow calls that ended unseen.
      if (recentCalls.loaded) recentCalls.callEnded();
      else recentCalls.search($('history-text').value, [...board.agents.values()]);
    } else if (outcome === 'gap') {
      // A change went missing: reconnect from what we have; the gateway replays or sends a resync snapshot.
      mine.close(4000, 'gap');
      return;
    } else if (outcome === 'applied') {
      attempts = 0;
      setConnection('live');
      if (frame.type === 'call' && frame.call.state === 'ENDED') recentCalls.callEnded();
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
    if (event.code === 4409) return signOut('A supervisor signed you out.');
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

/** @param what for a supervisor's command, what it does: its error is said on the wallboard */
function send(type, fields, what) {
  if (!socket || socket.readyState !== WebSocket.OPEN) return notify('Not connected: try again in a moment.');
  const requestId = `r${++requests}`;
  // The softphone matches the leg that will ring by the caller's number: note it now, while the board shows the call.
  if (type === 'claim' || type === 'retrieve') {
    claims.set(requestId, {callSid: fields.callSid, from: board.calls.get(fields.callSid)?.from});
  }
  if (type === 'dial') dials.set(requestId, fields.to);
  if (what) supervising.set(requestId, what);
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
    const consult = isConsultOffer(call);
    return item(`ringing-${call.callSid}`, consult ? 'consult-call' : 'ringing-call', forMe ? 'rings' : '',
        text('strong', call.from),
        text('span', ringLabel(call, forMe), 'why'),
        consult ? timer(call.heldAt) : timer(call.startedAt),
        !consult && call.waitUntil ? countdown(call.waitUntil) : '',
        forMe ? button('Answer', 'answer', () => send('claim', {callSid: call.callSid}), `answer-${call.callSid}`) : '');
  }) : [empty('No calls ringing')]));
  $('ring-stopped').replaceChildren(...board.ringStops.filter(s => Date.now() - s.at < 15000).map(s =>
      item(`stopped-${s.callSid}`, 'ring-stopped-call', '', text('span', `${s.from}: ${s.why}`))));
  ringer.ring(ringing.some(call => board.ringsForMe(call)));
  $('unanswered').replaceChildren(...board.unanswered().map(call => item(`unanswered-${call.callSid}`,
      'unanswered-call', 'missed', text('strong', call.from ?? 'number withheld'),
      badge(call.state === 'VOICEMAIL' ? 'leaving a voicemail' : 'forwarded to the overflow number', 'call-state',
          'missed'),
      timer(call.startedAt, 'on the line '))));

  renderVoicemails();

  const mine = board.myCall();
  $('my-call').replaceChildren(mine ? myCallRow(mine) : empty('Not on a call'));
  renderCallTools(mine);
  // One call at a time: call-state refuses a dial from an agent on a call (agent_busy), so the page does not offer it.
  const free = !mine && me?.status !== 'busy';
  renderDialPad(free);

  $('team').replaceChildren(...board.team().map(agent => {
    const call = board.callOf(agent.id);
    const placing = agent.currentCall ? null : board.placing(agent.id);
    return item(`agent-${agent.id}`, `agent-${agent.id}`, agent.presence,
        text('strong', agent.name + (agent.id === board.me ? ' (you)' : '')),
        badge(agent.presence, 'presence'),
        badge(statusLabel(agent.status), 'status', agent.status),
        agent.currentCall ? text('span', agent.currentCall.phoneNumber, 'number') : '',
        placing ? text('span', `calling ${placing.to}…`, 'number') : '',
        outboundMark(call ?? placing),
        agent.currentCall ? timer(agent.currentCall.answeredAt) : '',
        call ? consultNote(call, agent.id) : '',
        call && call.onHold && call.agentId === agent.id ? holdTimer(call) : '');
  }));

  const lot = board.parked();
  $('parking-lot').replaceChildren(...(lot.length ? lot.map(call => item(`slot-${call.slot}`, `slot-${call.slot}`, 'parked',
      text('strong', String(call.slot), 'slot'),
      text('span', call.from, 'number'),
      text('span', call.state === 'PARKED' ? `parked by ${board.name(call.parkedBy)} for`
          : `being retrieved by ${board.name(call.agentId)}`),
      call.state === 'PARKED' ? timer(call.parkedAt) : '',
      call.state === 'PARKED' ? button('Retrieve', 'retrieve', () => send('retrieve', {callSid: call.callSid}),
          `retrieve-${call.callSid}`, !free) : '')) : [empty('The lot is empty')]));

  renderHistory(free);

  renderSimulatedCalls();
  admin.boardChanged();
  if (supervisor) renderWallboard(document, board.wallboard, board.me, send);
  // The seq this picture shows: lets a person (or a browser test) tell which change a screen has reached.
  document.body.dataset.seq = board.seq;
  if (focused) document.querySelector(`[data-focus-key="${CSS.escape(focused)}"]`)?.focus();
}

// ---- voicemails ---------------------------------------------------------------------------------------------------

/**
 * The tenant's voicemails not done, oldest first: who called, which number, when, how long; open or taken by whom.
 * Anyone may play one; Take sends take_voicemail (one agent wins; the others see the refusal in the notice bar), and
 * the agent who took it marks it Done, which removes it from every screen.
 */
function renderVoicemails() {
  const list = board.voicemailList();
  forgetPlayers(new Set(list.map(v => v.voicemailId)));
  $('voicemails').replaceChildren(...(list.length ? list.map(voicemailRow) : [empty('No voicemails')]));
}

function voicemailRow(v) {
  const id = v.voicemailId;
  const mine = v.state === 'taken' && v.takenBy === board.me;
  const state = v.state === 'taken' ? `taken by ${mine ? 'you' : board.name(v.takenBy)}` : 'open';
  const player = players.get(id);
  const play = button(player?.loading ? 'Loading…' : 'Play', 'play', () => playVoicemail(v), `play-${id}`,
      player?.loading);
  play.setAttribute('aria-label', `Play the voicemail from ${v.from}`);
  const controls = [play];
  if (v.state === 'open') {
    const take = button('Take', 'take', () => send('take_voicemail', {voicemailId: id}), `take-${id}`);
    take.setAttribute('aria-label', `Take the voicemail from ${v.from}`);
    controls.push(take);
  }
  if (mine) {
    const done = button('Done', 'done', () => send('voicemail_done', {voicemailId: id}), `done-${id}`);
    done.setAttribute('aria-label', `Mark the voicemail from ${v.from} done`);
    controls.push(done);
  }
  const when = text('time', `at ${new Date(v.recordedAt).toLocaleTimeString()}`);
  when.dateTime = v.recordedAt;
  let problem = '';
  if (player?.problem) {
    problem = text('p', player.problem, 'problem');
    problem.dataset.testid = 'voicemail-problem';
    problem.setAttribute('role', 'alert');
  }
  return item(`voicemail-${id}`, 'voicemail', v.state,
      text('strong', v.from ?? 'number withheld', 'number'),
      text('span', `called ${v.to}`, 'number'),
      when,
      text('span', `${clock(v.durationSeconds ?? 0)} long`, 'timer'),
      badge(state, 'voicemail-state', v.state === 'taken' ? 'taken' : 'open'),
      ...controls, player?.audio ?? '', problem);
}

/**
 * An audio element cannot send the agent's token, so the page fetches the recording with it and plays the bytes from
 * an object URL.
 */
async function playVoicemail(v) {
  const id = v.voicemailId;
  const known = players.get(id);
  if (known?.audio) {
    known.audio.currentTime = 0;
    known.audio.play().catch(() => {}); // the controls are there to start it by hand
    return;
  }
  if (known?.loading) return;
  const player = {loading: true};
  players.set(id, player);
  render();
  const res = await fetch(`api/voicemails/${encodeURIComponent(id)}/audio`,
    {headers: {Authorization: `Bearer ${token}`}}).catch(() => null);
  player.loading = false;
  if (!res || !res.ok) {
    player.problem = await audioProblem(res);
    players.set(id, player);
    if (board) render();
    return;
  }
  const blob = await res.blob();
  if (players.get(id) !== player) return; // it left the list (done, or signed out) while the audio came
  player.url = URL.createObjectURL(blob);
  const audio = document.createElement('audio');
  audio.controls = true;
  audio.preload = 'auto';
  audio.src = player.url;
  audio.dataset.testid = 'voicemail-audio';
  audio.setAttribute('aria-label', `Voicemail from ${v.from}`);
  player.audio = audio;
  render();
  audio.play().catch(() => {});
}

async function audioProblem(res) {
  if (!res) return 'The recording could not be fetched: the gateway did not answer. Try Play again.';
  const said = await res.json().then(body => body?.message, () => null).catch(() => null);
  const detail = said ? ` ${said}` : '';
  switch (res.status) {
    case 404: return `This recording is not there (404): it was deleted, or is not this tenant's.${detail}`;
    case 503: return `Playback is not set up on this gateway (503): ask your administrator.${detail}`;
    case 502: return `Twilio did not hand over the recording just now (502): try Play again shortly.${detail}`;
    case 401: case 403: return `The gateway refused your sign-in for this recording (${res.status}).${detail}`;
    default: return `The recording could not be fetched (${res.status}).${detail}`;
  }
}

/** Lets go of the audio of voicemails no longer listed (done, or signed out), and of their object URLs. */
function forgetPlayers(keep) {
  for (const [id, player] of players) {
    if (keep.has(id)) continue;
    player.audio?.pause();
    if (player.url) URL.revokeObjectURL(player.url);
    players.delete(id);
  }
}

// ---- recent calls: the call history ------------------------------------------------------------------------------

function renderHistory(free) {
  const calls = recentCalls.calls;
  let status;
  if (recentCalls.loading && !recentCalls.loaded) status = 'Reading today\'s calls…';
  else if (!recentCalls.loaded) status = '';
  else status = `${calls.length} call${calls.length === 1 ? '' : 's'} ${recentCalls.label}, newest first`
      + (recentCalls.next ? ' (more below)' : '');
  $('history-status').textContent = status;
  const problem = $('history-problem');
  problem.textContent = recentCalls.problem ?? '';
  $('recent-calls').replaceChildren(...(calls.length ? calls.map(call => historyRow(call, free))
      : [empty(recentCalls.loaded ? 'No calls' : 'Reading…')]));
  const more = $('history-more');
  more.hidden = !recentCalls.next;
  more.disabled = recentCalls.loading;
}

function historyRow(call, free) {
  const number = numberOf(call);
  const missed = MISSED.has(call.outcome);
  const when = text('time', new Date(call.startedAt).toLocaleTimeString());
  when.dateTime = call.startedAt;
  return item(`recent-${call.callSid}`, 'recent-call', missed ? 'missed' : '',
      text('span', number ?? 'number withheld', 'number'),
      directionMark(call.direction),
      badge(outcomeLabel(call.outcome), 'outcome', missed ? 'missed' : call.outcome),
      call.agentId ? text('span', board.name(call.agentId), 'agent') : '',
      when,
      call.talkSeconds != null ? text('span', `talked ${clock(call.talkSeconds)}`, 'timer') : '',
      isPhoneNumber(number) ? callBack(call.callSid, number, !free) : '');
}

/** A number that can be called back: E.164, not a withheld caller ("anonymous") or a client: identity. */
function isPhoneNumber(number) {
  return /^\+[1-9]\d{5,14}$/.test(number ?? '');
}

function setUpHistory() {
  $('history-search').addEventListener('submit', event => {
    event.preventDefault();
    recentCalls?.search($('history-text').value, board ? [...board.agents.values()] : []);
  });
  $('history-more').addEventListener('click', () => recentCalls?.more());
}

// ---- my call and its controls -----------------------------------------------------------------------------------

/**
 * The row of the call I am on: what is happening, and the controls I have. The agent on the call holds, transfers,
 * parks and hangs up; during a warm transfer they complete or cancel it. A colleague who took a consult talks, the
 * call still the agent's. Mute and the keypad act on this browser's own leg, so they show only when the softphone has
 * one.
 */
function myCallRow(call) {
  const owner = call.agentId === board.me;
  const talking = call.state === 'CONNECTED';
  const consulting = talking && owner && (isConsultOffer(call) || !!call.consultWith);
  const sid = call.callSid;
  const controls = [];
  if (softphone.active()) {
    const muted = softphone.muted();
    const mute = button(muted ? 'Unmute' : 'Mute', 'mute', () => softphone.mute(!softphone.muted()), 'mute');
    mute.setAttribute('aria-pressed', String(muted));
    controls.push(mute, disclosure('Keypad', 'keypad-toggle', 'keypad', tools.keypad, () => {
      tools.keypad = !tools.keypad;
      render();
      if (tools.keypad) document.querySelector('#keypad button')?.focus();
    }));
  }
  // A call the agent placed is two legs in a conference, with no caller's call to move: call-state refuses to park or
  // transfer it, so neither is offered.
  const placed = call.direction === 'outbound';
  if (owner && talking && !consulting) {
    controls.push(call.onHold
        ? button('Resume', 'resume', () => send('unhold', {callSid: sid}), 'hold-toggle')
        : button('Hold', 'hold', () => send('hold', {callSid: sid}), 'hold-toggle'));
    if (!placed) {
      controls.push(disclosure('Transfer', 'transfer', 'transfer-picker', tools.transfer?.callSid === sid,
          () => tools.transfer ? closeTransfer() : openTransfer(sid)));
    }
  }
  if (consulting) {
    const colleague = call.consultWith ?? call.offeredTo;
    const ready = !!call.consultWith && board.agents.get(call.consultWith)?.currentCall?.callSid === sid;
    const complete = button('Complete transfer', 'complete-transfer',
        () => send('complete_transfer', {callSid: sid}), 'complete-transfer', !ready);
    complete.title = ready ? `Hand the caller to ${board.name(colleague)}`
        : `Possible once ${board.name(colleague)} is on the line`;
    controls.push(complete,
        button('Cancel transfer', 'cancel-transfer', () => send('cancel_transfer', {callSid: sid}), 'cancel-transfer'));
  }
  if (owner) {
    if (!placed) {
      controls.push(button('Park', 'park', () => send('park', {callSid: sid}), 'park', !talking || consulting));
    }
    controls.push(button('Hang up', 'hangup', () => send('hangup', {callSid: sid}), 'hangup'));
  } else if (softphone.active()) {
    // A colleague in a consult leaves by hanging up their own leg: the caller goes back to the agent.
    controls.push(button('Leave', 'leave-consult', () => softphone.hangUp(), 'leave-consult'));
  }
  return item('my-call-row', 'my-call-row', 'call',
      text('strong', numberOf(call)),
      outboundMark(call),
      text('span', myCallStatus(call, owner), 'why'),
      timer(call.answeredAt),
      call.onHold ? holdTimer(call) : '',
      ...controls);
}

function myCallStatus(call, owner) {
  // Twilio rings the agent's own phone first, then the number: the board cannot tell which rings now.
  if (call.direction === 'outbound') {
    if (call.state !== 'CONNECTED') return 'calling…';
    return call.onHold ? 'on hold' : 'on the call';
  }
  if (call.state !== 'CONNECTED') return 'connecting your phone…';
  if (!owner) return `consult with ${board.name(call.agentId)}: the caller waits on hold`;
  if (isConsultOffer(call)) return `waiting for ${board.name(call.offeredTo)} to take the transfer`;
  if (call.consultWith) {
    const on = board.agents.get(call.consultWith)?.currentCall?.callSid === call.callSid;
    return on ? `consulting ${board.name(call.consultWith)}` : `calling ${board.name(call.consultWith)}…`;
  }
  return call.onHold ? 'the caller is on hold' : 'on the call';
}

/** What the team panel says of a call being handed over: who consults whom. */
function consultNote(call, agentId) {
  if (call.agentId === agentId && isConsultOffer(call)) return text('span', `asking ${board.name(call.offeredTo)}`, 'consult');
  if (call.agentId === agentId && call.consultWith) return text('span', `consulting ${board.name(call.consultWith)}`, 'consult');
  if (call.consultWith === agentId) return text('span', `consulted by ${board.name(call.agentId)}`, 'consult');
  return '';
}

/** Marks a call an agent placed, wherever a call shows; a caller's call, the usual kind, goes unmarked. */
function outboundMark(call) {
  return call?.direction === 'outbound' ? directionMark('outbound') : '';
}

function directionMark(direction) {
  const outbound = direction === 'outbound';
  const el = text('span', '', 'direction');
  const arrow = text('span', outbound ? '↗' : '↙');
  arrow.setAttribute('aria-hidden', 'true'); // read as "north east arrow" otherwise; the word says it
  el.append(arrow, outbound ? ' outbound' : ' inbound');
  el.dataset.testid = 'direction';
  return el;
}

function holdTimer(call) {
  const el = timer(call.heldAt, 'on hold ');
  el.classList.add('held');
  el.dataset.testid = 'hold-timer';
  return el;
}

/** A button that opens and closes a panel, saying so to screen readers. */
function disclosure(label, testid, controls, open, onClick) {
  const b = button(label, testid, onClick, testid);
  b.setAttribute('aria-expanded', String(!!open));
  b.setAttribute('aria-controls', controls);
  return b;
}

function openTransfer(callSid) {
  tools.transfer = {callSid, to: board.transferTargets()[0]?.id ?? null, mode: 'cold'};
  render();
  // Into the picker, on the chosen colleague (arrow keys pick another), or on its first control when none is free.
  const picker = $('transfer-picker');
  (picker?.querySelector('input[name=transfer-to]:checked') ?? picker?.querySelector('input, button'))?.focus();
}

function closeTransfer() {
  tools.transfer = null;
  render();
  document.querySelector('[data-focus-key=transfer]')?.focus();
}

function closeKeypad() {
  tools.keypad = false;
  render();
  document.querySelector('[data-focus-key=keypad-toggle]')?.focus();
}

/** The transfer picker and the keypad, under my call; each closes with Escape, back to the button that opened it. */
function renderCallTools(mine) {
  const owner = mine && mine.state === 'CONNECTED' && mine.agentId === board.me;
  if (tools.transfer && !(owner && mine.callSid === tools.transfer.callSid && !mine.consultWith
      && !isConsultOffer(mine))) {
    tools.transfer = null;
  }
  if (!softphone.active()) tools.keypad = false;
  if (tools.digitsCall !== mine?.callSid) {
    tools.digits = '';
    tools.digitsCall = mine?.callSid ?? null;
  }
  $('call-tools').replaceChildren(...[tools.transfer ? transferPicker(mine) : '', tools.keypad ? keypad() : '']
      .filter(c => c !== ''));
}

function transferPicker(call) {
  const state = tools.transfer;
  const targets = board.transferTargets();
  if (!targets.some(a => a.id === state.to)) state.to = targets[0]?.id ?? null;
  const form = document.createElement('form');
  form.id = 'transfer-picker';
  form.className = 'tool';
  form.dataset.testid = 'transfer-picker';
  form.setAttribute('aria-labelledby', 'transfer-title');
  const title = text('h3', `Transfer ${call.from}`);
  title.id = 'transfer-title';
  const who = fieldset('To', targets.length ? targets.map(agent => radio('transfer-to', agent.id, agent.name,
      state.to === agent.id, () => { state.to = agent.id; }))
      : [text('p', 'No colleague is available right now.', 'quiet')]);
  const how = fieldset('How', [
    radio('transfer-mode', 'cold', 'Cold: hand the caller over now', state.mode === 'cold', () => { state.mode = 'cold'; }),
    radio('transfer-mode', 'warm', 'Warm: talk to them first, the caller on hold', state.mode === 'warm',
        () => { state.mode = 'warm'; }),
  ]);
  const go = button('Transfer', 'transfer-send', () => {}, 'transfer-send', !state.to);
  go.type = 'submit';
  const actions = document.createElement('div');
  actions.className = 'row';
  actions.append(go, button('Close', 'transfer-close', closeTransfer, 'transfer-close'));
  form.append(title, who, how, actions);
  form.addEventListener('submit', event => {
    event.preventDefault();
    if (!state.to) return;
    send('transfer', {callSid: state.callSid, to: state.to, mode: state.mode});
    closeTransfer();
  });
  return form;
}

function keypad() {
  const pad = document.createElement('div');
  pad.id = 'keypad';
  pad.className = 'tool';
  pad.dataset.testid = 'keypad';
  pad.setAttribute('role', 'group');
  pad.setAttribute('aria-label', 'Keypad: sends tones to the call');
  const keys = document.createElement('div');
  keys.className = 'keys';
  keys.append(...KEYS.map(key => button(key, `key-${key}`, () => dial(key), `key-${key}`)));
  const sent = text('p', tools.digits ? `Sent ${tools.digits}` : 'Type or press digits', 'quiet');
  sent.setAttribute('aria-live', 'polite');
  sent.dataset.testid = 'keypad-sent';
  pad.append(keys, sent, button('Close', 'keypad-close', closeKeypad, 'keypad-close'));
  pad.addEventListener('keydown', event => {
    if (KEYS.includes(event.key) && !event.ctrlKey && !event.metaKey && !event.altKey) {
      event.preventDefault();
      dial(event.key);
    }
  });
  return pad;
}

function dial(key) {
  softphone.sendDigits(key);
  tools.digits = (tools.digits + key).slice(-24);
  const sent = document.querySelector('[data-testid=keypad-sent]');
  if (sent) sent.textContent = `Sent ${tools.digits}`;
}

function fieldset(legend, children) {
  const set = document.createElement('fieldset');
  set.append(text('legend', legend), ...children);
  return set;
}

function radio(name, value, label, checked, onPick) {
  const wrap = document.createElement('label');
  const input = document.createElement('input');
  input.type = 'radio';
  input.name = name;
  input.value = value;
  input.checked = checked;
  input.dataset.testid = `${name}-${value}`;
  input.dataset.focusKey = `${name}-${value}`;
  input.addEventListener('change', () => input.checked && onPick());
  wrap.append(input, ` ${label}`);
  return wrap;
}

document.addEventListener('keydown', event => {
  if (event.key !== 'Escape') return;
  if (tools.transfer) closeTransfer();
  else if (tools.keypad) closeKeypad();
});

function ringLabel(call, forMe) {
  if (isConsultOffer(call)) return `${board.name(call.agentId)} wants to transfer this caller to you (the caller is on hold)`;
  if (call.ringReason === 'transfer') {
    const by = `transferred by ${board.name(call.transferredBy)}`;
    if (!call.offeredTo) return `${by}, not taken: for everyone`;
    const to = forMe ? 'you' : board.name(call.offeredTo);
    return call.offeredTo === call.transferredBy ? `${by}, not taken: back to ${to}` : `${by} to ${to}`;
  }
  if (call.ringReason === 'park_timeout') return call.offeredTo ? `back from the lot for ${board.name(call.offeredTo)}`
      : 'back from the lot';
  if (call.ringReason) return `ringing again (${call.ringReason.replace(/_/g, ' ')})`;
  return forMe ? 'ringing' : 'ringing (you are not available)';
}

function statusLabel(status) {
  return {available: 'available', away: 'away', busy: 'on a call', wrap_up: 'wrap-up'}[status] ?? status;
}

// Timers are spans the one-second tick rewrites, so a redraw is needed only when the picture changes.
function timer(since, prefix = '') {
  const el = text('span', prefix + elapsed(since), 'timer');
  el.dataset.since = since ?? '';
  el.dataset.prefix = prefix;
  el.dataset.testid = 'timer';
  return el;
}

/**
 * Seconds left before a ringing call reaches the tenant's wait limit (its waitUntil), counted down by the page's own
 * clock: no traffic. Words and colour both say it is close.
 */
function countdown(until) {
  const el = text('span', '', 'countdown');
  el.dataset.until = until;
  el.dataset.testid = 'wait-left';
  showLeft(el);
  return el;
}

function showLeft(el) {
  const left = secondsLeft(el.dataset.until);
  el.textContent = left > 0 ? `${left} s left to answer` : 'wait limit reached';
  el.classList.toggle('soon', left <= 10);
}

setInterval(() => {
  for (const el of document.querySelectorAll('[data-since]')) {
    el.textContent = (el.dataset.prefix ?? '') + elapsed(el.dataset.since);
  }
  for (const el of document.querySelectorAll('[data-until]')) showLeft(el);
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

// ---- placing calls: the dial pad and Call back -------------------------------------------------------------------

/**
 * The dial pad is in the page from the start (index.html); its keys add to the number, for a mouse or a touch screen.
 * Whether the number is one, and one the tenant may call, is call-state's to say: its refusal shows in the notice bar.
 */
function setUpDialPad() {
  const keys = $('dial-keys');
  keys.append(...DIAL_KEYS.map(key => button(key, `dial-key-${key}`, () => addToNumber(key))));
  const erase = button('⌫', 'dial-delete', () => {
    const input = $('dial-number');
    input.value = input.value.slice(0, -1);
  });
  erase.setAttribute('aria-label', 'Delete the last character');
  keys.append(erase);
  // With the focus on a key, typing still types: the keys would be a trap for someone who tabbed into them.
  keys.addEventListener('keydown', event => {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    if (DIAL_KEYS.includes(event.key)) {
      event.preventDefault();
      addToNumber(event.key);
    } else if (event.key === 'Backspace') {
      event.preventDefault();
      erase.click();
    }
  });
  $('dial').addEventListener('submit', event => {
    event.preventDefault();
    const to = typed();
    if (!to) {
      notify('Type the number to call, e.g. +14155550123.');
      $('dial-number').focus();
      return;
    }
    send('dial', {to});
  });
}

function addToNumber(key) {
  const input = $('dial-number');
  input.value = (input.value + key).slice(0, 32);
}

/** The number in the dial pad, without the spaces, dashes, dots and brackets people type or paste for reading. */
function typed() {
  return $('dial-number').value.replace(/[\s().-]/g, '');
}

function renderDialPad(free) {
  $('dial-fields').disabled = !free;
  $('dial-hint').textContent = free ? 'A + and the country code, then the number.'
      : 'You are on a call: finish it to place another.';
}

function callBack(callSid, number, disabled) {
  const b = button('Call back', `call-back-${callSid}`, () => send('dial', {to: number}), `call-back-${callSid}`,
      disabled);
  b.setAttribute('aria-label', `Call back ${number}`);
  return b;
}

setUpDialPad();
setUpHistory();

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
  // A call an agent placed has no caller's call for the simulator to hang up (the gateway takes CA… SIDs only).
  $('simulated-calls').replaceChildren(...(calls.length ? calls.map(call => item(`sim-${call.callSid}`,
      'simulated-call', '', text('span', `${numberOf(call)} (${call.direction === 'outbound' ? 'outbound, ' : ''}`
          + `${call.state.toLowerCase()})`),
      call.direction === 'outbound' ? '' : button('Caller hangs up', 'caller-hangup', async () => {
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
$('wallboard-toggle').addEventListener('click', () => {
  const on = $('wallboard-toggle').getAttribute('aria-pressed') !== 'true';
  sessionStorage.setItem('switchboard.wallboard', on ? 'on' : 'off');
  showWallboard(on);
});

/** The wallboard alone, large, for a screen on the wall; or the console with the wallboard out of the way. */
function showWallboard(on) {
  $('wallboard').hidden = !on;
  document.body.classList.toggle('wallboard-only', on);
  const toggle = $('wallboard-toggle');
  toggle.setAttribute('aria-pressed', String(on));
  toggle.textContent = on ? 'Back to the console' : 'Wallboard';
  if (on && board) render();
}

/** A supervisor's command refused, in words: an older gateway or call-state does not know it yet. */
function refusal(what, frame) {
  if (frame.code === 'unsupported' || frame.code === 'bad_request') {
    return `${what}: not possible with this version of Switchboard (${frame.code}: ${frame.message ?? ''}).`;
  }
  return `${what} was refused: ${frame.message ?? frame.code} (${frame.code}).`;
}

start();
