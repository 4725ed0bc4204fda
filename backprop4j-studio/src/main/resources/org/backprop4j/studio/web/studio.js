// backprop4j studio: the page draws; the JVM trains (the library's engine) and streams frames (Server-Sent Events).
'use strict';

const $ = (id) => document.getElementById(id);
const COLOR0 = [245, 147, 34], COLOR1 = [8, 119, 189], WHITE = [255, 255, 255];

/** Counters the browser tests read: surface redraws, animation frames, frames received, and the milliseconds spent on them. */
window.studioStats = { surfaceDraws: 0, animationFrames: 0, framesReceived: 0, drawMs: 0, drawMaxMs: 0, receiveMs: 0 };

const state = window.studioState = {
  meta: null,
  runs: {},          // id → { desc, frame, gen, history: {e: [], l: [], v: []}, dirty }
  view: 'playground',
  step: null, stage: 0,
  inspect: null,
};

// ------------------------------------------------------------------ messages and requests

function showMessage(text, info) {
  const m = $('message');
  m.textContent = text;
  m.classList.toggle('info', !!info);
  m.classList.remove('hidden');
}
function clearMessage() { $('message').classList.add('hidden'); $('message').textContent = ''; }

async function api(method, path, body) {
  const opts = { method, headers: {} };
  if (body !== undefined) {
    opts.headers['Content-Type'] = 'application/json';
    opts.body = JSON.stringify(body);
  }
  let r;
  try {
    r = await fetch('/api/' + path, opts);
  } catch (e) {
    throw new Error('the studio server does not answer (was it stopped?)');
  }
  let j;
  try { j = await r.json(); } catch (e) { throw new Error('the server sent an unreadable answer (HTTP ' + r.status + ')'); }
  if (!r.ok) throw new Error(j.error || ('HTTP ' + r.status));
  return j;
}

/** Runs an action, showing its error in the message bar instead of failing silently. */
async function guarded(fn) {
  try {
    const r = await fn();
    clearMessage();
    return r;
  } catch (e) {
    showMessage(e.message);
    return null;
  }
}

// ------------------------------------------------------------------ the settings form

function option(sel, value, label) {
  const o = document.createElement('option');
  o.value = value; o.textContent = label === undefined ? value : label;
  sel.appendChild(o);
}
function fill(sel, values) { sel.innerHTML = ''; values.forEach((v) => option(sel, v)); }

function outputActivations(outputs) { return outputs === 'per-class' ? ['softmax', 'logistic'] : ['logistic', 'tanh', 'identity']; }

function renderLayers(hidden, acts) {
  const box = $('layers');
  box.innerHTML = '';
  if (hidden.length === 0) {
    const p = document.createElement('p'); p.className = 'hint'; p.textContent = 'no hidden layer: a single-layer network (linear decision boundary)';
    box.appendChild(p);
  }
  hidden.forEach((n, i) => {
    const d = document.createElement('div'); d.className = 'layer';
    const t = document.createElement('span'); t.textContent = 'hidden ' + (i + 1);
    const inp = document.createElement('input'); inp.type = 'text'; inp.value = n; inp.className = 'units'; inp.id = 'units' + (i + 1);
    const u = document.createElement('span'); u.textContent = 'units';
    const sel = document.createElement('select'); sel.className = 'act'; sel.id = 'act' + (i + 1);
    fill(sel, state.meta.hiddenActivations); sel.value = acts[i] || 'tanh';
    inp.addEventListener('change', settingsChanged); sel.addEventListener('change', settingsChanged);
    d.append(t, inp, u, sel); box.appendChild(d);
  });
}

function currentLayers() {
  return [...document.querySelectorAll('#layers .layer')].map((d) => ({ units: d.querySelector('.units').value, act: d.querySelector('.act').value }));
}

function renderOptParams(name, values) {
  const box = $('optParams');
  box.innerHTML = '';
  const defs = state.meta.optimizers[name];
  for (const k of Object.keys(defs)) {
    const l = document.createElement('label');
    l.append(document.createTextNode(k + ' '));
    const inp = document.createElement('input'); inp.type = 'text'; inp.dataset.key = k; inp.id = 'opt-' + k.replace(/[^a-z0-9]/g, '_');
    inp.value = values && values[k] !== undefined ? values[k] : defs[k];
    inp.addEventListener('change', settingsChanged);
    l.appendChild(inp); box.appendChild(l);
  }
}

function asNumberOrText(s) {
  const t = String(s).trim();
  return /^-?\d+$/.test(t) ? Number(t) : t;
}

/** The settings as the server takes them; numbers are sent as typed, and the server checks them. */
function formConfig() {
  const layers = currentLayers();
  const mode = $('mode').value;
  const params = {};
  document.querySelectorAll('#optParams input').forEach((i) => { params[i.dataset.key] = i.value.trim(); });
  return {
    dataset: $('dataset').value,
    patterns: $('patterns').value.trim(), noise: $('noise').value.trim(), dataSeed: $('dataSeed').value.trim(),
    validation: $('validation').value.trim(),
    hidden: layers.map((l) => asNumberOrText(l.units)), activations: layers.map((l) => l.act),
    outputs: $('outputs').value, outputActivation: $('outputActivation').value, loss: $('loss').value,
    init: $('init').value, scaling: $('scaling').value, seed: $('seed').value.trim(),
    optimizer: $('optimizer').value, optimizerParams: params,
    batch: mode === 'full' ? 0 : mode === 'online' ? 1 : $('batch').value.trim(),
    lambda: $('lambda').value.trim(), maxEpochs: $('maxEpochs').value.trim(), speed: $('speed').value,
  };
}

function applyConfig(c) {
  $('dataset').value = c.dataset;
  $('datasetDescription').textContent = (state.meta.datasets.find((d) => d.name === c.dataset) || {}).description || '';
  $('csvRow').classList.toggle('hidden', c.dataset !== 'csv');
  $('patterns').value = c.patterns; $('noise').value = c.noise; $('dataSeed').value = c.dataSeed; $('validation').value = c.validation;
  renderLayers(c.hidden, c.activations);
  $('outputs').value = c.outputs;
  fill($('outputActivation'), outputActivations(c.outputs)); $('outputActivation').value = c.outputActivation;
  $('loss').value = c.loss; $('init').value = c.init; $('scaling').value = c.scaling; $('seed').value = c.seed;
  $('optimizer').value = c.optimizer; renderOptParams(c.optimizer, c.optimizerParams);
  $('mode').value = c.batch === 0 ? 'full' : c.batch === 1 ? 'online' : 'mini';
  $('batch').value = c.batch > 1 ? c.batch : 16;
  $('batchRow').classList.toggle('hidden', $('mode').value !== 'mini');
  $('lambda').value = c.lambda; $('maxEpochs').value = c.maxEpochs; $('speed').value = String(c.speed);
}

let settingsTimer = null;
function settingsChanged() {
  clearTimeout(settingsTimer);
  settingsTimer = setTimeout(() => setupMain(), 150);
}

let userCsv = null;

async function setupMain() {
  const body = { run: 'main', config: formConfig() };
  if (userCsv !== null) body.csv = userCsv;
  const d = await guarded(() => api('POST', 'run', body));
  if (!d) return;
  userCsv = null;
  adoptRun(d);
}

function adoptRun(d) {
  state.runs[d.run] = { desc: d, gen: d.gen, frame: null, history: { e: [], l: [], v: [] }, dirty: true };
  const waiting = early[d.run] || [];
  delete early[d.run];
  for (const m of waiting) if (m.frame.gen === d.gen) receive(m);
  if (d.run === 'main') {
    $('datasetDescription').textContent = d.description;
    $('stopReason').textContent = '';
  }
}

async function control(run, action, extra) {
  return guarded(() => api('POST', 'control', Object.assign({ run, action }, extra || {})));
}

// ------------------------------------------------------------------ the event stream

let stream = null, lastEvent = 0;
function connect() {
  if (stream) stream.close();
  const es = stream = new EventSource('/api/events');
  lastEvent = performance.now();
  es.onopen = () => { $('connection').textContent = 'connected'; $('connection').classList.add('ok'); };
  es.onerror = () => { $('connection').textContent = 'reconnecting…'; $('connection').classList.remove('ok'); };
  es.addEventListener('ping', () => { lastEvent = performance.now(); });
  es.addEventListener('frame', (ev) => {
    const t0 = lastEvent = performance.now();
    receive(JSON.parse(ev.data));
    window.studioStats.receiveMs += performance.now() - t0;
  });
}

const early = {};   // frames of a run whose set-up answer has not arrived yet: run → [messages]

function receive(m) {
  const f = m.frame;
  const r = state.runs[f.run];
  if (!r || f.gen > r.gen) {   // the stream can be faster than the answer to the POST that made the run
    if (!early[f.run] || early[f.run][0].frame.gen !== f.gen) early[f.run] = [];
    early[f.run].push(m);
    return;
  }
  if (r.gen !== f.gen) return;   // a frame of a run the page has replaced
  for (const h of m.history) { r.history.e.push(h[0]); r.history.l.push(h[1]); r.history.v.push(h[2]); }
  r.frame = f; r.dirty = true;
  window.studioStats.framesReceived++;
}

// the server sends at least a ping every second: after 4 s of silence the stream is stuck, open a new one
setInterval(() => {
  if (stream && performance.now() - lastEvent > 4000) { window.studioStats.reconnects = (window.studioStats.reconnects || 0) + 1; connect(); }
}, 1000);

// ------------------------------------------------------------------ drawing

function mix(v) {
  // v in [0,1]: class 0 colour → white → class 1 colour
  // at most 80% of the class colour, so that the training points (full colour, dark rim) stand out
  const a = v < 0.5 ? COLOR0 : COLOR1, t = 0.8 * (v < 0.5 ? (0.5 - v) * 2 : (v - 0.5) * 2);
  return [WHITE[0] + (a[0] - WHITE[0]) * t, WHITE[1] + (a[1] - WHITE[1]) * t, WHITE[2] + (a[2] - WHITE[2]) * t];
}
const PALETTE = (() => { const p = []; for (let i = 0; i < 256; i++) p.push(mix(i / 255)); return p; })();

function decode(b64) {
  const s = atob(b64), a = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) a[i] = s.charCodeAt(i);
  return a;
}

// the palette as 32-bit RGBA pixels in the platform's byte order, for one typed-array write per grid point
const PIXELS = (() => {
  const p = new Uint32Array(256), b = new Uint8ClampedArray(p.buffer);
  for (let i = 0; i < 256; i++) { const c = PALETTE[i]; b[4 * i] = c[0]; b[4 * i + 1] = c[1]; b[4 * i + 2] = c[2]; b[4 * i + 3] = 255; }
  return p;
})();

const offscreen = {};
/** A canvas of the grid's size holding the picture of {@code bytes} (kept per key with its ImageData, and reused). */
function imageCanvas(key, bytes, g) {
  let o = offscreen[key];
  if (!o || o.canvas.width !== g) {
    const canvas = document.createElement('canvas'); canvas.width = g; canvas.height = g;
    const ctx = canvas.getContext('2d'), img = ctx.createImageData(g, g);
    o = offscreen[key] = { canvas, ctx, img, pixels: new Uint32Array(img.data.buffer) };
  }
  const px = o.pixels;
  for (let i = 0; i < g * g; i++) px[i] = PIXELS[bytes[i]];
  o.ctx.putImageData(o.img, 0, 0);
  return o.canvas;
}

const overlays = new WeakMap();   // run description → {key: canvas}: its training points and axis labels, drawn once
/** The surface's static layer for {@code desc} on a W×H canvas: the data points and the axes' ranges. */
function pointsOverlay(desc, W, H) {
  let byDesc = overlays.get(desc);
  if (!byDesc) overlays.set(desc, byDesc = {});
  const key = W + 'x' + H;
  if (byDesc[key]) return byDesc[key];
  const c = document.createElement('canvas'); c.width = W; c.height = H;
  const ctx = c.getContext('2d');
  const d = desc.domain;
  const px = (x) => (x - d[0]) / (d[1] - d[0]) * W, py = (y) => (d[3] - y) / (d[3] - d[2]) * H;
  const dot = (p, hollow) => {
    ctx.beginPath(); ctx.arc(px(p[0]), py(p[1]), desc.train.length > 300 ? 3 : 4.5, 0, 2 * Math.PI);
    const col = p[2] === 1 ? COLOR1 : COLOR0;
    if (hollow) { ctx.fillStyle = '#fff'; ctx.fill(); ctx.lineWidth = 2.5; ctx.strokeStyle = `rgb(${col})`; ctx.stroke(); }
    else { ctx.fillStyle = `rgb(${col})`; ctx.fill(); ctx.lineWidth = 1; ctx.strokeStyle = '#222'; ctx.stroke(); }
  };
  desc.train.forEach((p) => dot(p, false));
  (desc.validation || []).forEach((p) => dot(p, true));
  ctx.fillStyle = 'rgba(0,0,0,.55)'; ctx.font = '10px sans-serif';
  ctx.fillText('x1 ' + d[0].toFixed(2) + ' … ' + d[1].toFixed(2), 4, H - 4);
  ctx.save(); ctx.translate(10, H - 70); ctx.rotate(-Math.PI / 2); ctx.fillText('x2 ' + d[2].toFixed(2) + ' … ' + d[3].toFixed(2), 0, 0); ctx.restore();
  return byDesc[key] = c;
}

/** The decision surface at grid resolution, scaled up with smoothing, under its points (cached: they do not move). */
function drawSurface(canvas, frame, desc, key) {
  const ctx = canvas.getContext('2d');
  const W = canvas.width, H = canvas.height;
  const img = imageCanvas(key, decode(frame.surface), frame.grid);
  ctx.imageSmoothingEnabled = true;
  ctx.drawImage(img, 0, 0, W, H);
  if (desc) ctx.drawImage(pointsOverlay(desc, W, H), 0, 0);
}

function offsets(sizes) {
  const w = [], b = []; let off = 0;
  for (let l = 1; l < sizes.length; l++) { w[l] = off; off += sizes[l] * sizes[l - 1]; b[l] = off; off += sizes[l]; }
  return { w, b };
}

function inputImage(i, g) {
  const key = 'input' + i + ':' + g;
  if (offscreen[key]) return offscreen[key].canvas;
  const bytes = new Uint8Array(g * g);
  for (let r = 0; r < g; r++) for (let c = 0; c < g; c++) bytes[r * g + c] = Math.round(255 * (i === 0 ? c / (g - 1) : 1 - r / (g - 1)));
  return imageCanvas(key, bytes, g);
}

/** The network: units as pictures of their own output, edges by weight. */
function drawDiagram(canvas, sizes, acts, frame, params) {
  const ctx = canvas.getContext('2d');
  const W = canvas.width, H = canvas.height;
  ctx.clearRect(0, 0, W, H);
  const L = sizes.length - 1;
  const maxUnits = Math.max(...sizes);
  const box = Math.max(12, Math.min(44, Math.floor((H - 40) / maxUnits) - 6));
  const xs = sizes.map((_, l) => 30 + l * (W - 60 - box) / Math.max(1, L));
  const pos = sizes.map((n, l) => { const ys = []; const gap = (H - 30) / n; for (let t = 0; t < n; t++) ys.push(20 + gap * (t + 0.5) - box / 2); return ys.map((y) => [xs[l], y]); });
  const off = offsets(sizes);
  let maxW = 0;
  if (params) for (const v of params) maxW = Math.max(maxW, Math.abs(v));
  for (let l = 1; l <= L; l++) {
    for (let t = 0; t < sizes[l]; t++) {
      for (let u = 0; u < sizes[l - 1]; u++) {
        const w = params ? params[off.w[l] + t * sizes[l - 1] + u] : 0;
        const a = pos[l - 1][u], b = pos[l][t];
        ctx.beginPath(); ctx.moveTo(a[0] + box, a[1] + box / 2); ctx.lineTo(b[0], b[1] + box / 2);
        ctx.lineWidth = Math.min(8, 0.5 + 6 * Math.abs(w) / Math.max(1, maxW));
        const c = w >= 0 ? COLOR1 : COLOR0;
        ctx.strokeStyle = `rgba(${c},${0.25 + 0.75 * Math.min(1, Math.abs(w) / Math.max(0.5, maxW))})`;
        ctx.stroke();
      }
    }
  }
  for (let l = 0; l <= L; l++) {
    for (let t = 0; t < sizes[l]; t++) {
      const [x, y] = pos[l][t];
      let img = null;
      if (l === 0 && sizes[0] === 2) img = inputImage(t, 24);
      else if (l > 0 && frame && frame.units) img = imageCanvas('u' + canvas.id + l + ':' + t, decode(frame.units[l - 1][t]), frame.unitGrid);
      if (img) { ctx.imageSmoothingEnabled = true; ctx.drawImage(img, x, y, box, box); }
      else { ctx.fillStyle = '#eee'; ctx.fillRect(x, y, box, box); }
      ctx.strokeStyle = '#333'; ctx.lineWidth = 1; ctx.strokeRect(x, y, box, box);
      if (l > 0 && params) {
        const bias = params[off.b[l] + t];
        ctx.fillStyle = bias >= 0 ? `rgb(${COLOR1})` : `rgb(${COLOR0})`;
        ctx.beginPath(); ctx.arc(x - 4, y + box, 3 + Math.min(3, Math.abs(bias)), 0, 2 * Math.PI); ctx.fill();
      }
    }
    ctx.fillStyle = '#333'; ctx.font = '11px sans-serif';
    const name = l === 0 ? 'inputs' : l === L ? 'output (' + acts[l - 1] + ')' : 'hidden ' + l + ' (' + acts[l - 1] + ')';
    ctx.fillText(name, xs[l] - 10, H - 4);
    if (l === 0 && sizes[0] === 2) { ctx.fillText('x1', xs[0] - 22, pos[0][0][1] + box / 2 + 4); ctx.fillText('x2', xs[0] - 22, pos[0][1][1] + box / 2 + 4); }
  }
}

/** Loss curves, log scale; series: {e, y, color, dash}. */
function drawChart(canvas, series) {
  const ctx = canvas.getContext('2d');
  const W = canvas.width, H = canvas.height, left = 46, bottom = 22, top = 8, right = 8;
  ctx.clearRect(0, 0, W, H);
  let maxE = 1, lo = Infinity, hi = -Infinity;
  for (const s of series) {
    if (s.e.length) maxE = Math.max(maxE, s.e[s.e.length - 1]);
    for (let i = 0; i < s.y.length; i += Math.max(1, Math.floor(s.y.length / 2000))) {
      const v = s.y[i]; if (v > 0 && isFinite(v)) { lo = Math.min(lo, v); hi = Math.max(hi, v); }
    }
    const v = s.y[s.y.length - 1]; if (v > 0 && isFinite(v)) { lo = Math.min(lo, v); hi = Math.max(hi, v); }
  }
  ctx.strokeStyle = '#999'; ctx.lineWidth = 1;
  ctx.beginPath(); ctx.moveTo(left, top); ctx.lineTo(left, H - bottom); ctx.lineTo(W - right, H - bottom); ctx.stroke();
  ctx.fillStyle = '#555'; ctx.font = '10px sans-serif';
  ctx.fillText('epoch ' + maxE, W - right - 60, H - 6); ctx.fillText('0', left - 4, H - 6);
  if (!isFinite(lo)) return;
  let a = Math.floor(Math.log10(lo)), b = Math.ceil(Math.log10(hi));
  if (a === b) { a -= 1; b += 1; }
  const X = (e) => left + (W - left - right) * e / maxE, Y = (v) => top + (H - top - bottom) * (b - Math.log10(v)) / (b - a);
  for (let k = a; k <= b; k++) {
    ctx.fillText('1e' + k, 4, Y(Math.pow(10, k)) + 3);
    ctx.strokeStyle = '#eee'; ctx.beginPath(); ctx.moveTo(left, Y(Math.pow(10, k))); ctx.lineTo(W - right, Y(Math.pow(10, k))); ctx.stroke();
  }
  for (const s of series) {
    const n = s.e.length; if (!n) continue;
    const stride = Math.max(1, Math.floor(n / (2 * (W - left))));
    ctx.beginPath(); ctx.strokeStyle = s.color; ctx.lineWidth = 1.5; ctx.setLineDash(s.dash ? [4, 3] : []);
    let started = false;
    for (let i = 0; i < n; i += stride) {
      const v = s.y[i]; if (!(v > 0) || !isFinite(v)) continue;
      if (!started) { ctx.moveTo(X(s.e[i]), Y(v)); started = true; } else ctx.lineTo(X(s.e[i]), Y(v));
    }
    const v = s.y[n - 1]; if (v > 0 && isFinite(v)) ctx.lineTo(X(s.e[n - 1]), Y(v));
    ctx.stroke(); ctx.setLineDash([]);
  }
}

function pct(v) { return v === undefined || v === null || isNaN(v) ? '–' : (100 * v).toFixed(1) + '%'; }
function fmt(v) { return v === undefined || v === null || !isFinite(v) ? '–' : v.toPrecision(5); }

/** Sets an element's text only when it changes: an unchanged write still makes the browser lay the page out again. */
function setText(id, v) {
  const e = $(id), t = String(v);
  if (e.textContent !== t) e.textContent = t;
}

function drawMain() {
  const r = state.runs.main;
  if (!r) return;
  const f = r.frame, d = r.desc;
  if (f) {
    drawSurface($('surface'), f, d, 'main');
    window.studioStats.surfaceDraws++;
    setText('epoch', f.epoch);
    const n = r.history.l.length;
    setText('trainLoss', n ? fmt(r.history.l[n - 1]) : '–');
    setText('valLoss', n ? fmt(r.history.v[n - 1]) : '–');
    setText('trainAcc', pct(f.trainAccuracy));
    setText('valAcc', pct(f.validationAccuracy));
    setText('state', f.state === 'done' ? 'finished' : f.state);
    setText('play', f.state === 'running' ? '❚❚ pause' : '▶ play');
    setText('stopReason', f.state === 'done' && f.stopReason ? 'stopped: ' + f.stopReason : '');
  }
  drawDiagram($('diagram'), d.sizes, d.activations, f, f ? f.params : null);
  drawChart($('lossChart'), [
    { e: r.history.e, y: r.history.l, color: '#0877bd' },
    { e: r.history.e, y: r.history.v, color: '#c2410c', dash: true },
  ]);
}

function drawCompare() {
  const series = [];
  for (const [id, canvas, color] of [['a', 'surfaceA', '#0877bd'], ['b', 'surfaceB', '#c2410c']]) {
    const r = state.runs[id];
    if (!r) continue;
    if (r.frame) {
      drawSurface($(canvas), r.frame, r.desc, id);
      const n = r.history.l.length;
      $('cmpStatus' + id.toUpperCase()).textContent = r.desc.sizes.join('-') + ', epoch ' + r.frame.epoch + ', loss ' + (n ? fmt(r.history.l[n - 1]) : '–')
        + ', accuracy ' + pct(r.frame.trainAccuracy) + (r.frame.state === 'done' ? ' (finished)' : '');
    }
    series.push({ e: r.history.e, y: r.history.l, color }, { e: r.history.e, y: r.history.v, color, dash: true });
  }
  drawChart($('cmpChart'), series);
}

function animate() {
  const stats = window.studioStats, t0 = performance.now();
  stats.animationFrames++;
  try {
    const main = state.runs.main;
    if (main && main.dirty && state.view === 'playground') { main.dirty = false; drawMain(); }
    if (state.view === 'compare' && ((state.runs.a && state.runs.a.dirty) || (state.runs.b && state.runs.b.dirty))) {
      if (state.runs.a) state.runs.a.dirty = false;
      if (state.runs.b) state.runs.b.dirty = false;
      drawCompare();
    }
  } catch (e) {
    window.studioStats.lastError = String(e && e.stack || e);   // a drawing bug must not stop the animation
  } finally {
    const ms = performance.now() - t0;
    stats.drawMs += ms; stats.drawMaxMs = Math.max(stats.drawMaxMs, ms);
    requestAnimationFrame(animate);
  }
}

// ------------------------------------------------------------------ step-through

function esc(s) { return String(s).replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' }[c])); }
function notation(s) { return esc(s).replace(/_([A-Za-z0-9]+)/g, '<sub>$1</sub>').replace(/\^new/g, '<sup>new</sup>'); }

async function loadStep() {
  const src = $('stepSource').value;
  const body = { source: src, eta: Number($('stepEta').value.trim()) };
  if (!/^\s*[-+0-9.eE]+\s*$/.test($('stepEta').value)) body.eta = $('stepEta').value;
  if (src === 'run') body.pattern = asNumberOrText($('stepPattern').value);
  const s = await guarded(() => api('POST', 'stepthrough', body));
  if (!s) return;
  state.step = s; state.stage = 0;
  renderStep();
}

function renderStep() {
  const s = state.step;
  if (!s) return;
  $('stepTitle').textContent = s.title + (s.error ? ' — E_p = ' + s.error : '');
  $('stepStage').textContent = 'stage ' + (state.stage + 1) + ' of ' + s.stages.length + ': ' + s.stages[state.stage].name;
  const panel = $('stepPanel');
  panel.innerHTML = '';
  s.stages.forEach((st, i) => {
    if (i > state.stage) return;
    const div = document.createElement('div'); div.className = 'stage' + (i === state.stage ? ' current' : ''); div.id = 'stage-' + i;
    const h = document.createElement('h4'); h.textContent = (i + 1) + '. ' + st.name; div.appendChild(h);
    for (const ln of st.lines) {
      const d = document.createElement('div'); d.className = 'line';
      let html = '<span class="formula">' + notation(ln.formula) + '</span>';
      if (ln.substituted) html += ' = <span class="subst">' + esc(ln.substituted) + '</span>';
      if (ln.value !== '') html += ' = <span class="value" data-key="' + esc(ln.key) + '">' + esc(ln.value) + '</span>';
      d.innerHTML = html;
      div.appendChild(d);
    }
    panel.appendChild(div);
  });
  const cur = $('stage-' + state.stage);
  if (cur) cur.scrollIntoView({ block: 'nearest' });
  drawStepDiagram();
}

const SVGNS = 'http://www.w3.org/2000/svg';
function svg(tag, attrs, text) {
  const e = document.createElementNS(SVGNS, tag);
  for (const k in attrs) e.setAttribute(k, attrs[k]);
  if (text !== undefined) e.textContent = text;
  return e;
}

/** The pattern's network with the values of the stages reached so far on units and edges. */
function drawStepDiagram() {
  const s = state.step, st = state.stage, root = $('stepDiagram');
  root.innerHTML = '';
  const sizes = s.sizes, L = sizes.length - 1, W = 560, H = 400;
  const xs = sizes.map((_, l) => 60 + l * (W - 160) / L);
  const ys = sizes.map((n) => { const a = []; for (let t = 0; t < n; t++) a.push(40 + (H - 80) * (t + 0.5) / n); return a; });
  for (let l = 1; l <= L; l++) {
    for (let t = 0; t < sizes[l]; t++) {
      for (let u = 0; u < sizes[l - 1]; u++) {
        const wv = s.weights[l - 1][t][u];
        const x1 = xs[l - 1] + 26, y1 = ys[l - 1][u], x2 = xs[l] - 26, y2 = ys[l][t];
        const w = parseFloat(wv.w);
        root.appendChild(svg('line', { x1, y1, x2, y2, stroke: w >= 0 ? '#0877bd' : '#f59322', 'stroke-width': Math.min(5, 1 + Math.abs(w)), opacity: 0.6 }));
        const label = st >= 4 ? 'new ' + wv.new : st >= 3 ? '∂E/∂w ' + wv.grad : 'w ' + wv.w;
        // labels of edges from the upper units near their source, from the lower units near their target: crossing edges do not collide
        const fx = sizes[l - 1] === 1 ? 0.5 : 0.2 + 0.6 * u / (sizes[l - 1] - 1);
        root.appendChild(svg('text', { x: x1 + (x2 - x1) * fx, y: y1 + (y2 - y1) * fx - 3, class: 'edge', 'font-size': 10, fill: '#333', 'text-anchor': 'middle' }, label));
      }
    }
  }
  for (let l = 0; l <= L; l++) {
    for (let t = 0; t < sizes[l]; t++) {
      const u = s.units[l][t], x = xs[l], y = ys[l][t];
      root.appendChild(svg('circle', { cx: x, cy: y, r: 24, fill: l === 0 ? '#eef' : '#fff', stroke: '#183153', 'stroke-width': 1.5 }));
      const lines = [];
      if (l === 0) lines.push('x=' + u.o);
      else {
        lines.push('net ' + u.net, 'o ' + u.o);
        const deltaShown = (l === L && st >= 1) || (l < L && st >= 2);
        if (deltaShown) lines.push('δ ' + u.delta);
      }
      lines.forEach((txt, i) => root.appendChild(svg('text', { x, y: y - 28 - 12 * (lines.length - 1 - i), 'font-size': 10, 'text-anchor': 'middle', fill: i === 2 ? '#c2410c' : '#183153' }, txt)));
      root.appendChild(svg('text', { x, y: y + 4, 'font-size': 11, 'text-anchor': 'middle', fill: '#183153' },
        l === 0 ? 'x' + (t + 1) : (l === L ? 'k' : 'j') + (t + 1)));
      if (l === L) root.appendChild(svg('text', { x: x + 30, y: y + 4, 'font-size': 10, fill: '#555' }, 'd=' + u.d));
      if (l > 0) {
        const b = s.weights[l - 1][t][sizes[l - 1]];
        root.appendChild(svg('text', { x, y: y + 38, 'font-size': 10, 'text-anchor': 'middle', fill: '#555' },
          st >= 4 ? 'b new ' + b.new : st >= 3 ? '∂E/∂b ' + b.grad : 'b ' + b.w));
      }
    }
    root.appendChild(svg('text', { x: xs[l], y: H - 8, 'font-size': 11, 'text-anchor': 'middle', fill: '#555' },
      l === 0 ? 'input' : (l === L ? 'output' : 'hidden') + ' (' + s.activations[l - 1] + ')'));
  }
}

// ------------------------------------------------------------------ compare

function cmpConfig(id) {
  const base = formConfig();
  const X = id.toUpperCase();
  const opt = $('cmpOptimizer' + X).value;
  const lrKey = Object.keys(state.meta.optimizers[opt]).find((k) => k === 'lr' || k === 'delta0');
  base.optimizer = opt;
  base.optimizerParams = {};
  if (lrKey && $('cmpLr' + X).value.trim() !== '') base.optimizerParams[lrKey] = $('cmpLr' + X).value.trim();
  if (opt === 'momentum' || opt === 'nesterov') base.optimizerParams.momentum = '0.9';
  base.batch = asNumberOrText($('cmpBatch' + X).value);
  const h = $('cmpHidden' + X).value.trim();
  base.hidden = h === '' ? [] : h.split(/[ ,]+/).map(asNumberOrText);
  // the playground's activation per layer when the layer count agrees, else its first one for every layer
  const acts = base.activations;
  base.activations = base.hidden.map((_, i) => (acts.length === base.hidden.length ? acts[i] : acts[0]) || 'tanh');
  base.lambda = $('cmpLambda' + X).value.trim() || '0';
  return base;
}

function cmpPreset(p) {
  const c = formConfig();
  const hidden = c.hidden.join(',');
  const set = (X, opt, lr, batch, hid) => { $('cmpOptimizer' + X).value = opt; $('cmpLr' + X).value = lr; $('cmpBatch' + X).value = batch; $('cmpHidden' + X).value = hid; $('cmpLambda' + X).value = '0'; };
  if (p === 'gd-rprop') { set('A', 'sgd', '0.5', 0, hidden || '4'); set('B', 'irprop-', '0.1', 0, hidden || '4'); }
  else if (p === 'online-batch') { set('A', 'sgd', '0.1', 1, hidden || '4'); set('B', 'sgd', '0.1', 0, hidden || '4'); }
  else if (p === 'hidden') { set('A', 'sgd', '0.5', 0, hidden || '2'); set('B', 'sgd', '0.5', 0, ''); }
}

async function cmpSetup() {
  $('cmpInitial').textContent = '';
  for (const id of ['a', 'b']) {
    const d = await guarded(() => api('POST', 'run', { run: id, config: cmpConfig(id) }));
    if (!d) return false;
    adoptRun(d);
  }
  // what the two runs share before their first epoch: the data, and which layers start with the same weights
  const c = await guarded(() => api('GET', 'compare'));
  if (c) { $('cmpInitial').textContent = c.message; state.compare = c; }
  return true;
}

// ------------------------------------------------------------------ share and inspect

async function exportRun() {
  const e = await guarded(() => api('GET', 'export?run=main'));
  if (!e) return;
  $('exportCommand').textContent = e.command;
  $('exportCsv').href = '/api/export/data.csv?run=main';
  $('exportCsv').setAttribute('download', e.csvName);
  $('exportCsv').textContent = 'data file ' + e.csvName;
  $('exportModel').href = '/api/export/model.json?run=main';
  $('exportModel').setAttribute('download', 'studio-model.json');
  $('exportLinks').classList.remove('hidden');
}

async function inspectModel(file) {
  const text = await file.text();
  const m = await guarded(() => api('POST', 'inspect', { name: file.name, text }));
  if (!m) return;
  state.inspect = m;
  const s = $('inspectSummary');
  s.innerHTML = '';
  const dl = document.createElement('dl'); dl.className = 'info';
  const add = (k, v) => { const dt = document.createElement('dt'); dt.textContent = k; const dd = document.createElement('dd'); dd.textContent = v; dl.append(dt, dd); };
  add('file', m.name); add('network', m.describe); add('loss', m.loss); add('parameters', m.parameters);
  add('inputs', (m.inputNames || []).join(', ') || '–');
  if (m.classNames) add('classes', m.classNames.join(', '));
  for (const [k, v] of Object.entries(m.training || {})) if (v !== null && k !== 'resolved') add('training: ' + k, typeof v === 'object' ? JSON.stringify(v) : v);
  for (const [k, v] of Object.entries(m.outcome || {})) if (v !== 'NaN' && v !== null) add('outcome: ' + k, v);
  for (const [k, v] of Object.entries(m.data || {})) add('data: ' + k, v);
  s.appendChild(dl);
  drawDiagram($('inspectDiagram'), m.sizes, m.activations, m.frame || null, m.params);
  const has = !!m.frame;
  $('inspectSurface').classList.toggle('hidden', !has); $('inspectSurfaceTitle').classList.toggle('hidden', !has);
  if (has) drawSurface($('inspectSurface'), m.frame, { domain: m.domain, train: [] }, 'inspect');
  const box = $('inspectWeights'); box.innerHTML = '';
  const off = offsets(m.sizes);
  for (let l = 1; l < m.sizes.length; l++) {
    const h = document.createElement('h3'); h.textContent = 'layer ' + l + ': W (' + m.sizes[l] + '×' + m.sizes[l - 1] + ') and b'; box.appendChild(h);
    const t = document.createElement('table'); t.className = 'weights';
    for (let r = 0; r < m.sizes[l]; r++) {
      const tr = document.createElement('tr');
      for (let c = 0; c <= m.sizes[l - 1]; c++) {
        const td = document.createElement('td');
        td.textContent = c < m.sizes[l - 1] ? m.params[off.w[l] + r * m.sizes[l - 1] + c] : 'b ' + m.params[off.b[l] + r];
        tr.appendChild(td);
      }
      t.appendChild(tr);
    }
    box.appendChild(t);
  }
}

// ------------------------------------------------------------------ wiring

function showView(v) {
  state.view = v;
  document.querySelectorAll('.view').forEach((e) => e.classList.toggle('hidden', e.id !== 'view-' + v));
  document.querySelectorAll('#tabs button').forEach((b) => b.classList.toggle('active', b.dataset.view === v));
  if (state.runs.main) state.runs.main.dirty = true;
  if (state.runs.a) state.runs.a.dirty = true;
  if (state.runs.b) state.runs.b.dirty = true;
  if (v === 'step' && !state.step) loadStep();
}

async function init() {
  state.meta = await guarded(() => api('GET', 'meta'));
  if (!state.meta) return;
  const m = state.meta;
  // run B's column: run A's, with its ids and title renamed
  $('cmpColumnB').innerHTML = $('cmpColumnA').innerHTML.replace(/(id="[A-Za-z]+)A"/g, '$1B"').replace('Run A', 'Run B');
  m.datasets.forEach((d) => option($('dataset'), d.name));
  fill($('loss'), m.losses); fill($('init'), m.inits); fill($('scaling'), m.scalings);
  for (const sel of [$('optimizer'), $('cmpOptimizerA'), $('cmpOptimizerB')]) fill(sel, Object.keys(m.optimizers));
  applyConfig(m.defaults);
  document.querySelectorAll('#tabs button').forEach((b) => b.addEventListener('click', () => showView(b.dataset.view)));
  for (const id of ['patterns', 'noise', 'dataSeed', 'validation', 'init', 'scaling', 'seed', 'batch', 'lambda', 'maxEpochs', 'speed', 'loss', 'outputActivation']) {
    $(id).addEventListener('change', settingsChanged);
  }
  $('dataset').addEventListener('change', () => {
    const csv = $('dataset').value === 'csv';
    $('csvRow').classList.toggle('hidden', !csv);
    if ($('dataset').value === 'xor') $('validation').value = '0';
    else if ($('validation').value === '0') $('validation').value = '0.2';
    if (!csv) settingsChanged();
  });
  $('csvFile').addEventListener('change', async () => {
    const f = $('csvFile').files[0];
    if (!f) return;
    userCsv = await f.text();
    setupMain();
  });
  $('outputs').addEventListener('change', () => {
    const per = $('outputs').value === 'per-class';
    fill($('outputActivation'), outputActivations($('outputs').value));
    $('loss').value = per ? 'ce' : 'bce';
    $('scaling').value = per ? 'standardize' : 'none';
    settingsChanged();
  });
  $('optimizer').addEventListener('change', () => {
    renderOptParams($('optimizer').value);
    if (m.fullBatchOnly.includes($('optimizer').value)) { $('mode').value = 'full'; $('batchRow').classList.add('hidden'); }
    settingsChanged();
  });
  $('mode').addEventListener('change', () => { $('batchRow').classList.toggle('hidden', $('mode').value !== 'mini'); settingsChanged(); });
  $('addLayer').addEventListener('click', () => {
    const l = currentLayers();
    if (l.length >= m.maxHiddenLayers) { showMessage('at most ' + m.maxHiddenLayers + ' hidden layers'); return; }
    l.push({ units: 4, act: l.length ? l[l.length - 1].act : 'tanh' });
    renderLayers(l.map((x) => x.units), l.map((x) => x.act)); settingsChanged();
  });
  $('removeLayer').addEventListener('click', () => {
    const l = currentLayers(); l.pop();
    renderLayers(l.map((x) => x.units), l.map((x) => x.act)); settingsChanged();
  });
  $('reset').addEventListener('click', setupMain);
  $('play').addEventListener('click', () => {
    const r = state.runs.main;
    control('main', r && r.frame && r.frame.state === 'running' ? 'pause' : 'play');
  });
  $('step').addEventListener('click', () => control('main', 'step', { epochs: 1 }));
  $('stepSource').addEventListener('change', () => { $('stepPatternRow').classList.toggle('hidden', $('stepSource').value !== 'run'); });
  $('stepLoad').addEventListener('click', loadStep);
  $('stepNext').addEventListener('click', () => { if (state.step && state.stage < state.step.stages.length - 1) { state.stage++; renderStep(); } });
  $('stepPrev').addEventListener('click', () => { if (state.step && state.stage > 0) { state.stage--; renderStep(); } });
  $('cmpPreset').addEventListener('change', () => cmpPreset($('cmpPreset').value));
  $('cmpSetup').addEventListener('click', cmpSetup);
  $('cmpPlay').addEventListener('click', async () => { if (!state.runs.a || !state.runs.b) { if (!(await cmpSetup())) return; } control('a', 'play'); control('b', 'play'); });
  $('cmpPause').addEventListener('click', () => { control('a', 'pause'); control('b', 'pause'); });
  $('cmpStep').addEventListener('click', () => { control('a', 'step', { epochs: 1 }); control('b', 'step', { epochs: 1 }); });
  cmpPreset('gd-rprop');
  $('exportBtn').addEventListener('click', exportRun);
  $('modelFile').addEventListener('change', () => { const f = $('modelFile').files[0]; if (f) inspectModel(f); });
  connect();
  await setupMain();
  requestAnimationFrame(animate);
  document.body.dataset.ready = 'true';
}

document.addEventListener('DOMContentLoaded', init);
