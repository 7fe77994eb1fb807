// Recent calls: the tenant's calls of today from the call history (GET api/calls, docs/protocol.md "Call history"),
// newest first, a page at a time. No DOM here: what a search asks the server, and when the list is read again.

export const PAGE = 20;
const MAX_LIMIT = 200; // the most a page of the history API holds
// After a call ends the list is read again, but not at every end: with many screens on a busy tenant, one read per
// call end per screen would be a flood. The first end is read after a short pause (plus jitter, so screens do not all
// ask at once); further ends wait until REFRESH_GAP_MS after the last read.
const FIRST_REFRESH_MS = 1000;
const REFRESH_JITTER_MS = 1000;
const REFRESH_GAP_MS = 10000;

/** Outcomes where nobody of the tenant talked with the caller: marked "missed" wherever the call shows. */
export const MISSED = new Set(['abandoned', 'voicemail', 'missed_after_hours', 'forwarded']);

const OUTCOMES = {
  answered: 'answered',
  abandoned: 'missed: hung up waiting',
  voicemail: 'missed: voicemail',
  missed_after_hours: 'missed: after hours',
  forwarded: 'missed: forwarded',
  transferred: 'transferred',
  outbound: 'placed',
};

export function outcomeLabel(outcome) {
  return OUTCOMES[outcome] ?? outcome ?? 'unknown';
}

/**
 * What the search box asks the server. A number starts with + (spaces, dashes, dots and brackets are taken out, as
 * the dial pad does): calls with that number on either side. Anything else names an agent, by id or by name as the
 * team panel shows it: the calls they held last. Digits without + are refused, since the history stores E.164 and
 * guessing a country would find someone else's calls.
 */
export function searchFor(text, agents = []) {
  const typed = (text ?? '').trim();
  if (!typed) return {filter: {}, label: 'today'};
  const compact = typed.replace(/[\s().-]/g, '');
  if (/^\+\d+$/.test(compact)) return {filter: {number: compact}, label: `today with ${compact}`};
  if (/^\d+$/.test(compact)) {
    return {problem: `Type a number with + and the country code, e.g. +${compact}, or an agent's name.`};
  }
  const lower = typed.toLowerCase();
  const agent = agents.find(a => a.id.toLowerCase() === lower) ?? agents.find(a => a.name?.toLowerCase() === lower);
  return {filter: {agent: agent?.id ?? typed}, label: `today held by ${agent?.name ?? typed}`};
}

/** Local midnight of {@code now}, as the instant the history's {@code since} takes. */
export function startOfToday(now = Date.now()) {
  const day = new Date(now);
  day.setHours(0, 0, 0, 0);
  return day.toISOString();
}

/**
 * The list and how it is read. {@code fetchPage(params)} answers a page ({calls, next}) or throws an Error whose
 * message a person can read; {@code onChange()} redraws.
 */
export class History {
  constructor({fetchPage, onChange, now = () => Date.now()}) {
    this.fetchPage = fetchPage;
    this.onChange = onChange;
    this.now = now;
    this.calls = [];
    this.next = null;
    this.filter = {};
    this.label = 'today';
    this.problem = null;   // why the last read failed, or why the search was refused
    this.loading = false;
    this.loaded = false;   // a first page arrived since the last search
    this.generation = 0;   // a read answered after a newer search (or refresh) started is dropped
    this.lastReadAt = 0;
    this.refreshTimer = null;
  }

  /** A new search (or the first read): the newest page of today's calls that match. */
  search(text, agents) {
    const wanted = searchFor(text, agents);
    if (wanted.problem) {
      this.problem = wanted.problem;
      this.onChange();
      return Promise.resolve();
    }
    this.filter = wanted.filter;
    this.label = wanted.label;
    this.calls = [];
    this.next = null;
    this.loaded = false;
    return this.read(PAGE, null, false);
  }

  /** The next page, after the last call shown. */
  more() {
    if (!this.next || this.loading) return Promise.resolve();
    return this.read(PAGE, this.next, true);
  }

  /** A call ended: read the list again soon, at most once per REFRESH_GAP_MS. */
  callEnded() {
    if (this.refreshTimer) return;
    const soon = FIRST_REFRESH_MS + Math.random() * REFRESH_JITTER_MS;
    const wait = Math.max(soon, this.lastReadAt + REFRESH_GAP_MS - this.now());
    this.refreshTimer = setTimeout(() => {
      this.refreshTimer = null;
      this.refresh();
    }, wait);
  }

  /** The newest calls again, as many as are shown (the pages "More" added stay). */
  refresh() {
    return this.read(Math.min(MAX_LIMIT, Math.max(PAGE, this.calls.length)), null, false);
  }

  stop() {
    clearTimeout(this.refreshTimer);
    this.refreshTimer = null;
    this.generation++;
  }

  async read(limit, cursor, append) {
    const generation = ++this.generation;
    this.loading = true;
    this.lastReadAt = this.now();
    this.onChange();
    const params = {limit: String(limit), since: startOfToday(this.now()), ...this.filter};
    if (cursor) params.cursor = cursor;
    try {
      const page = await this.fetchPage(params);
      if (generation !== this.generation) return;
      const seen = new Set(append ? this.calls.map(c => c.callSid) : []);
      this.calls = append ? [...this.calls, ...page.calls.filter(c => !seen.has(c.callSid))] : page.calls;
      this.next = page.next ?? null;
      this.problem = null;
      this.loaded = true;
    } catch (e) {
      if (generation !== this.generation) return;
      this.problem = `Recent calls could not be read: ${e.message}`;
    } finally {
      if (generation === this.generation) {
        this.loading = false;
        this.onChange();
      }
    }
  }
}
