'use strict';
// Rotor dashboard: the rotation coverage of the report, a rotation calendar (one lane per key on a
// time axis), keys by account/region, a timeline per key (with its grants, key policy and recent
// access denials), and the virtual clock.
// Talks only to Rotor's admin endpoints (docs/cli.md), with URLs relative to /_rotor/ui/.
// Server data reaches the DOM only through el() (text nodes and attributes), never innerHTML:
// descriptions and alias names are user input.

const state = {
  now: null, virtual: false, keys: [], selected: null, detail: null, report: null,
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
// A date as an element that never wraps inside ("2027-02-23 20:14 UTC" stays on one line).
const dateEl = (iso) => el('time', { class: 'date', datetime: iso || '' }, fmtDate(iso));
// AWS KMS rotates automatically only symmetric encryption keys with its own key material: asymmetric,
// HMAC and imported keys say why instead of "Off".
const canRotate = (k) => k.keySpec === 'SYMMETRIC_DEFAULT' && k.origin === 'AWS_KMS';
const noRotationText = (k) => (k.origin !== 'AWS_KMS' ? 'n/a: imported' : `n/a: ${k.keySpec}`);
function fmtRelative(iso) {
  if (!iso || !state.now) return '';
  const days = Math.round((Date.parse(iso) - Date.parse(state.now)) / 86400000);
  if (days === 0) return 'today';
  return days > 0 ? `in ${days} d` : `${-days} d ago`;
}
// An AWS name that may break after its underscores on a narrow screen ("SYMMETRIC_" / "DEFAULT"),
// and nowhere on a wide one (Chromium breaks at <wbr> even under white-space: nowrap).
const NARROW = window.matchMedia('(max-width: 1150px)');
const breakable = (name) => (!NARROW.matches ? String(name || '')
  : String(name || '').split('_').flatMap((part, i, all) => (i < all.length - 1 ? [`${part}_`, el('wbr')] : [part])));
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
    const [clock, list, report] = await Promise.all([api('clock'), api('keys?versions=1'), api('report')]);
    state.now = clock.now;
    state.report = report;
    state.virtual = !!clock.virtual;
    state.keys = list.keys || [];
    state.truncated = !!list.truncated;
    if (state.selected) {
      const s = state.selected;
      // A key deleted meanwhile (its deletion date passed) is no longer selected.
      if (!state.keys.some((k) => keyRef(k) === keyRef(s))) {
        state.selected = null;
        state.detail = null;
      } else {
        state.detail = await api(`keys/${encodeURIComponent(s.keyId)}?account=${encodeURIComponent(s.account)}` +
                                 `&region=${encodeURIComponent(s.region)}`);
      }
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
  renderCoverage();
  renderCalendar();
  renderKeys();
  renderDetail();
}

function renderKeys() {
  const root = $('#keys');
  if (!state.keys.length) {
    // The address this page was loaded from is the KMS endpoint too (whatever host and port).
    root.replaceChildren(el('p', { class: 'empty' }, 'No keys yet. Create one with: ',
      el('code', { id: 'create-hint' }, `aws --endpoint-url ${location.origin} kms create-key`)));
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
    k.deletionDate ? el('div', { class: 'small' }, 'deletion ', dateEl(k.deletionDate)) : null),
  el('td', { class: 'spec' }, el('div', {}, breakable(k.keySpec)), el('div', { class: 'small' }, breakable(k.keyUsage)),
    k.keyManager === 'AWS' ? el('div', { class: 'small managed' }, 'AWS managed') : null),
  el('td', { class: 'rotation' }, !canRotate(k) ? el('span', { class: 'na' }, noRotationText(k))
    : el('span', { class: 'nowrap' }, rot.enabled ? `On, every ${rot.periodDays} d` : 'Off'),
    k.keyManager === 'AWS' ? el('div', { class: 'small' }, 'by AWS, always') : null,
    rot.onDemandRotations ? el('div', { class: 'small' }, `${rot.onDemandRotations} on demand`) : null),
  el('td', { class: 'next' }, rot.nextRotationDate ? [el('div', {}, dateEl(rot.nextRotationDate)),
    el('div', { class: 'small' }, k.keyState === 'Enabled' ? fmtRelative(rot.nextRotationDate) : `paused while ${k.keyState}`)] : '—'),
  el('td', { class: 'versions' }, String(k.versions ?? '—'), fired ? el('span', { class: 'new' }, 'ROTATED') : null));
}

async function selectKey(k) {
  state.selected = { keyId: k.keyId, account: k.account, region: k.region };
  state.detail = null;
  renderKeys();
  await refresh();
  const d = $('#detail');
  // Smooth unless the reader asked for reduced motion (the browser test does: a click while the
  // page still glides would land beside its target).
  const motion = window.matchMedia('(prefers-reduced-motion: reduce)').matches ? 'auto' : 'smooth';
  if (!d.hidden) d.scrollIntoView({ behavior: motion, block: 'start' });
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
  // At one instant, causal order (rank): CreateKey, the first material, the calls as recorded,
  // then the later versions they made (RotateKeyOnDemand, ImportKeyMaterial), by number.
  const items = versions.map((v) => ({
    time: v.createdAt, kind: v.rotationType ? 'rotation' : 'material', rank: v.version === 1 ? 1 : 3 + v.version / 1e7,
    fired: state.firedMaterial.has(v.keyMaterialId),
    what: `Version ${v.version}: ${versionLabel(v)}`,
    more: [`KeyMaterialId ${v.keyMaterialId ? v.keyMaterialId.slice(0, 16) + '…' : '—'}`, v.state ? `(${v.state})` : ''].join(' '),
  }));
  for (const e of detail.events || []) {
    const text = detailText(e.detail);
    // An automatic rotation is already shown by its version; skip the matching service event.
    if (e.eventName === 'RotateKey' && [...materials].some((m) => text.includes(m))) continue;
    items.push({
      time: e.time, error: e.errorCode, rank: e.eventName === 'CreateKey' && !e.errorCode ? 0 : 2,
      kind: eventKind(e),
      fired: e.eventName === 'DeleteKey' && e.eventType === 'AwsServiceEvent' && state.firedKeys.has(keyRef(detail.key)),
      what: e.eventName + (e.eventType === 'AwsServiceEvent' ? ' (service event)' : ''),
      more: text,
    });
  }
  // Newest first: after the clock moves, what just happened is at the top. On a virtual clock
  // many entries share one instant: those are in causal order (see rank), reversed, so reading
  // down the list goes back in time.
  items.forEach((it, i) => { it.order = i; });
  return items.sort((a, b) => (b.time || '').localeCompare(a.time || '') || b.rank - a.rank || b.order - a.order);
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
      el('dt', {}, 'Rotation'), el('dd', {}, !canRotate(k) ? `${noRotationText(k)}: AWS KMS cannot rotate this key automatically`
        : rot.enabled ? `every ${rot.periodDays} days, next ${fmtDate(rot.nextRotationDate)}` : 'automatic rotation off',
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
            el('td', {}, dateEl(v.createdAt)),
            el('td', {}, [v.rotationType || (v.version === 1 ? 'first' : '—'), v.imported ? ' (imported)' : ''].join(''))))))),
      el('div', {},
        el('h2', {}, 'Timeline (newest first)'),
        el('ol', { class: 'timeline', id: 'timeline' }, shown.map((it) =>
          el('li', { class: [`kind-${it.kind}`, it.fired && 'fired'].filter(Boolean).join(' ') },
            el('div', { class: 'when' }, dateEl(it.time)),
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
    // Show the first key that rotated (a deleted key has nothing left to show).
    const first = fired.find((f) => f.event !== 'DeleteKey');
    if (!state.selected && first) state.selected = { keyId: first.keyId, account: first.account, region: first.region };
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

// ---- Rotation coverage: the figure of the compliance report (GET /_rotor/report) and what it leaves out.
function renderCoverage() {
  const root = $('#coverage');
  const r = state.report;
  if (!r) { root.hidden = true; return; }
  const x = r.coverageExcludes || {};
  const left = [
    x.asymmetric && `${x.asymmetric} asymmetric`, x.hmac && `${x.hmac} HMAC`, x.imported && `${x.imported} imported`,
    x.pendingDeletion && `${x.pendingDeletion} pending deletion`, x.awsManaged && `${x.awsManaged} AWS managed`,
  ].filter(Boolean);
  root.hidden = false;
  root.replaceChildren(
    el('span', { class: 'label' }, 'Automatic rotation coverage '),
    el('strong', { id: 'coverage-pct' }, `${Number(r.rotationCoveragePct).toFixed(1)}%`),
    ` (${r.rotationEnabled} of ${r.symmetricCustomerKeys} symmetric customer keys)`,
    left.length ? el('span', { class: 'small' }, ` · not counted: ${left.join(', ')}`) : null,
    el('span', { class: 'small' }, ` · ${r.keysWithProblems} key${r.keysWithProblems === 1 ? '' : 's'} with findings in `,
      el('a', { href: '../report?format=text', target: '_blank', rel: 'noopener' }, 'the report')));
}

// ---- Rotation calendar: one lane per key on a time axis (SVG). Marks: CreateKey, each material
// version (first, automatic, on-demand, imported told apart), the next scheduled rotation, the
// deletion date, and a "now" line at the clock's time. Zoom from a month to ten years; the window
// follows the clock until the user moves it.
const SVG_NS = 'http://www.w3.org/2000/svg';
const DAY_MS = 86400000;
const ZOOM_DAYS = { '1m': 31, '3m': 92, '1y': 366, '3y': 1096, '10y': 3653 };
const MAX_LANES = 60;
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const cal = { zoom: '1y', start: null, follow: true };

function svg(tag, attrs, ...children) {
  const e = document.createElementNS(SVG_NS, tag);
  for (const [k, v] of Object.entries(attrs || {})) if (v != null) e.setAttribute(k, String(v));
  for (const c of children.flat(Infinity)) {
    if (c == null) continue;
    e.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return e;
}

// The kind of a material version, as the legend names it.
function versionKind(v) {
  if (v.imported) return 'imported';
  if (v.rotationType === 'AUTOMATIC') return 'automatic';
  if (v.rotationType === 'ON_DEMAND') return 'on-demand';
  return 'first';
}
const KIND_TEXT = {
  create: 'CreateKey', first: 'first key material', automatic: 'automatic rotation', 'on-demand': 'on-demand rotation',
  imported: 'imported key material', expiry: 'imported material expires', next: 'next scheduled rotation',
  deletion: 'deletion date',
};

// A mark's shape, centred on (x, y).
function markShape(kind, x, y) {
  switch (kind) {
    case 'create': return svg('rect', { x: x - 1.5, y: y - 9, width: 3, height: 18 });
    case 'automatic': return svg('circle', { cx: x, cy: y, r: 6 });
    case 'on-demand': return svg('path', { d: `M${x} ${y - 8}L${x + 8} ${y}L${x} ${y + 8}L${x - 8} ${y}Z` });
    case 'imported': return svg('rect', { x: x - 6, y: y - 6, width: 12, height: 12 });
    case 'next': return svg('circle', { cx: x, cy: y, r: 7 });
    case 'expiry': return svg('path', { d: `M${x - 7} ${y - 7}L${x + 7} ${y - 7}L${x} ${y + 1}Z M${x - 7} ${y + 8}L${x + 7} ${y + 8}L${x} ${y}Z` });
    case 'deletion': return svg('path', { d: `M${x - 7} ${y - 7}L${x + 7} ${y + 7}M${x + 7} ${y - 7}L${x - 7} ${y + 7}` });
    default: return svg('circle', { cx: x, cy: y, r: 5 });  // first material
  }
}

function calendarWindow() {
  const span = ZOOM_DAYS[cal.zoom] * DAY_MS;
  const now = Date.parse(state.now);
  // Follow the clock: re-anchor when "now" leaves the window (a third of it lies in the past).
  if (cal.start == null || (cal.follow && (now < cal.start || now > cal.start + span))) cal.start = now - span / 3;
  return [cal.start, cal.start + span];
}

// Tick times (ms, UTC) and labels for the window: days, months or years as the span needs.
function calendarTicks(from, to) {
  const days = (to - from) / DAY_MS;
  const ticks = [];
  const d = new Date(from);
  if (days <= 45) {
    let t = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate() + 1);
    for (let i = 0; t <= to && i < 100; i++, t += DAY_MS) {
      const day = new Date(t).getUTCDate();
      const label = day === 1 || day % 7 === 1 ? `${MONTHS[new Date(t).getUTCMonth()]} ${day}` : null;
      ticks.push({ t, label, major: day === 1 });
    }
    return ticks;
  }
  const step = days <= 200 ? 1 : days <= 1200 ? 3 : 12;  // months between labels
  let y = d.getUTCFullYear(); let m = d.getUTCMonth() + 1;
  for (let i = 0; i < 200; i++, m++) {
    if (m === 12) { m = 0; y++; }
    const t = Date.UTC(y, m, 1);
    if (t > to) break;
    const labelled = m % step === 0;
    const label = !labelled ? null : step === 12 ? String(y) : m === 0 ? `${MONTHS[m]} ${y}` : MONTHS[m];
    if (days > 1200 && m !== 0) continue;  // ten years: one tick per year
    ticks.push({ t, label, major: m === 0 });
  }
  return ticks;
}

// The lanes in drawing order: account, Region, then creation (AWS managed and multi-Region keys too).
function calendarLanes() {
  return [...state.keys].sort((a, b) => a.account.localeCompare(b.account) || a.region.localeCompare(b.region) ||
    (a.createdAt || '').localeCompare(b.createdAt || '') || a.keyId.localeCompare(b.keyId));
}

// The marks of one key within [from, to], in causal order: CreateKey, the versions by number, then
// what is scheduled (next rotation, deletion).
function laneMarks(k, from, to) {
  const marks = [{ kind: 'create', time: k.createdAt }];
  for (const v of k.materialVersions || []) marks.push({ kind: versionKind(v), time: v.createdAt, version: v.version });
  if (k.rotation && k.rotation.nextRotationDate && k.keyState === 'Enabled') marks.push({ kind: 'next', time: k.rotation.nextRotationDate });
  if (k.materialValidTo) marks.push({ kind: 'expiry', time: k.materialValidTo });
  if (k.deletionDate) marks.push({ kind: 'deletion', time: k.deletionDate });
  return marks.filter((m) => { const t = Date.parse(m.time); return t >= from && t <= to; });
}

function laneLabel(k) {
  const name = k.aliases && k.aliases.length ? k.aliases[0] : shortId(k.keyId);
  return name.length > 22 ? name.slice(0, 21) + '…' : name;
}

function renderCalendar() {
  const chart = $('#calendar-chart');
  const legend = $('#calendar-legend');
  document.querySelectorAll('[data-zoom]').forEach((b) => b.setAttribute('aria-pressed', String(b.dataset.zoom === cal.zoom)));
  if (!legend.childElementCount) {
    legend.replaceChildren(...['create', 'first', 'automatic', 'on-demand', 'imported', 'expiry', 'next', 'deletion'].map((kind) =>
      el('li', {}, (() => { const s = svg('svg', { width: 20, height: 20, viewBox: '-10 -10 20 20', class: `mark mark-${kind}`, 'aria-hidden': 'true' }); s.append(markShape(kind, 0, 0)); return s; })(),
        KIND_TEXT[kind])));
  }
  if (!state.now || !state.keys.length) {
    chart.replaceChildren(el('p', { class: 'empty' }, state.now ? 'No keys to draw yet.' : 'Loading…'));
    return;
  }
  const [from, to] = calendarWindow();
  const lanes = calendarLanes();
  const shown = lanes.slice(0, MAX_LANES);
  const labelW = 250; const axisH = 34; const laneH = 30;
  const width = Math.max(600, Math.floor(chart.clientWidth || 1000));
  const plotW = width - labelW - 16;
  const height = axisH + shown.length * laneH + 22;  // room for the "now" label at the bottom
  const x = (t) => labelW + ((t - from) / (to - from)) * plotW;
  const root = svg('svg', { id: 'calendar-svg', width, height, viewBox: `0 0 ${width} ${height}`, role: 'img',
    'aria-label': `Rotation calendar from ${fmtDate(new Date(from).toISOString())} to ${fmtDate(new Date(to).toISOString())}`,
    'data-from': new Date(from).toISOString(), 'data-to': new Date(to).toISOString() });
  // Stripes under everything, then the axis' grid lines and labels, then the lanes.
  shown.forEach((k, i) => {
    if (i % 2 === 0) root.append(svg('rect', { x: 0, y: axisH + i * laneH, width, height: laneH, class: 'stripe' }));
  });
  // Lane labels stay in their column, however long the alias.
  root.append(svg('defs', {}, svg('clipPath', { id: 'lane-label-clip' }, svg('rect', { x: 0, y: 0, width: labelW - 8, height }))));
  for (const tick of calendarTicks(from, to)) {
    const tx = x(tick.t);
    root.append(svg('line', { x1: tx, x2: tx, y1: axisH - 6, y2: height, class: tick.major ? 'grid major' : 'grid' }));
    if (tick.label) root.append(svg('text', { x: tx + 3, y: axisH - 12, class: 'tick' }, tick.label));
  }
  shown.forEach((k, i) => {
    const y = axisH + i * laneH + laneH / 2;
    const lane = svg('g', { class: 'lane', 'data-key-id': k.keyId, 'data-region': k.region, 'data-account': k.account });
    const label = svg('text', { x: 6, y: y + 5, class: 'lane-label', tabindex: 0, 'clip-path': 'url(#lane-label-clip)' }, laneLabel(k),
      svg('tspan', { class: 'lane-region' }, ` ${k.region}${k.keyManager === 'AWS' ? ' · AWS' : ''}${k.multiRegion ? ` · MR ${k.multiRegion.role === 'PRIMARY' ? 'primary' : 'replica'}` : ''}`),
      svg('title', {}, `${k.aliases && k.aliases.length ? k.aliases.join(', ') + ' · ' : ''}${k.keyId} (${k.account} ${k.region})`));
    label.addEventListener('click', () => selectKey(k));
    label.addEventListener('keydown', (e) => { if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); selectKey(k); } });
    lane.append(label);
    // The key's life: from its creation (or the window's start) to its deletion (or the window's end).
    const born = Math.max(from, Date.parse(k.createdAt));
    const gone = Math.min(to, k.deletionDate ? Date.parse(k.deletionDate) : to);
    if (born < gone) lane.append(svg('line', { x1: x(born), x2: x(gone), y1: y, y2: y, class: `life state-${k.keyState}` }));
    // Marks at one instant (CreateKey, the first material, an imported or on-demand version) would
    // hide each other: each is drawn a little right of the one before, so causal order reads left
    // to right.
    let lastX = -Infinity;
    for (const m of laneMarks(k, from, to)) {
      const mx = Math.max(x(Date.parse(m.time)), lastX + 12);
      lastX = mx;
      const g = svg('g', { class: `mark mark-${m.kind}`, 'data-kind': m.kind, 'data-time': m.time, 'data-version': m.version ?? null },
        markShape(m.kind, mx, y),
        svg('title', {}, `${m.version ? `Version ${m.version}: ` : ''}${KIND_TEXT[m.kind]}, ${fmtDate(m.time)}`));
      lane.append(g);
    }
    root.append(lane);
  });
  const now = Date.parse(state.now);
  if (now >= from && now <= to) {
    root.append(svg('g', { id: 'now-line', 'data-time': state.now },
      svg('line', { x1: x(now), x2: x(now), y1: axisH - 8, y2: height, class: 'now' }),
      svg('text', { x: x(now) + 4, y: height - 6, class: 'now-label' }, 'now'),
      svg('title', {}, `now: ${fmtDate(state.now)}`)));
  }
  chart.replaceChildren(...[root,
    lanes.length > shown.length ? el('p', { class: 'small' }, `${lanes.length - shown.length} more keys not drawn (the first ${MAX_LANES} are).`) : null]
    .filter(Boolean));
}

function start() {
  document.querySelectorAll('[data-advance]').forEach((b) => b.addEventListener('click', () => advance(b.dataset.advance)));
  document.querySelectorAll('[data-zoom]').forEach((b) => b.addEventListener('click', () => {
    cal.zoom = b.dataset.zoom;
    cal.start = null;
    cal.follow = true;
    renderCalendar();
  }));
  document.querySelectorAll('[data-pan]').forEach((b) => b.addEventListener('click', () => {
    const dir = Number(b.dataset.pan);
    if (dir === 0 || cal.start == null) {
      cal.start = null;
      cal.follow = true;
    } else {
      cal.start += dir * ZOOM_DAYS[cal.zoom] * DAY_MS / 2;
      cal.follow = false;
    }
    renderCalendar();
  }));
  let resizing = null;
  window.addEventListener('resize', () => { clearTimeout(resizing); resizing = setTimeout(renderCalendar, 100); });
  NARROW.addEventListener('change', renderKeys);
  $('#advance-form').addEventListener('submit', (e) => { e.preventDefault(); advance($('#advance-by').value); });
  refresh();
  // A system clock moves by itself: keep the page current while it is visible.
  setInterval(() => { if (!document.hidden && !state.busy) refresh(); }, 10000);
}
if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start); else start();
