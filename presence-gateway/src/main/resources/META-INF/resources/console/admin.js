// The Admin view: a tenant's agents, numbers, settings and audit, through the gateway's admin API (docs/protocol.md,
// "Admin API"). Shown only to a token with the admin role; the API is the real check (403 for anyone else). Every
// write goes to call-state and reaches every screen as a change in the ordered stream: the team board follows from
// there, never from the HTTP answer, which this view shows as it came.

const ROLES = [
  ['agent', 'Agent: takes calls'],
  ['supervisor', 'Supervisor: sees the wallboard, sets colleagues away or signs them out'],
  ['admin', 'Admin: runs the tenant here'],
];
const DAYS = [['mon', 'Monday'], ['tue', 'Tuesday'], ['wed', 'Wednesday'], ['thu', 'Thursday'], ['fri', 'Friday'],
  ['sat', 'Saturday'], ['sun', 'Sunday']];
const TABS = [['agents', 'Agents'], ['numbers', 'Numbers'], ['settings', 'Settings'], ['audit', 'Audit']];
const AUDIT_PAGE = 20;
const ACTIONS = {
  create_agent: 'added an agent',
  update_agent: 'changed an agent',
  add_number: 'added a number',
  remove_number: 'removed a number',
  update_settings: 'changed the settings',
};

/** The roles a token carries, from its own {@code groups} claim. */
export function rolesOf(claims) {
  return Array.isArray(claims?.groups) ? claims.groups : [];
}

/** What changed between an audit entry's values before and after, as "field: old → new" (nested fields dotted). */
export function changes(before, after) {
  const flat = (value, prefix = '', out = {}) => {
    if (value && typeof value === 'object' && !Array.isArray(value)) {
      for (const [key, inner] of Object.entries(value)) flat(inner, prefix ? `${prefix}.${key}` : key, out);
    } else if (prefix) {
      out[prefix] = value;
    }
    return out;
  };
  const was = flat(before ?? {}), is = flat(after ?? {});
  const show = v => v === null || v === undefined ? '—'
      : Array.isArray(v) ? (v.length ? v.join(', ') : 'none') : String(v);
  return [...new Set([...Object.keys(was), ...Object.keys(is)])]
      .filter(key => JSON.stringify(was[key] ?? null) !== JSON.stringify(is[key] ?? null))
      .map(key => before == null ? `${key}: ${show(is[key])}` : `${key}: ${show(was[key])} → ${show(is[key])}`);
}

/** A day's business hours as typed ("09:00-12:30, 13:30-17:00"), as the API takes them: a list, [] closed. */
export function intervalsOf(text) {
  return (text ?? '').split(/[\s,;]+/).filter(Boolean);
}

/** Closed dates as typed (commas, spaces or lines between), or a problem naming the first one that is no date. */
export function datesOf(text) {
  const dates = (text ?? '').split(/[\s,;]+/).filter(Boolean);
  const bad = dates.find(d => !/^\d{4}-\d{2}-\d{2}$/.test(d));
  return bad ? {problem: `Closed dates: '${bad}' is not a date written YYYY-MM-DD, e.g. 2026-12-25.`} : {dates};
}

class Refusal extends Error {
  constructor(message, status) {
    super(message);
    this.status = status;
  }
}

export class AdminView {
  /**
   * @param root the section the view draws into (index.html's #admin)
   * @param toggle the header button that shows and hides it
   * @param token () => the signed-in agent's token
   * @param board () => the team board (board.js), for live presence and names
   */
  constructor({root, toggle, token, board}) {
    this.root = root;
    this.toggle = toggle;
    this.token = token;
    this.board = board;
    this.isAdmin = false;
    this.built = false;
    this.tab = 'agents';
    this.agents = null;        // the API's list, or null before it is read
    this.editing = null;       // the id of the agent whose edit form is open
    this.numbers = null;
    this.settings = null;      // the settings as GET gave them: PUT sends them back whole, edited
    this.audit = {entries: [], next: null};
    this.reloadTimer = null;
    toggle.addEventListener('click', () => this.show(root.hidden));
  }

  // ---- mounting ---------------------------------------------------------------------------------------------------

  signedIn(claims) {
    this.isAdmin = rolesOf(claims).includes('admin');
    this.toggle.hidden = !this.isAdmin;
    if (!this.isAdmin) this.show(false);
  }

  signedOut() {
    this.isAdmin = false;
    this.toggle.hidden = true;
    this.show(false);
    this.agents = this.numbers = this.settings = null;
    this.audit = {entries: [], next: null};
    this.editing = null;
    this.agentsShown = null;
    clearTimeout(this.reloadTimer);
    this.reloadTimer = null;
    if (this.built) this.root.replaceChildren();
    this.built = false;
  }

  show(open) {
    open = open && this.isAdmin;
    this.root.hidden = !open;
    this.toggle.setAttribute('aria-expanded', String(open));
    if (!open) return;
    if (!this.built) this.build();
    this.select(this.tab, false);
    this.root.querySelector('#admin-title').focus();
  }

  /** The team board changed: live presence in the list, and a list read again when an agent came or went. */
  boardChanged() {
    if (this.root.hidden || !this.agents) return;
    const board = this.board();
    if (!board) return;
    const listed = new Map(this.agents.filter(a => a.active).map(a => [a.id, a.name]));
    const differ = listed.size !== board.agents.size
        || [...board.agents.values()].some(a => listed.get(a.id) !== a.name);
    if (differ && !this.reloadTimer) {
      // Someone (here or on another screen) added, renamed, deactivated or reactivated an agent: read the list again,
      // once. Roles are not on the board: a change of roles elsewhere shows when a tab is opened again.
      this.reloadTimer = setTimeout(() => {
        this.reloadTimer = null;
        this.loadAgents();
      }, 300);
    }
    this.renderAgents();
  }

  // ---- the API ----------------------------------------------------------------------------------------------------

  /** One request to the admin API; throws a Refusal a person can read (the API's own message, when it gave one). */
  async api(method, path, body) {
    const headers = {Authorization: `Bearer ${this.token()}`};
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    const res = await fetch(`api/admin/${path}`, {method, headers,
      body: body === undefined ? undefined : JSON.stringify(body)}).catch(() => null);
    if (!res) throw new Refusal('The gateway did not answer: read the list again to see whether it changed.', 0);
    const text = await res.text().catch(() => '');
    let json = null;
    try {
      json = text ? JSON.parse(text) : null;
    } catch {
      json = null;
    }
    if (!res.ok) throw new Refusal(`${json?.message ?? defaultRefusal(res.status)} (${res.status})`, res.status);
    return json;
  }

  // ---- the view's frame: tabs --------------------------------------------------------------------------------------

  build() {
    this.built = true;
    const title = el('h2', 'Admin');
    title.id = 'admin-title';
    title.tabIndex = -1;
    const intro = el('p', 'Changes reach every screen of the tenant at once. A role takes effect with the agent\'s next'
        + ' sign-in; a deactivated agent\'s screens close and their sign-in stops working.', 'hint');
    const tabs = document.createElement('div');
    tabs.className = 'admin-tabs';
    tabs.setAttribute('role', 'tablist');
    tabs.setAttribute('aria-label', 'Admin');
    for (const [key, label] of TABS) {
      const tab = el('button', label);
      tab.type = 'button';
      tab.id = `admin-tab-${key}`;
      tab.dataset.testid = `admin-tab-${key}`;
      tab.setAttribute('role', 'tab');
      tab.setAttribute('aria-controls', `admin-${key}`);
      tab.addEventListener('click', () => this.select(key, true));
      tabs.append(tab);
    }
    // The tabs pattern of WAI-ARIA: one tab stop, arrow keys move between tabs.
    tabs.addEventListener('keydown', event => {
      const keys = TABS.map(([key]) => key);
      const at = keys.indexOf(this.tab);
      const to = {ArrowRight: at + 1, ArrowLeft: at - 1, Home: 0, End: keys.length - 1}[event.key];
      if (to === undefined) return;
      event.preventDefault();
      this.select(keys[(to + keys.length) % keys.length], true);
    });
    const panels = TABS.map(([key]) => {
      const panel = document.createElement('div');
      panel.id = `admin-${key}`;
      panel.className = 'admin-panel';
      panel.dataset.testid = `admin-${key}`;
      panel.setAttribute('role', 'tabpanel');
      panel.setAttribute('aria-labelledby', `admin-tab-${key}`);
      panel.tabIndex = 0;
      panel.hidden = true;
      return panel;
    });
    this.confirmDialog = this.buildConfirm();
    this.root.replaceChildren(title, intro, tabs, ...panels, this.confirmDialog);
    this.buildAgents(panels[0]);
    this.buildNumbers(panels[1]);
    this.buildSettings(panels[2]);
    this.buildAudit(panels[3]);
  }

  select(key, focus) {
    this.tab = key;
    for (const [k] of TABS) {
      const tab = this.root.querySelector(`#admin-tab-${k}`);
      tab.setAttribute('aria-selected', String(k === key));
      tab.tabIndex = k === key ? 0 : -1;
      this.root.querySelector(`#admin-${k}`).hidden = k !== key;
    }
    if (focus) this.root.querySelector(`#admin-tab-${key}`).focus();
    // Each tab reads what it shows when opened: another admin may have changed it meanwhile.
    if (key === 'agents') this.loadAgents();
    else if (key === 'numbers') this.loadNumbers();
    else if (key === 'settings') this.loadSettings();
    else this.loadAudit(false);
  }

  /** A modal confirmation; resolves true when confirmed. Escape or Cancel resolve false. */
  buildConfirm() {
    const dialog = document.createElement('dialog');
    dialog.className = 'admin-confirm';
    dialog.dataset.testid = 'admin-confirm';
    dialog.setAttribute('aria-labelledby', 'admin-confirm-text');
    const text = el('p', '');
    text.id = 'admin-confirm-text';
    const yes = button('', 'admin-confirm-yes');
    const no = button('Cancel', 'admin-confirm-no');
    no.classList.add('secondary');
    const row = document.createElement('div');
    row.className = 'row';
    row.append(yes, no);
    dialog.append(text, row);
    yes.addEventListener('click', () => dialog.close('yes'));
    no.addEventListener('click', () => dialog.close('no'));
    return dialog;
  }

  confirm(question, action) {
    const dialog = this.confirmDialog;
    const opener = document.activeElement;
    dialog.querySelector('#admin-confirm-text').textContent = question;
    dialog.querySelector('[data-testid=admin-confirm-yes]').textContent = action;
    dialog.returnValue = '';
    return new Promise(resolve => {
      dialog.addEventListener('close', () => {
        opener?.focus?.();
        resolve(dialog.returnValue === 'yes');
      }, {once: true});
      dialog.showModal();
      dialog.querySelector('[data-testid=admin-confirm-no]').focus(); // the safe choice first
    });
  }

  // ---- agents -----------------------------------------------------------------------------------------------------

  buildAgents(panel) {
    this.agentsCount = el('p', '', 'hint');
    this.agentsCount.dataset.testid = 'admin-agents-count';
    this.agentsStatus = status('admin-agents-status'); // the answer to this page's last write
    this.agentsProblem = problem('admin-agents-problem');
    const agents = table('admin-agent-list', 'The tenant\'s agents, deactivated ones too',
        ['Name', 'Id', 'Roles', 'Active', 'Presence', el('span', 'Actions', 'visually-hidden')]);
    this.agentRows = agents.body;

    const id = field('admin-new-id', 'Id', 'text', 'What their sign-in names them (the token\'s sub): no spaces or'
        + ' colons, e.g. mia.');
    const name = field('admin-new-name', 'Name', 'text', 'As every team board shows it.');
    const roles = roleBoxes('admin-new-role', ['agent']);
    const form = writeForm({testid: 'admin-add-agent', title: 'Add an agent', submit: ['Add agent', 'admin-add'],
      result: 'admin-add-result', problem: 'admin-add-problem', fields: [id.wrap, name.wrap, roles.set],
      send: async () => {
        const agent = await this.api('POST', 'agents', {id: id.input.value.trim(), name: name.input.value.trim(),
          roles: roles.checked()});
        id.input.value = '';
        name.input.value = '';
        this.loadAgents();
        return `Added: ${describeAgent(agent)}.`;
      },
      refused: e => {
        (e.status === 409 ? id.input : form.querySelector('input')).focus();
        return `Not added: ${e.message}`;
      }});
    panel.append(el('h3', 'Agents', 'visually-hidden'), this.agentsCount, this.agentsStatus, this.agentsProblem,
        agents.scroll, form);
  }

  async loadAgents() {
    try {
      this.agents = await this.api('GET', 'agents');
      this.agentsProblem.textContent = '';
    } catch (e) {
      this.agentsProblem.textContent = `The agents could not be read: ${e.message}`;
    }
    this.renderAgents();
  }

  renderAgents() {
    if (!this.built) return;
    const list = this.agents;
    if (!list) {
      this.agentsCount.textContent = 'Reading the agents…';
      return;
    }
    const off = list.filter(a => !a.active).length;
    this.agentsCount.textContent = `${list.length} agent${list.length === 1 ? '' : 's'}`
        + (off ? `, ${off} deactivated` : '');
    // Every change of the stream calls this: redraw only when what the table shows changed, so a screen reader does
    // not hear it again and what is being typed in an edit form keeps its focus.
    const board = this.board();
    const shown = JSON.stringify([this.editing, list.map(a => [a, board?.agents.get(a.id)?.presence,
      board?.agents.get(a.id)?.status])]);
    if (shown === this.agentsShown) return;
    this.agentsShown = shown;
    const active = document.activeElement;
    const focused = active?.dataset?.focusKey;
    const typing = this.editForm?.form.contains(active) ? active : null;
    const rows = [];
    for (const agent of list) {
      rows.push(this.agentRow(agent));
      if (this.editing === agent.id) rows.push(this.editRow(agent));
    }
    this.agentRows.replaceChildren(...rows);
    if (typing) typing.focus();
    else if (focused) this.root.querySelector(`[data-focus-key="${CSS.escape(focused)}"]`)?.focus();
  }

  agentRow(agent) {
    const live = agent.active ? this.board()?.agents.get(agent.id) : null;
    const presence = live?.presence ?? agent.presence ?? '';
    const state = live?.status ?? agent.status;
    const edit = button('Edit', 'admin-edit', () => this.openEdit(agent), `admin-edit-${agent.id}`);
    edit.setAttribute('aria-label', `Edit ${agent.name}`);
    edit.setAttribute('aria-expanded', String(this.editing === agent.id));
    edit.setAttribute('aria-controls', `admin-edit-${agent.id}`);
    edit.classList.add('secondary');
    const flip = agent.active
        ? button('Deactivate', 'admin-deactivate', () => this.setActive(agent, false), `admin-deactivate-${agent.id}`)
        : button('Reactivate', 'admin-reactivate', () => this.setActive(agent, true), `admin-reactivate-${agent.id}`);
    flip.setAttribute('aria-label', `${agent.active ? 'Deactivate' : 'Reactivate'} ${agent.name}`);
    if (agent.active) flip.classList.add('danger');
    const actions = document.createElement('span');
    actions.className = 'row';
    actions.append(edit, flip);
    const tr = row('td', [el('strong', agent.name), el('code', agent.id), (agent.roles ?? []).join(', '),
      badge(agent.active ? 'active' : 'deactivated', agent.active ? 'available' : 'offline'),
      agent.active ? badge(presence + (presence === 'online' && state ? `, ${state.replace('_', '-')}` : ''), presence)
          : '—',
      actions]);
    tr.dataset.testid = `admin-agent-${agent.id}`;
    if (!agent.active) tr.className = 'inactive';
    return tr;
  }

  openEdit(agent) {
    this.editing = this.editing === agent.id ? null : agent.id;
    this.editForm = null;
    this.renderAgents();
    if (this.editing) this.root.querySelector(`#admin-edit-${CSS.escape(agent.id)} input`)?.focus();
  }

  /** The edit form of one agent, in a row under theirs; kept across redraws so what is typed stays. */
  editRow(agent) {
    if (!this.editForm || this.editForm.agentId !== agent.id) {
      const form = document.createElement('form');
      form.id = `admin-edit-${agent.id}`;
      form.className = 'tool admin-form';
      form.dataset.testid = 'admin-edit-form';
      form.setAttribute('aria-label', `Edit ${agent.name}`);
      const name = field(`admin-edit-name-${agent.id}`, 'Name', 'text');
      name.input.value = agent.name;
      name.input.dataset.testid = 'admin-edit-name';
      const roles = roleBoxes(`admin-edit-role-${agent.id}`, agent.roles ?? []);
      const save = button('Save', 'admin-edit-save');
      save.type = 'submit';
      const cancel = button('Cancel', 'admin-edit-cancel', () => {
        this.editing = null;
        this.renderAgents();
        this.root.querySelector(`[data-focus-key="admin-edit-${CSS.escape(agent.id)}"]`)?.focus();
      });
      cancel.classList.add('secondary');
      const said = problem('admin-edit-problem');
      const actions = document.createElement('div');
      actions.className = 'row';
      actions.append(save, cancel);
      form.append(name.wrap, roles.set, actions, said);
      form.addEventListener('submit', async event => {
        event.preventDefault();
        said.textContent = '';
        save.disabled = true;
        try {
          const changed = await this.api('PATCH', `agents/${encodeURIComponent(agent.id)}`,
              {name: name.input.value.trim(), roles: roles.checked()});
          this.editing = null;
          this.agentsProblem.textContent = '';
          this.agentsStatus.textContent = `Saved: ${describeAgent(changed)}.`;
          await this.loadAgents();
          this.root.querySelector(`[data-focus-key="admin-edit-${CSS.escape(agent.id)}"]`)?.focus();
        } catch (e) {
          said.textContent = `Not saved: ${e.message}`;
        } finally {
          save.disabled = false;
        }
      });
      form.addEventListener('keydown', event => {
        if (event.key === 'Escape') cancel.click();
      });
      this.editForm = {agentId: agent.id, form};
    }
    const td = document.createElement('td');
    td.colSpan = 6;
    td.append(this.editForm.form);
    const tr = document.createElement('tr');
    tr.className = 'admin-edit-row';
    tr.append(td);
    return tr;
  }

  async setActive(agent, active) {
    const question = active
        ? `Reactivate ${agent.name} (${agent.id})? They can sign in again and show on every team board.`
        : `Deactivate ${agent.name} (${agent.id})? They leave every team board, their open screens close and their`
          + ' sign-in stops working. Their calls and history stay.';
    if (!await this.confirm(question, `${active ? 'Reactivate' : 'Deactivate'} ${agent.name}`)) return;
    this.agentsProblem.textContent = '';
    this.agentsStatus.textContent = '';
    try {
      const changed = await this.api('PATCH', `agents/${encodeURIComponent(agent.id)}`, {active});
      this.agentsStatus.textContent = `${active ? 'Reactivated' : 'Deactivated'}: ${describeAgent(changed)}.`;
      await this.loadAgents();
      // The row was drawn again: the focus goes to its button that undoes this.
      const undo = `admin-${active ? 'deactivate' : 'reactivate'}-${agent.id}`;
      this.root.querySelector(`[data-focus-key="${CSS.escape(undo)}"]`)?.focus();
    } catch (e) {
      this.agentsProblem.textContent = `${agent.name} was not ${active ? 'reactivated' : 'deactivated'}: ${e.message}`;
    }
  }

  // ---- numbers ----------------------------------------------------------------------------------------------------

  buildNumbers(panel) {
    this.numbersStatus = status('admin-numbers-status');
    this.numbersProblem = problem('admin-numbers-problem');
    this.numberList = document.createElement('ul');
    this.numberList.className = 'list';
    this.numberList.dataset.testid = 'admin-number-list';
    this.numberList.setAttribute('aria-label', 'The Twilio numbers that reach the tenant');

    const number = field('admin-new-number', 'Number', 'tel', 'A number of the tenant\'s Twilio account, in E.164: +'
        + ' and the country code, e.g. +15005550006. Point its voice webhooks at call-ingest in Twilio too.');
    number.input.inputMode = 'tel';
    const form = writeForm({testid: 'admin-add-number', title: 'Add a number', submit: ['Add number',
      'admin-number-add'], result: 'admin-number-result', problem: 'admin-number-problem', fields: [number.wrap],
      send: async () => {
        const answer = await this.api('POST', 'numbers', {phoneNumber: number.input.value.trim()});
        const added = number.input.value.trim();
        this.numbers = answer.numbers;
        number.input.value = '';
        this.renderNumbers();
        return `Added ${added}: the tenant's numbers are now ${answer.numbers.join(', ')}.`;
      },
      refused: e => {
        number.input.focus();
        return `${number.input.value.trim() || 'The number'} was not added: ${e.message}`;
      }});
    panel.append(el('h3', 'Numbers', 'visually-hidden'), this.numbersStatus, this.numbersProblem, this.numberList,
        form);
  }

  async loadNumbers() {
    try {
      this.numbers = (await this.api('GET', 'numbers')).numbers;
      this.numbersProblem.textContent = '';
    } catch (e) {
      this.numbersProblem.textContent = `The numbers could not be read: ${e.message}`;
    }
    this.renderNumbers();
  }

  renderNumbers() {
    const list = this.numbers;
    if (!list) {
      this.numbersStatus.textContent = 'Reading the numbers…';
      return;
    }
    this.numbersStatus.textContent = list.length === 1 ? 'One number reaches the tenant.'
        : list.length ? `${list.length} numbers reach the tenant.`
        : 'No number reaches the tenant: callers cannot reach it.';
    this.numberList.replaceChildren(...list.map(n => {
      const li = document.createElement('li');
      li.dataset.testid = 'admin-number';
      li.dataset.key = n;
      const remove = button('Remove', 'admin-number-remove', () => this.removeNumber(n), `admin-number-remove-${n}`);
      remove.setAttribute('aria-label', `Remove ${n}`);
      remove.classList.add('danger');
      li.append(el('span', n, 'number'), remove);
      return li;
    }));
  }

  async removeNumber(n) {
    if (!await this.confirm(`Remove ${n}? Callers dialling it no longer reach the tenant.`, `Remove ${n}`)) return;
    this.numbersProblem.textContent = '';
    try {
      await this.api('DELETE', `numbers/${encodeURIComponent(n)}`);
      await this.loadNumbers();
      this.numbersStatus.textContent = `Removed ${n}. ${this.numbersStatus.textContent}`;
      (this.numberList.querySelector('button') ?? this.root.querySelector('#admin-new-number')).focus();
    } catch (e) {
      this.numbersProblem.textContent = `${n} was not removed: ${e.message}`;
    }
  }

  // ---- settings ---------------------------------------------------------------------------------------------------

  buildSettings(panel) {
    const form = document.createElement('form');
    form.className = 'admin-form admin-settings';
    form.dataset.testid = 'admin-settings-form';
    form.setAttribute('aria-label', 'The tenant\'s settings');
    form.noValidate = true; // the page's own check names the field; the API has the last word
    const f = this.fields = {};
    const number = (key, label, hint, optional = true) => {
      const made = field(`admin-s-${key}`, label, 'number', hint);
      made.input.inputMode = 'numeric';
      made.input.min = '0';
      made.input.step = '1';
      made.optional = optional;
      f[key] = made;
      return made.wrap;
    };
    const DEFAULT = 'Empty: the service\'s default.';
    const lot = group('Parking lot', [
      number('parkSlotFirst', 'First slot', null, false),
      number('parkSlotLast', 'Last slot', 'The slot numbers agents and callers dial; a parked call\'s slot must stay'
          + ' in the range.', false),
    ]);
    const times = group('Times, in seconds', [
      number('parkTimeoutSeconds', 'A parked call rings back after', DEFAULT),
      number('parkerRingSeconds', 'A ring-back rings for its parker alone for', DEFAULT),
      number('wrapUpSeconds', 'Wrap-up after a call', DEFAULT),
      number('serviceLevelSeconds', 'Service level: answered within', 'The wallboard counts callers answered within'
          + ' it as served in time.', false),
    ]);
    const atLimit = choice('admin-s-atLimit', 'At the wait limit, the caller', [['voicemail', 'leaves a voicemail'],
      ['forward', 'is forwarded to the overflow number']]);
    f.atLimit = atLimit;
    const forwardTo = field('admin-s-forwardTo', 'Overflow number', 'tel', 'In E.164; needed for forwarding.');
    f.forwardTo = forwardTo;
    const zone = field('admin-s-timeZone', 'Time zone', 'text', 'An IANA name, e.g. Europe/Berlin: business hours and'
        + ' closed dates are read in it.');
    zone.input.setAttribute('list', 'admin-zones');
    const zones = document.createElement('datalist');
    zones.id = 'admin-zones';
    zones.append(...(Intl.supportedValuesOf?.('timeZone') ?? []).map(z => Object.assign(document.createElement(
        'option'), {value: z})));
    f.timeZone = zone;
    const queue = group('The queue', [number('maxWaitSeconds', 'A caller waits at most (seconds)', DEFAULT),
      atLimit.set, forwardTo.wrap, zone.wrap, zones]);

    const always = document.createElement('label');
    always.className = 'check';
    const alwaysBox = document.createElement('input');
    alwaysBox.type = 'checkbox';
    alwaysBox.id = 'admin-s-always';
    alwaysBox.dataset.testid = 'admin-s-always';
    always.append(alwaysBox, ' Open every day, all day (no weekly schedule)');
    f.always = alwaysBox;
    f.days = {};
    const dayFields = DAYS.map(([key, label]) => {
      const made = field(`admin-s-day-${key}`, label, 'text');
      made.input.placeholder = '09:00-17:00';
      made.input.setAttribute('aria-describedby', 'admin-s-days-hint');
      f.days[key] = made;
      return made.wrap;
    });
    const daysHint = el('p', 'Hours as 09:00-17:00; several with commas (09:00-12:30, 13:30-17:00); 24:00 ends a day.'
        + ' A day left empty is closed.', 'hint');
    daysHint.id = 'admin-s-days-hint';
    const days = document.createElement('div');
    days.className = 'admin-days';
    days.append(...dayFields);
    alwaysBox.addEventListener('change', () => {
      days.querySelectorAll('input').forEach(input => { input.disabled = alwaysBox.checked; });
    });
    const closed = field('admin-s-closedDates', 'Closed dates', 'text', 'Whole days closed whatever the week says,'
        + ' YYYY-MM-DD, separated by commas: 2026-12-25, 2027-01-01.');
    f.closedDates = closed;
    const hours = group('Business hours', [always, days, daysHint, closed.wrap]);

    const afterHours = choice('admin-s-afterHours', 'Outside business hours, the caller', [['voicemail',
      'hears the greeting and leaves a voicemail'], ['message', 'hears the after-hours message, then the call ends']]);
    f.afterHours = afterHours;
    const text = (key, label, hint, type = 'textarea') => {
      const made = field(`admin-s-${key}`, label, type, hint);
      f[key] = made;
      return made.wrap;
    };
    const callers = group('What callers hear', [afterHours.set,
      text('afterHoursMessage', 'After-hours message', 'Empty: a default text.'),
      text('greetingText', 'Voicemail greeting', 'Spoken before the recording. Empty: a default text.'),
      text('greetingUrl', 'Greeting audio URL', 'An https:// file Twilio plays instead of the spoken greeting.'
          + ' Empty: none.', 'url')]);

    const save = button('Save settings', 'admin-settings-save');
    save.type = 'submit';
    const reload = button('Read again', 'admin-settings-reload', () => this.loadSettings());
    reload.classList.add('secondary');
    const actions = document.createElement('div');
    actions.className = 'row';
    actions.append(save, reload);
    this.settingsResult = status('admin-settings-result');
    this.settingsProblem = problem('admin-settings-problem');
    form.append(lot, times, queue, hours, callers, actions, this.settingsProblem, this.settingsResult);
    form.addEventListener('submit', async event => {
      event.preventDefault();
      this.settingsProblem.textContent = '';
      const wanted = this.readSettings();
      if (wanted.problem) {
        this.settingsResult.textContent = '';
        this.settingsProblem.textContent = `Not saved: ${wanted.problem}`;
        wanted.field?.focus();
        return;
      }
      this.settingsResult.textContent = 'Saving…';
      save.disabled = true;
      try {
        this.settings = await this.api('PUT', 'settings', wanted.settings);
        this.fillSettings();
        this.settingsResult.textContent = 'Saved: the next call, park and wrap-up follow them.';
      } catch (e) {
        this.settingsResult.textContent = '';
        this.settingsProblem.textContent = `Not saved, nothing changed: ${e.message}`;
      } finally {
        save.disabled = false;
      }
    });
    panel.append(form);
  }

  async loadSettings() {
    this.settingsResult.textContent = 'Reading the settings…';
    try {
      this.settings = await this.api('GET', 'settings');
      this.settingsProblem.textContent = '';
      this.settingsResult.textContent = '';
      this.fillSettings();
    } catch (e) {
      this.settingsResult.textContent = '';
      this.settingsProblem.textContent = `The settings could not be read: ${e.message}`;
    }
  }

  fillSettings() {
    const s = this.settings, q = s.queue ?? {}, f = this.fields;
    for (const key of ['parkSlotFirst', 'parkSlotLast', 'parkTimeoutSeconds', 'parkerRingSeconds', 'wrapUpSeconds',
      'serviceLevelSeconds']) {
      f[key].input.value = s[key] ?? '';
    }
    f.maxWaitSeconds.input.value = q.maxWaitSeconds ?? '';
    f.atLimit.pick(q.atLimit ?? 'voicemail');
    f.forwardTo.input.value = q.forwardTo ?? '';
    f.timeZone.input.value = q.timeZone ?? '';
    f.always.checked = q.weeklyHours == null;
    for (const [key] of DAYS) {
      f.days[key].input.value = (q.weeklyHours?.[key] ?? []).join(', ');
      f.days[key].input.disabled = f.always.checked;
    }
    f.closedDates.input.value = (q.closedDates ?? []).join(', ');
    f.afterHours.pick(q.afterHours ?? 'voicemail');
    for (const key of ['afterHoursMessage', 'greetingText', 'greetingUrl']) f[key].input.value = q[key] ?? '';
  }

  /** The form as the whole TenantSettings, over what GET gave: fields this page does not know go back as read. */
  readSettings() {
    if (!this.settings) return {problem: 'the settings were not read yet: press Read again.'};
    const f = this.fields;
    const out = {...this.settings, queue: {...(this.settings.queue ?? {})}};
    for (const key of ['parkSlotFirst', 'parkSlotLast', 'parkTimeoutSeconds', 'parkerRingSeconds', 'wrapUpSeconds',
      'serviceLevelSeconds', 'maxWaitSeconds']) {
      const {input, optional} = f[key];
      const label = input.labels[0]?.textContent ?? key;
      const typed = input.value.trim();
      if (input.validity.badInput || (typed && !/^\d+$/.test(typed))) {
        return {problem: `${label}: a whole number of seconds or slots, please.`, field: input};
      }
      if (!typed && !optional) return {problem: `${label} is needed.`, field: input};
      const value = typed ? Number(typed) : null;
      if (key === 'maxWaitSeconds') out.queue.maxWaitSeconds = value;
      else out[key] = value;
    }
    const dates = datesOf(f.closedDates.input.value);
    if (dates.problem) return {problem: dates.problem, field: f.closedDates.input};
    const blank = v => v.trim() === '' ? null : v.trim();
    Object.assign(out.queue, {
      atLimit: f.atLimit.value(),
      forwardTo: blank(f.forwardTo.input.value),
      timeZone: blank(f.timeZone.input.value),
      weeklyHours: f.always.checked ? null
          : Object.fromEntries(DAYS.map(([key]) => [key, intervalsOf(f.days[key].input.value)])),
      closedDates: dates.dates,
      afterHours: f.afterHours.value(),
      afterHoursMessage: blank(f.afterHoursMessage.input.value),
      greetingText: blank(f.greetingText.input.value),
      greetingUrl: blank(f.greetingUrl.input.value),
    });
    return {settings: out};
  }

  // ---- audit ------------------------------------------------------------------------------------------------------

  buildAudit(panel) {
    this.auditStatus = status('admin-audit-status');
    this.auditProblem = problem('admin-audit-problem');
    const audit = table('admin-audit-list', 'Admin writes, newest first', ['When', 'Who', 'What', 'Subject', 'Change']);
    this.auditRows = audit.body;
    this.auditMore = button('More', 'admin-audit-more', () => this.loadAudit(true));
    this.auditMore.hidden = true;
    const latest = button('Read the latest', 'admin-audit-latest', () => this.loadAudit(false));
    latest.classList.add('secondary');
    const actions = document.createElement('div');
    actions.className = 'row';
    actions.append(this.auditMore, latest);
    panel.append(el('h3', 'Audit', 'visually-hidden'), this.auditStatus, this.auditProblem, audit.scroll, actions);
  }

  async loadAudit(more) {
    if (more && !this.audit.next) return;
    this.auditMore.disabled = true;
    this.auditStatus.textContent = 'Reading the audit…';
    const params = new URLSearchParams({limit: String(AUDIT_PAGE)});
    if (more) params.set('before', String(this.audit.next));
    try {
      const page = await this.api('GET', `audit?${params}`);
      this.audit = {entries: more ? [...this.audit.entries, ...page.entries] : page.entries, next: page.next ?? null};
      this.auditProblem.textContent = '';
    } catch (e) {
      this.auditProblem.textContent = `The audit could not be read: ${e.message}`;
    }
    this.renderAudit();
    if (more) this.auditRows.lastElementChild?.querySelector('time')?.focus?.();
  }

  renderAudit() {
    const {entries, next} = this.audit;
    this.auditStatus.textContent = `${entries.length} entr${entries.length === 1 ? 'y' : 'ies'}, newest first`
        + (next ? ' (More reads older ones)' : '');
    this.auditRows.replaceChildren(...entries.map(entry => {
      const when = el('time', new Date(entry.at).toLocaleString());
      when.dateTime = entry.at;
      const who = this.board()?.agents.get(entry.actor)?.name;
      const what = changes(entry.before, entry.after);
      const change = document.createElement('span');
      if (what.length) {
        const list = document.createElement('ul');
        list.className = 'admin-changes';
        list.append(...what.map(line => el('li', line)));
        change.append(list);
      } else {
        change.textContent = '—';
      }
      const tr = row('td', [when, who ? `${who} (${entry.actor})` : entry.actor, ACTIONS[entry.action] ?? entry.action,
        entry.subject ?? '—', change]);
      tr.dataset.testid = 'admin-audit-entry';
      return tr;
    }));
    this.auditMore.hidden = !next;
    this.auditMore.disabled = false;
  }
}

// ---- small DOM helpers ---------------------------------------------------------------------------------------------

function defaultRefusal(status) {
  switch (status) {
    case 401: return 'your sign-in is not valid any more: sign in again';
    case 403: return 'only an active admin of this tenant may do this';
    case 503: return 'the service could not take the change; nothing changed';
    case 504: return 'call-state did not answer in time; the change may still be stored: read it back';
    default: return 'refused';
  }
}

function describeAgent(agent) {
  return `${agent.name} (${agent.id}), roles ${(agent.roles ?? []).join(', ') || 'none'}, `
      + `${agent.active ? 'active' : 'deactivated'}${agent.presence ? `, ${agent.presence}` : ''}`;
}

function el(tag, content, cls) {
  const node = document.createElement(tag);
  node.textContent = content ?? '';
  if (cls) node.className = cls;
  return node;
}

function button(label, testid, onClick, focusKey) {
  const b = el('button', label);
  b.type = 'button';
  b.dataset.testid = testid;
  if (focusKey) b.dataset.focusKey = focusKey;
  if (onClick) b.addEventListener('click', onClick);
  return b;
}

/**
 * A form that makes one write: its button is off while it is sent; then the status line shows what {@code send}
 * made of the API's answer, or the refusal shows beside the form (role=alert) and what was typed stays to correct.
 */
function writeForm({testid, title, submit: [label, submitId], result, problem: problemId, fields, send, refused}) {
  const form = document.createElement('form');
  form.className = 'tool admin-form';
  form.dataset.testid = testid;
  const heading = el('h3', title);
  heading.id = `${testid}-title`;
  form.setAttribute('aria-labelledby', heading.id);
  const go = button(label, submitId);
  go.type = 'submit';
  const answer = status(result);
  const said = problem(problemId);
  form.append(heading, ...fields, go, said, answer);
  form.addEventListener('submit', async event => {
    event.preventDefault();
    said.textContent = '';
    answer.textContent = 'Sending…';
    go.disabled = true;
    try {
      answer.textContent = await send();
    } catch (e) {
      answer.textContent = '';
      said.textContent = refused(e);
    } finally {
      go.disabled = false;
    }
  });
  return form;
}

function badge(content, cls) {
  return el('span', content, `badge ${cls}`);
}

function row(cell, contents) {
  const tr = document.createElement('tr');
  tr.append(...contents.map(content => {
    const c = document.createElement(cell);
    if (cell === 'th') c.scope = 'col';
    c.append(content ?? '');
    return c;
  }));
  return tr;
}

/** A table with a caption and column headings, in a box that scrolls sideways on a narrow screen. */
function table(testid, caption, headings) {
  const t = document.createElement('table');
  t.className = 'admin-table';
  t.dataset.testid = testid;
  const head = document.createElement('thead');
  head.append(row('th', headings));
  const body = document.createElement('tbody');
  t.append(el('caption', caption), head, body);
  const scroll = document.createElement('div');
  scroll.className = 'admin-scroll';
  scroll.append(t);
  return {scroll, body};
}

function status(testid) {
  const p = el('p', '', 'hint');
  p.dataset.testid = testid;
  p.setAttribute('role', 'status');
  return p;
}

function problem(testid) {
  const p = el('p', '', 'problem');
  p.dataset.testid = testid;
  p.setAttribute('role', 'alert');
  return p;
}

/** A labelled input (or textarea), with its hint read with it. */
function field(id, label, type, hint) {
  const wrap = document.createElement('div');
  wrap.className = 'admin-field';
  const lab = el('label', label);
  lab.htmlFor = id;
  const input = document.createElement(type === 'textarea' ? 'textarea' : 'input');
  if (type !== 'textarea') input.type = type;
  else input.rows = 2;
  input.id = id;
  input.dataset.testid = id;
  input.autocomplete = 'off';
  wrap.append(lab, input);
  if (hint) {
    const h = el('p', hint, 'hint');
    h.id = `${id}-hint`;
    input.setAttribute('aria-describedby', h.id);
    wrap.append(h);
  }
  return {wrap, input};
}

function group(legend, children) {
  const set = document.createElement('fieldset');
  set.append(el('legend', legend), ...children);
  return set;
}

function roleBoxes(prefix, checked) {
  const set = group('Roles', ROLES.map(([role, label]) => {
    const wrap = document.createElement('label');
    wrap.className = 'check';
    const box = document.createElement('input');
    box.type = 'checkbox';
    box.value = role;
    box.id = `${prefix}-${role}`;
    box.dataset.testid = prefix.startsWith('admin-edit-role') ? `admin-edit-role-${role}` : `${prefix}-${role}`;
    box.checked = checked.includes(role);
    wrap.append(box, ` ${label}`);
    return wrap;
  }));
  set.classList.add('admin-roles');
  return {set, checked: () => [...set.querySelectorAll('input:checked')].map(b => b.value)};
}

function choice(name, legend, options) {
  const set = group(legend, options.map(([value, label]) => {
    const wrap = document.createElement('label');
    wrap.className = 'check';
    const input = document.createElement('input');
    input.type = 'radio';
    input.name = name;
    input.value = value;
    input.dataset.testid = `${name}-${value}`;
    wrap.append(input, ` ${label}`);
    return wrap;
  }));
  return {
    set,
    pick: value => set.querySelectorAll('input').forEach(input => { input.checked = input.value === value; }),
    value: () => set.querySelector('input:checked')?.value ?? null,
  };
}
