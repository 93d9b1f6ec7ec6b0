// evently console: renders the topology (GET /api/topology) as an SVG graph, polls queue depths
// (GET /api/stats) every 3 s, and drives the DLQ actions (POST /api/dlqs/{dlq}/...). Every POST
// carries the session token from the page's <meta>. Values are inserted as text, never as HTML.
'use strict';
const TOKEN = document.querySelector('meta[name="console-token"]').content;
const REFRESH_MS = 3000;
const HISTORY = 40;
const history = {};
let topology = null;

function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k === 'onclick' || k === 'oninput' || k === 'onsubmit') e[k] = v; else e.setAttribute(k, v);
  }
  for (const c of children) e.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return e;
}
function svg(tag, attrs, text) {
  const e = document.createElementNS('http://www.w3.org/2000/svg', tag);
  for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v);
  if (text !== undefined) e.textContent = text;
  return e;
}
function status(text) { document.getElementById('status').textContent = text || ''; }

async function api(path, body) {
  const init = body === undefined ? {} : {
    method: 'POST', headers: { 'Content-Type': 'application/json', 'X-Console-Token': TOKEN }, body: JSON.stringify(body)
  };
  const r = await fetch(path, init);
  const data = await r.json().catch(() => ({ error: 'not JSON (HTTP ' + r.status + ')' }));
  if (!r.ok) {
    throw new Error((data.field ? data.field + ': ' : '') + (data.error || 'HTTP ' + r.status));
  }
  return data;
}

// ---- graph ---------------------------------------------------------------------------------
const W = 190, H = 46, GAP = 50, ROW = 80, TOP = 30;
function summarize(policy) {
  if (!policy) return 'no filter: everything';
  try {
    return Object.entries(JSON.parse(policy)).map(([k, v]) =>
      k + ': ' + (Array.isArray(v) ? v.map(x => typeof x === 'string' ? x.replace(/^.*\./, '…') : JSON.stringify(x)).join(', ')
        : JSON.stringify(v))).join('; ');
  } catch (e) { return policy; }
}
function node(g, kind, id, x, y, title, sub, tooltip) {
  const n = svg('g', { class: kind, 'data-name': id, transform: `translate(${x},${y})` });
  n.append(svg('rect', { width: W, height: H }));
  n.append(svg('text', { x: 8, y: 18 }, title.length > 29 ? title.slice(0, 28) + '…' : title));
  const s = svg('text', { x: 8, y: 35, class: 'small' }, sub.length > 34 ? sub.slice(0, 33) + '…' : sub);
  if (kind === 'queue' || kind === 'dlq') s.setAttribute('id', 'depth-' + id);
  n.append(s);
  n.append(svg('title', {}, tooltip || title));
  g.append(n);
  return { x, y };
}
function edge(g, a, b, cls) {
  const x1 = a.x + W, y1 = a.y + H / 2, x2 = b.x, y2 = b.y + H / 2, mx = (x1 + x2) / 2;
  g.append(svg('path', { d: `M${x1},${y1} C${mx},${y1} ${mx},${y2} ${x2},${y2}`, class: cls || '' }));
}
// queue -> consumer passes the DLQ column: dip under it instead of through it
function edgeBelow(g, a, b) {
  const x1 = a.x + W, y1 = a.y + H - 8, x2 = b.x, y2 = b.y + H - 8;
  g.append(svg('path', { d: `M${x1},${y1} C${x1 + 70},${y1 + 40} ${x2 - 70},${y2 + 40} ${x2},${y2}`, class: 'consumes' }));
}
function renderGraph(t) {
  const g = document.getElementById('graph');
  g.replaceChildren();
  const subs = t.queues.flatMap(q => q.subscriptions.map(s => ({ ...s, queue: q.name })));
  const rows = Math.max(t.topics.length, subs.length, t.queues.length, t.services.length, 1);
  const height = TOP + rows * ROW;
  const col = i => 10 + i * (W + GAP);
  const yAt = (i, n) => TOP + (i + 0.5) * (rows * ROW / n) - H / 2;
  ['publishers', 'topics', 'subscriptions + filters', 'queues', 'dead-letter queues', 'consumers']
    .forEach((c, i) => g.append(svg('text', { x: col(i), y: 16, class: 'col' }, c)));
  const pubs = t.services.filter(s => s.publishes.length);
  const pos = {};
  pubs.forEach((s, i) => pos['pub:' + s.name] = node(g, 'service', s.name, col(0), yAt(i, pubs.length), s.name, 'publishes ' + s.publishes.length + ' topic(s)'));
  t.topics.forEach((tp, i) => pos['topic:' + tp.name] = node(g, 'topic', tp.name, col(1), yAt(i, t.topics.length), tp.name, tp.fifo ? 'SNS topic (FIFO)' : 'SNS topic'));
  subs.forEach((s, i) => pos['sub:' + i] = node(g, 'sub', s.topic + '>' + s.queue, col(2), yAt(i, subs.length),
    '→ ' + s.queue, summarize(s.filterPolicy), 'filter (' + s.filterPolicyScope + '): ' + (s.filterPolicy || 'none') + (s.rawDelivery ? '; raw delivery' : '')));
  t.queues.forEach((q, i) => pos['queue:' + q.name] = node(g, 'queue', q.name, col(3), yAt(i, t.queues.length), q.name, '…'));
  const withDlq = t.queues.filter(q => q.dlq);
  t.queues.forEach((q, i) => { if (q.dlq) pos['dlq:' + q.dlq] = node(g, 'dlq', q.dlq, col(4), yAt(i, t.queues.length), q.dlq, '…', q.dlq + ': after ' + q.maxReceiveCount + ' receives'); });
  const consumers = t.services.filter(s => s.queues.length);
  consumers.forEach((s, i) => pos['con:' + s.name] = node(g, 'service', s.name, col(5), yAt(i, consumers.length), s.name, 'consumes ' + s.queues.length + ' queue(s)'));
  const edges = svg('g', {});
  g.prepend(edges);
  pubs.forEach(s => s.publishes.forEach(tp => pos['topic:' + tp] && edge(edges, pos['pub:' + s.name], pos['topic:' + tp])));
  subs.forEach((s, i) => { edge(edges, pos['topic:' + s.topic], pos['sub:' + i]); edge(edges, pos['sub:' + i], pos['queue:' + s.queue]); });
  withDlq.forEach(q => edge(edges, pos['queue:' + q.name], pos['dlq:' + q.dlq], 'dead'));
  t.queues.forEach(q => pos['con:' + q.service] && edgeBelow(edges, pos['queue:' + q.name], pos['con:' + q.service]));
  g.setAttribute('width', col(6)); g.setAttribute('height', height + 10);
  g.setAttribute('viewBox', `0 0 ${col(6)} ${height + 10}`);
}

// ---- queue table and sparklines ------------------------------------------------------------------
function queueRows(t) {
  const rows = [];
  t.queues.forEach(q => {
    rows.push({ name: q.name, kind: 'queue', service: q.service });
    if (q.dlq) rows.push({ name: q.dlq, kind: 'dead-letter queue', service: q.service });
  });
  return rows;
}
function renderTable(t) {
  const body = document.querySelector('#queues tbody');
  body.replaceChildren(...queueRows(t).map(r => el('tr', { 'data-queue': r.name },
    el('td', {}, r.name), el('td', {}, r.kind), el('td', {}, r.service),
    el('td', { class: 'num', id: 'visible-' + r.name }, '–'), el('td', { class: 'num', id: 'inflight-' + r.name }, '–'),
    el('td', { class: 'num', id: 'age-' + r.name }, '–'), el('td', { id: 'spark-' + r.name }))));
}
function age(s) {
  if (s === null || s === undefined) return '–';
  return s < 120 ? s + ' s' : s < 7200 ? Math.round(s / 60) + ' min' : Math.round(s / 3600) + ' h';
}
function sparkline(values, dead) {
  const w = 120, h = 24, max = Math.max(1, ...values);
  const pts = values.map((v, i) => `${(i * w / (HISTORY - 1)).toFixed(1)},${(h - 2 - v * (h - 4) / max).toFixed(1)}`).join(' ');
  const s = svg('svg', { width: w, height: h, class: 'spark' + (dead ? ' dead' : ''), viewBox: `0 0 ${w} ${h}` });
  s.append(svg('polyline', { points: pts }));
  s.append(svg('title', {}, 'max ' + max));
  return s;
}
async function refresh() {
  try {
    const s = await api('/api/stats');
    for (const [name, q] of Object.entries(s.queues)) {
      const dead = topology.queues.some(x => x.dlq === name);
      const text = q.exists ? q.visible + ' visible · ' + q.inFlight + ' in flight' : 'missing (run apply)';
      const depth = document.getElementById('depth-' + name);
      if (depth) depth.textContent = text;
      const set = (id, v) => { const e = document.getElementById(id + name); if (e) e.textContent = v; };
      set('visible-', q.exists ? q.visible : 'missing');
      set('inflight-', q.exists ? q.inFlight : '–');
      set('age-', age(q.oldestAgeSeconds));
      set('dlq-depth-', q.exists ? q.visible + ' message(s)' : 'missing');
      const h = (history[name] = (history[name] || []).concat([q.exists ? q.visible : 0]).slice(-HISTORY));
      const cell = document.getElementById('spark-' + name);
      if (cell) cell.replaceChildren(sparkline(h, dead));
      const n = document.querySelector(`#graph g.dlq[data-name="${CSS.escape(name)}"]`);
      if (n) n.classList.toggle('has-messages', q.exists && q.visible > 0);
    }
    document.getElementById('updated').textContent = 'depths at ' + new Date(s.at).toLocaleTimeString();
  } catch (e) { status('refresh failed: ' + e.message); }
}

// ---- dead-letter queues --------------------------------------------------------------------------
function input(name, label, cls, placeholder) {
  return el('label', {}, label, el('input', { name, class: cls || '', placeholder: placeholder || '', autocomplete: 'off' }));
}
function dlqPanel(q) {
  const name = q.dlq;
  const result = el('div', { class: 'result' });
  const confirmBox = el('div', { class: 'confirm-box' });
  const peeked = el('div', { class: 'peeked' });
  const form = el('form', { class: 'redrive-form' },
    input('type', 'event type', '', 'any'), input('reason', 'reason', '', 'any, e.g. HANDLER_REJECTED'),
    input('since', 'failed since', 'short', '2h / date'), input('limit', 'at most', 'short', 'all'),
    el('button', { type: 'submit', class: 'redrive' }, 'Redrive…'));
  const filter = () => {
    const f = {};
    for (const k of ['type', 'reason', 'since']) { const v = form.elements[k].value.trim(); if (v) f[k] = v; }
    const limit = form.elements.limit.value.trim(); if (limit) f.limit = /^\d+$/.test(limit) ? Number(limit) : limit;
    return f;
  };
  form.onsubmit = ev => {
    ev.preventDefault();
    const f = filter();
    const what = Object.keys(f).length ? Object.entries(f).map(([k, v]) => k + ' = ' + v).join(', ') : 'all messages';
    confirmBox.replaceChildren(el('div', { class: 'confirm' },
      'Move ' + what + ' from ' + name + ' back to ' + q.name + '? ',
      el('button', { class: 'confirm-redrive danger', onclick: () => run('redrive', f, r =>
        'Moved ' + r.moved + ' of ' + r.scanned + ' message(s) looked at; ' + r.skipped + ' left.') }, 'Confirm redrive'),
      ' ', el('button', { class: 'cancel', onclick: () => confirmBox.replaceChildren() }, 'Cancel')));
  };
  const purge = () => {
    const typed = el('input', { class: 'confirm-name', placeholder: name, autocomplete: 'off' });
    const go = el('button', { class: 'confirm-purge danger', disabled: '' }, 'Confirm purge');
    typed.oninput = () => { go.disabled = typed.value !== name; };
    go.onclick = () => run('purge', { confirm: typed.value }, r => 'Purged about ' + r.purgedApproximately + ' message(s).');
    confirmBox.replaceChildren(el('div', { class: 'confirm' }, 'Delete every message of ' + name + '? Type its name: ', typed, ' ', go,
      ' ', el('button', { class: 'cancel', onclick: () => confirmBox.replaceChildren() }, 'Cancel')));
  };
  async function run(action, body, say) {
    confirmBox.replaceChildren();
    result.textContent = action + ' running…';
    try { result.textContent = say(await api('/api/dlqs/' + encodeURIComponent(name) + '/' + action, body)); status(''); }
    catch (e) { result.textContent = ''; status(action + ' refused: ' + e.message); }
    peeked.replaceChildren();
    refresh();
  }
  async function peek() {
    try {
      const r = await api('/api/dlqs/' + encodeURIComponent(name) + '/peek', { max: 10 });
      status('');
      const rows = r.messages.map(m => {
        const bodyCell = el('td', {});
        bodyCell.append(el('button', { class: 'show-body', onclick: async () => {
          try { const b = await api('/api/dlqs/' + encodeURIComponent(name) + '/body', { messageId: m.messageId });
            bodyCell.replaceChildren(el('pre', { class: 'body' }, b.body)); } catch (e) { status('body: ' + e.message); }
        } }, 'Show body (' + m.bodyBytes + ' chars)'));
        return el('tr', { class: 'letter' }, el('td', {}, m.messageId), el('td', {}, m.type || '(unknown)'), el('td', {}, m.reason),
          el('td', {}, [m.errorClass, m.errorMessage].filter(Boolean).join(': ')), el('td', {}, m.failedAt || ''),
          el('td', { class: 'num' }, m.attempts || ''), el('td', { class: 'num' }, m.receiveCount),
          el('td', {}, Object.entries(m.attributes).map(([k, v]) => k + '=' + v).join(', ')), bodyCell);
      });
      peeked.replaceChildren(rows.length ? el('table', { class: 'letters' }, el('thead', {}, el('tr', {},
        ...['message', 'type', 'reason', 'error', 'failed at', 'attempts', 'receives', 'attributes', 'body'].map(h => el('th', {}, h)))),
        el('tbody', {}, ...rows)) : el('p', {}, 'No messages.'));
    } catch (e) { status('peek refused: ' + e.message); }
  }
  return el('div', { class: 'dlq-panel', id: 'dlq-' + name, 'data-dlq': name },
    el('h3', {}, name, ' ', el('small', { id: 'dlq-depth-' + name }, '…'), ' → redrives to ' + q.name),
    el('button', { class: 'peek', onclick: peek }, 'Peek'), ' ',
    el('button', { class: 'purge danger', onclick: purge }, 'Purge…'),
    form, confirmBox, result, peeked);
}

async function start() {
  try {
    topology = await api('/api/topology');
  } catch (e) { status('cannot load the topology: ' + e.message); return; }
  document.getElementById('source').textContent = topology.source;
  renderGraph(topology);
  renderTable(topology);
  document.getElementById('dlqs').replaceChildren(...topology.queues.filter(q => q.dlq).map(dlqPanel));
  await refresh();
  setInterval(refresh, REFRESH_MS);
}
start();
