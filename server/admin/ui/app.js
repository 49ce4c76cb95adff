'use strict';
// Rotor dashboard: keys by account/region, a timeline per key (with its grants, key policy and
// recent access denials), and the virtual clock.
// Talks only to Rotor's admin endpoints (docs/cli.md), with URLs relative to /_rotor/ui/.
// Server data reaches the DOM only through el() (text nodes and attributes), never innerHTML:
// descriptions and alias names are user input.

const state = {
  now: null, virtual: false, keys: [], selected: null, detail: null,
  firedKeys: new Set(), firedMaterial: new Set(), busy: false,
};

// With --admin-token, open the page as /_rotor/ui/#token=T: the token is kept for this tab only.
const token = (() => {
  const m = /(?:^#|&)token=([^&]*)/.exec(location.hash);
  if (m) {
    sessionStorage.setItem('rotorAdminToken', decodeURIComponent(m[1]));
    history.replaceState(null, '', location.pathname + location.search);
  }
  return sessionStorage.getItem('rotorAdminToken');
})();

async function api(path, body) {
  const headers = {};
  if (token) headers['X-Rotor-Admin-Token'] = token;
  if (body) headers['Content-Type'] = 'application/json';
  const res = await fetch('../' + path, {
    method: body ? 'POST' : 'GET', headers, cache: 'no-store',
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  let data;
  try { data = text ? JSON.parse(text) : {}; } catch { data = { message: text }; }
  if (!res.ok) throw new Error(`${path}: HTTP ${res.status} ${data.__type || ''} ${data.message || ''}`.trim());
  return data;
}

function el(tag, props, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(props || {})) {
    if (v == null || v === false) continue;
    if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
    else if (k === 'class') e.className = v;
    else e.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children.flat(Infinity)) {
    if (c == null || c === false) continue;
    e.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return e;
}
const $ = (sel) => document.querySelector(sel);

// "2027-02-23T20:14:05.415Z" -> "2027-02-23 20:14 UTC"
const fmtDate = (iso) => (iso ? iso.replace('T', ' ').replace(/:\d\d(\.\d+)?Z$/, ' UTC') : '—');
function fmtRelative(iso) {
  if (!iso || !state.now) return '';
  const days = Math.round((Date.parse(iso) - Date.parse(state.now)) / 86400000);
  if (days === 0) return 'today';
  return days > 0 ? `in ${days} d` : `${-days} d ago`;
}
const shortId = (id) => (id ? id.slice(0, 8) + '…' : '—');
const keyRef = (k) => `${k.account}/${k.region}/${k.keyId}`;
const keyName = (k) => (k.aliases && k.aliases.length ? k.aliases.join(', ') : shortId(k.keyId));
// An event's detail as one line of text, whatever its JSON type.
function detailText(detail) {
  if (detail == null) return '';
  if (typeof detail !== 'object') return String(detail);
  return Object.entries(detail).map(([k, v]) => `${k} ${typeof v === 'object' ? JSON.stringify(v) : v}`).join(', ');
}

function showError(err) {
  const box = $('#error');
  box.hidden = !err;
  box.textContent = err ? String(err.message || err) : '';
}

async function refresh() {
  try {
    if (!operations.size) await loadOperations();
    const [clock, list] = await Promise.all([api('clock'), api('keys')]);
    state.now = clock.now;
    state.virtual = !!clock.virtual;
    state.keys = list.keys || [];
    state.truncated = !!list.truncated;
    if (state.selected) {
      const s = state.selected;
      state.detail = await api(`keys/${encodeURIComponent(s.keyId)}?account=${encodeURIComponent(s.account)}` +
                               `&region=${encodeURIComponent(s.region)}`);
    }
    showError(null);
  } catch (err) {
    showError(err);
  }
  render();
}

function render() {
  $('#now').textContent = fmtDate(state.now);
  $('#now').setAttribute('datetime', state.now || '');
  $('#clock-kind').textContent = state.virtual ? 'virtual clock' : 'system clock';
  $('#advance').hidden = !state.virtual;
  $('#system-note').hidden = state.virtual;
  renderKeys();
  renderDetail();
}

function renderKeys() {
  const root = $('#keys');
  if (!state.keys.length) {
    root.replaceChildren(el('p', { class: 'empty' }, 'No keys yet. Create one with: ',
      el('code', {}, 'aws --endpoint-url http://127.0.0.1:4599 kms create-key')));
    return;
  }
  const groups = new Map();
  for (const k of state.keys) {
    const g = `${k.account} · ${k.region}`;
    if (!groups.has(g)) groups.set(g, []);
    groups.get(g).push(k);
  }
  const sections = [];
  for (const [name, keys] of groups) {
    keys.sort((a, b) => (a.createdAt || '').localeCompare(b.createdAt || ''));
    sections.push(el('h2', {}, `Account ${name} (${keys.length} key${keys.length === 1 ? '' : 's'})`),
      el('table', {},
        el('thead', {}, el('tr', {}, ['Alias', 'Key ID', 'State', 'Spec / usage', 'Rotation', 'Next rotation', 'Versions']
          .map((h) => el('th', { scope: 'col' }, h)))),
        el('tbody', {}, keys.map(keyRow))));
  }
  const related = multiRegionSets();
  if (related.length) {
    // Related multi-Region keys (one key id, several Regions) shown together.
    sections.push(el('h2', {}, `Multi-Region keys (${related.length} set${related.length === 1 ? '' : 's'})`),
      el('table', { id: 'multi-region' },
        el('thead', {}, el('tr', {}, ['Key ID', 'Account', 'Related keys (Region, role, state, versions)']
          .map((h) => el('th', { scope: 'col' }, h)))),
        el('tbody', {}, related.map((set) => el('tr', { 'data-key-id': set.keyId },
          el('td', { class: 'mono', title: set.keyId }, shortId(set.keyId)),
          el('td', {}, set.account),
          el('td', {}, set.keys.map((k) => el('div', {},
            el('button', { type: 'button', class: 'link', onclick: () => selectKey(k) }, k.region),
            ` ${k.multiRegion.role} `,
            el('span', { class: `state state-${k.keyState}` }, k.keyState),
            ` v${k.versions ?? '—'}`))))))));
  }
  if (state.truncated) sections.push(el('p', {}, 'Only the first keys are shown (the list was truncated).'));
  root.replaceChildren(...sections);
}

// Multi-Region keys grouped by (account, key id), the primary first.
function multiRegionSets() {
  const sets = new Map();
  for (const k of state.keys) {
    if (!k.multiRegion) continue;
    const ref = `${k.account}/${k.keyId}`;
    if (!sets.has(ref)) sets.set(ref, { account: k.account, keyId: k.keyId, keys: [] });
    sets.get(ref).keys.push(k);
  }
  const out = [...sets.values()];
  for (const set of out) {
    set.keys.sort((a, b) => (a.multiRegion.role === 'PRIMARY' ? -1 : 0) - (b.multiRegion.role === 'PRIMARY' ? -1 : 0) ||
      a.region.localeCompare(b.region));
  }
  return out;
}

function multiRegionText(k) {
  const mr = k.multiRegion;
  if (!mr) return null;
  return mr.role === 'PRIMARY'
    ? `multi-Region primary${mr.replicaRegions.length ? `, replicas in ${mr.replicaRegions.join(', ')}` : ''}`
    : `multi-Region replica of ${mr.primaryRegion}`;
}

function keyRow(k) {
  const rot = k.rotation || {};
  const fired = state.firedKeys.has(keyRef(k));
  const selected = state.selected && keyRef(state.selected) === keyRef(k);
  const open = () => selectKey(k);
  return el('tr', {
    tabindex: 0, 'data-key-id': k.keyId, class: [selected && 'selected', fired && 'fired'].filter(Boolean).join(' '),
    'aria-selected': selected ? 'true' : 'false', onclick: open,
    onkeydown: (e) => { if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); open(); } },
  },
  el('td', { class: 'aliases' }, k.aliases && k.aliases.length ? k.aliases.map((a) => el('div', {}, a)) : '(no alias)'),
  el('td', { class: 'mono', title: k.keyId }, shortId(k.keyId),
    k.multiRegion ? el('div', { class: 'small' }, multiRegionText(k)) : null),
  el('td', {}, el('span', { class: `state state-${k.keyState}` }, k.keyState),
    k.deletionDate ? el('div', { class: 'small' }, `deletion ${fmtDate(k.deletionDate)}`) : null),
  el('td', {}, el('div', {}, k.keySpec), el('div', { class: 'small' }, k.keyUsage),
    k.keyManager === 'AWS' ? el('div', { class: 'small managed' }, 'AWS managed') : null),
  el('td', { class: 'rotation' }, rot.enabled ? `On, every ${rot.periodDays} d` : 'Off',
    k.keyManager === 'AWS' ? el('div', { class: 'small' }, 'by AWS, always') : null,
    rot.onDemandRotations ? el('div', { class: 'small' }, `${rot.onDemandRotations} on demand`) : null),
  el('td', { class: 'next' }, rot.nextRotationDate ? [el('div', {}, fmtDate(rot.nextRotationDate)),
    el('div', { class: 'small' }, k.keyState === 'Enabled' ? fmtRelative(rot.nextRotationDate) : `paused while ${k.keyState}`)] : '—'),
  el('td', { class: 'versions' }, String(k.versions ?? '—'), fired ? el('span', { class: 'new' }, 'ROTATED') : null));
}

async function selectKey(k) {
  state.selected = { keyId: k.keyId, account: k.account, region: k.region };
  state.detail = null;
  renderKeys();
  await refresh();
  const d = $('#detail');
  if (!d.hidden) d.scrollIntoView({ behavior: 'smooth', block: 'start' });
}

function versionLabel(v) {
  if (v.rotationType === 'AUTOMATIC') return 'AUTOMATIC rotation';
  if (v.rotationType === 'ON_DEMAND') return 'ON_DEMAND rotation';
  return v.version === 1 ? 'first key material' : 'key material';
}

// The rows of Rotor's operation table (GET /_rotor/operations) by name, service events included:
// a timeline entry is a rotation when its family is Rotation, a state change when it may change the
// key state.
const operations = new Map();
async function loadOperations() {
  const doc = await api('operations');
  for (const row of [...(doc.operations || []), ...(doc.serviceEvents || [])]) operations.set(row.name, row);
}
function eventKind(e) {
  if (e.errorCode) return 'error';
  const row = operations.get(e.eventName) || {};
  if (row.family === 'Rotation') return 'rotation';
  return row.changesKeyState ? 'state' : 'api';
}

function timelineItems(detail) {
  const versions = detail.versions || [];
  const materials = new Set(versions.map((v) => v.keyMaterialId).filter(Boolean));
  const items = versions.map((v) => ({
    time: v.createdAt, kind: v.rotationType ? 'rotation' : 'material',
    fired: state.firedMaterial.has(v.keyMaterialId),
    what: `Version ${v.version}: ${versionLabel(v)}`,
    more: [`KeyMaterialId ${v.keyMaterialId ? v.keyMaterialId.slice(0, 16) + '…' : '—'}`, v.state ? `(${v.state})` : ''].join(' '),
  }));
  for (const e of detail.events || []) {
    const text = detailText(e.detail);
    // An automatic rotation is already shown by its version; skip the matching service event.
    if (e.eventName === 'RotateKey' && [...materials].some((m) => text.includes(m))) continue;
    items.push({
      time: e.time, error: e.errorCode,
      kind: eventKind(e),
      fired: e.eventName === 'DeleteKey' && e.eventType === 'AwsServiceEvent' && state.firedKeys.has(keyRef(detail.key)),
      what: e.eventName + (e.eventType === 'AwsServiceEvent' ? ' (service event)' : ''),
      more: text,
    });
  }
  // Newest first: after the clock moves, what just happened is at the top. On a virtual clock
  // many entries share one instant: those keep their recorded order, reversed.
  items.forEach((it, i) => { it.order = i; });
  return items.sort((a, b) => (b.time || '').localeCompare(a.time || '') || b.order - a.order);
}

function renderDetail() {
  const d = $('#detail');
  const detail = state.detail;
  if (!state.selected || !detail || !detail.key) { d.hidden = true; d.replaceChildren(); return; }
  const k = detail.key;
  const rot = k.rotation || {};
  const items = timelineItems(detail);
  const shown = items.slice(0, 200);
  d.hidden = false;
  d.replaceChildren(
    el('h2', {}, `Key ${keyName(k)}`),
    el('dl', { class: 'facts' },
      el('dt', {}, 'ARN'), el('dd', { class: 'mono' }, k.arn),
      el('dt', {}, 'Description'), el('dd', {}, k.description || '(none)'),
      el('dt', {}, 'Key manager'), el('dd', {}, k.keyManager === 'AWS'
        ? 'AWS (an AWS managed key: AWS rotates it every year; it cannot be disabled, deleted, tagged or re-policied)'
        : (k.keyManager || 'CUSTOMER')),
      el('dt', {}, 'State'), el('dd', {}, el('span', { class: `state state-${k.keyState}` }, k.keyState),
        k.deletionDate ? ` deletion on ${fmtDate(k.deletionDate)}` : ''),
      el('dt', {}, 'Rotation'), el('dd', {}, rot.enabled ? `every ${rot.periodDays} days, next ${fmtDate(rot.nextRotationDate)}` : 'automatic rotation off',
        rot.onDemandRotations ? `; ${rot.onDemandRotations} on-demand rotation(s)` : ''),
      el('dt', {}, 'Current material'), el('dd', { class: 'mono' }, k.currentKeyMaterialId || '—',
        k.currentMaterialSince ? ` since ${fmtDate(k.currentMaterialSince)}` : ''),
      k.multiRegion ? el('dt', {}, 'Multi-Region') : null,
      k.multiRegion ? el('dd', { id: 'related-keys' }, `${multiRegionText(k)}; related keys: `,
        ...[k.multiRegion.primaryRegion, ...k.multiRegion.replicaRegions].filter((r) => r !== k.region).flatMap((r) =>
          [el('button', { type: 'button', class: 'link', onclick: () => selectKey({ keyId: k.keyId, account: k.account, region: r }) }, r), ' '])) : null),
    el('div', { class: 'columns' },
      el('div', {},
        el('h2', {}, `Key material versions (${(detail.versions || []).length})`),
        el('table', { id: 'versions' },
          el('thead', {}, el('tr', {}, ['#', 'KeyMaterialId', 'Date', 'Type'].map((h) => el('th', { scope: 'col' }, h)))),
          el('tbody', {}, (detail.versions || []).map((v) => el('tr', { class: state.firedMaterial.has(v.keyMaterialId) ? 'fired' : null },
            el('td', {}, String(v.version), v.state === 'CURRENT' ? el('div', { class: 'small' }, 'current') : null),
            el('td', { class: 'mono', title: v.keyMaterialId || '' }, v.keyMaterialId ? v.keyMaterialId.slice(0, 12) + '…' : '—'),
            el('td', {}, fmtDate(v.createdAt)),
            el('td', {}, v.rotationType || (v.version === 1 ? 'first' : '—'))))))),
      el('div', {},
        el('h2', {}, 'Timeline (newest first)'),
        el('ol', { class: 'timeline', id: 'timeline' }, shown.map((it) =>
          el('li', { class: [`kind-${it.kind}`, it.fired && 'fired'].filter(Boolean).join(' ') },
            el('div', { class: 'when' }, el('time', { datetime: it.time || '' }, fmtDate(it.time))),
            el('div', { class: 'what' }, it.what, it.error ? el('span', { class: 'error-code' }, ` failed: ${it.error}`) : null),
            it.more ? el('div', { class: 'mono small' }, it.more) : null))),
        items.length > shown.length ? el('p', {}, `${items.length - shown.length} older entries not shown.`) : null)),
    grantsSection(detail.grants || []),
    policySection(detail.policy),
    denialsSection(detail.denials || []));
}

// The key policy as GetKeyPolicy returns it (already laid out by AWS's pretty printer), shown
// verbatim as text in a <pre>.
function policySection(policy) {
  return el('div', { class: 'policy' },
    el('h2', {}, 'Key policy'),
    policy ? el('pre', { id: 'key-policy', class: 'mono small' }, policy) : el('p', {}, 'No key policy.'));
}

// The key's most recent access denials from the audit trail (newest first, at most 20): who was
// refused which operation, and when.
function denialsSection(denials) {
  return el('div', { class: 'denials' },
    el('h2', {}, `Recent denials (${denials.length})`),
    denials.length === 0 ? el('p', {}, 'No denials recorded.') :
      el('table', { id: 'denials' },
        el('thead', {}, el('tr', {}, ['Time', 'Principal', 'Operation'].map((h) => el('th', { scope: 'col' }, h)))),
        el('tbody', {}, denials.map((d) => el('tr', {},
          el('td', {}, el('time', { datetime: d.time || '', title: d.time || '' }, fmtDate(d.time))),
          el('td', { class: 'mono' }, d.principalArn || '(unknown)'),
          el('td', {}, d.eventName))))));
}

// The key's grants: who may use it for what, and under which encryption context constraint.
function grantsSection(grants) {
  const constraintText = (c) => {
    if (!c) return '—';
    const parts = [];
    if (c.encryptionContextSubset) parts.push(`subset ${JSON.stringify(c.encryptionContextSubset)}`);
    if (c.encryptionContextEquals) parts.push(`equals ${JSON.stringify(c.encryptionContextEquals)}`);
    return parts.join('; ') || '—';
  };
  return el('div', { class: 'grants' },
    el('h2', {}, `Grants (${grants.length})`),
    grants.length === 0 ? el('p', {}, 'No grants.') :
      el('table', { id: 'grants' },
        el('thead', {}, el('tr', {}, ['Grant', 'Grantee principal', 'Operations', 'Constraints', 'Retiring principal', 'Created'].map((h) => el('th', { scope: 'col' }, h)))),
        el('tbody', {}, grants.map((g) => el('tr', {},
          el('td', { class: 'mono', title: g.grantId }, g.name ? g.name : g.grantId.slice(0, 12) + '…'),
          el('td', { class: 'mono' }, g.granteePrincipal),
          el('td', {}, g.operations.join(', ')),
          el('td', { class: 'mono small' }, constraintText(g.constraints)),
          el('td', { class: 'mono' }, g.retiringPrincipal || '—'),
          el('td', {}, fmtDate(g.createdAt)))))));
}

async function advance(by) {
  by = String(by || '').trim();
  if (!by || state.busy) return;
  state.busy = true;
  document.querySelectorAll('#advance button').forEach((b) => { b.disabled = true; });
  try {
    const res = await api('clock', { advance: by });
    const fired = res.fired || [];
    state.firedKeys = new Set(fired.map(keyRef));
    state.firedMaterial = new Set(fired.filter((f) => f.event === 'RotateKey').flatMap((f) => f.keyMaterialIds || []));
    if (!state.selected && fired.length) state.selected = { keyId: fired[0].keyId, account: fired[0].account, region: fired[0].region };
    await refresh();
    showBanner(by, res.now, fired, res.firedCount ?? fired.length);
  } catch (err) {
    showError(err);
  } finally {
    state.busy = false;
    document.querySelectorAll('#advance button').forEach((b) => { b.disabled = false; });
  }
}

function showBanner(by, now, fired, total) {
  const names = new Map(state.keys.map((k) => [keyRef(k), keyName(k)]));
  const banner = $('#banner');
  banner.hidden = false;
  banner.replaceChildren(...[
    el('strong', {}, `Clock advanced by ${by} to ${fmtDate(now)}: `,
      total ? `${total} event${total === 1 ? '' : 's'} fired.` : 'nothing was due.'),
    fired.length ? el('ul', { id: 'fired' }, fired.slice(0, 8).map((f) =>
      el('li', {}, `${fmtDate(f.time)}  ${f.event}  ${names.get(keyRef(f)) || shortId(f.keyId)}  ${f.rotationType || (f.keyMaterialIds || [])[0] || ''}`)),
      total > 8 ? el('li', {}, `… and ${total - 8} more`) : null) : null].filter(Boolean));
}

function start() {
  document.querySelectorAll('[data-advance]').forEach((b) => b.addEventListener('click', () => advance(b.dataset.advance)));
  $('#advance-form').addEventListener('submit', (e) => { e.preventDefault(); advance($('#advance-by').value); });
  refresh();
  // A system clock moves by itself: keep the page current while it is visible.
  setInterval(() => { if (!document.hidden && !state.busy) refresh(); }, 10000);
}
if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start); else start();
