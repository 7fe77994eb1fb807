// The supervisors' wallboard (docs/protocol.md, "The wallboard"): the tenant's live figures, drawn large, each state
// said in words with the colour repeating it. The figures come whole with each wallboard change; the longest wait and
// each agent's time in their status count up here, from the instants the figures carry, without any traffic.
import {clock, elapsed} from './board.js';

/** The share of callers answered within the threshold that a call centre commonly aims for (80 % in 20 s). */
export const SERVICE_LEVEL_TARGET = 0.8;

/** What the service level says, in words and a tone: on target, below it, or nothing offered yet. */
export function serviceLevelVerdict(serviceLevel, seconds) {
  if (serviceLevel == null) return {figure: '–', note: 'no calls yet today', tone: ''};
  const figure = `${Math.floor(serviceLevel * 100 + 1e-9)} %`;  // never rounded up onto the target
  const within = `answered within ${seconds} s`;
  return serviceLevel >= SERVICE_LEVEL_TARGET
      ? {figure, note: `on target (${within})`, tone: 'good'}
      : {figure, note: `below target of ${SERVICE_LEVEL_TARGET * 100} % (${within})`, tone: 'bad'};
}

/** An average in seconds, as a clock (m:ss), or a dash when there is none. */
export function averageLabel(seconds) {
  return seconds == null ? '–' : clock(Math.round(seconds));
}

const STATUS = {available: 'available', away: 'away', busy: 'on a call', wrap_up: 'wrap-up'};

/**
 * Draws the figures into the wallboard section.
 *
 * @param send sends a supervisor's command ({type, fields, what}): what says what it does, for its error
 */
export function renderWallboard(doc, figures, me, send) {
  const $ = id => doc.getElementById(id);
  if (!figures) {
    $('wb-day').textContent = '(waiting for the first figures)';
    return;
  }
  $('wb-day').textContent = `today, ${figures.day}`;
  $('wb-waiting').textContent = String(figures.callsWaiting);
  tone($('wb-waiting-tile'), figures.callsWaiting > 0 ? 'warn' : 'good');
  $('wb-waiting-note').textContent = figures.callsWaiting > 0 ? 'callers are waiting' : 'nobody waits';
  const longest = $('wb-longest');
  if (figures.longestWaitingSince) {
    longest.dataset.since = figures.longestWaitingSince;
    longest.dataset.prefix = '';
    longest.textContent = elapsed(figures.longestWaitingSince);
  } else {
    delete longest.dataset.since;
    longest.textContent = '–';
  }
  tone($('wb-longest-tile'), figures.longestWaitingSince ? 'warn' : '');
  const verdict = serviceLevelVerdict(figures.serviceLevel, figures.serviceLevelSeconds);
  $('wb-service').textContent = verdict.figure;
  $('wb-service-note').textContent = verdict.note;
  tone($('wb-service-tile'), verdict.tone);
  $('wb-answered').textContent = String(figures.answered);
  $('wb-abandoned').textContent = String(figures.abandoned);
  $('wb-voicemail').textContent = String(figures.voicemail);
  $('wb-average').textContent = averageLabel(figures.averageAnswerSeconds);
  $('wb-agent-rows').replaceChildren(...figures.agents.map(agent => agentRow(doc, agent, me, send)));
}

function agentRow(doc, agent, me, send) {
  const tr = doc.createElement('tr');
  tr.dataset.testid = `wb-agent-${agent.agentId}`;
  const offline = agent.presence === 'offline';
  const status = doc.createElement('td');
  const badge = doc.createElement('span');
  badge.textContent = offline ? 'offline' : STATUS[agent.status] ?? agent.status;
  badge.className = `badge ${offline ? 'offline' : agent.status}`;
  badge.dataset.testid = 'wb-status';
  status.append(badge);
  const since = cell(doc, elapsed(agent.statusSince));
  since.dataset.since = agent.statusSince ?? '';
  since.dataset.prefix = '';
  since.dataset.testid = 'wb-status-time';
  since.className = 'n';
  const actions = doc.createElement('td');
  if (agent.agentId !== me && !offline) {
    if (agent.status !== 'away') {
      actions.append(button(doc, 'Set away', `wb-set-away-${agent.agentId}`, `Set ${agent.name} away`,
          () => send('agent_status', {agentId: agent.agentId, status: 'away'}, `Setting ${agent.name} away`)));
    }
    const out = button(doc, 'Sign out', `wb-sign-out-${agent.agentId}`, `Sign ${agent.name} out`,
        () => send('sign_out', {agentId: agent.agentId}, `Signing ${agent.name} out`));
    out.classList.add('secondary');
    actions.append(out);
  }
  tr.append(cell(doc, agent.name, 'th'), status, since, number(doc, agent.handled, 'wb-handled'),
      number(doc, agent.missed, 'wb-missed'), number(doc, clock(agent.talkSeconds), 'wb-talk'), actions);
  return tr;
}

function tone(el, value) {
  el.classList.remove('good', 'bad', 'warn');
  if (value) el.classList.add(value);
}

function cell(doc, content, tag = 'td') {
  const el = doc.createElement(tag);
  el.textContent = content ?? '';
  if (tag === 'th') el.scope = 'row';
  return el;
}

function number(doc, value, testid) {
  const el = cell(doc, String(value));
  el.className = 'n';
  el.dataset.testid = testid;
  return el;
}

function button(doc, label, testid, ariaLabel, onClick) {
  const b = doc.createElement('button');
  b.type = 'button';
  b.textContent = label;
  b.dataset.testid = testid;
  b.dataset.focusKey = testid;
  b.setAttribute('aria-label', ariaLabel);
  b.addEventListener('click', onClick);
  return b;
}
