// iotemu web console: plain JS over the emulator's own APIs (no build step,
// nothing loaded from elsewhere). Every value from the emulator is put in
// the page as text, never as HTML.
"use strict";

const $ = (id) => document.getElementById(id);
const el = (tag, props, ...kids) => {
  const e = document.createElement(tag);
  Object.assign(e, props || {});
  for (const k of kids) e.append(k instanceof Node ? k : document.createTextNode(String(k)));
  return e;
};
const json = (v) => JSON.stringify(v, null, 2);

// MQTT topic filter matching (+ one level, # the rest; $ topics only by name).
function matches(filter, topic) {
  if (filter === "" || filter === "#") return !topic.startsWith("$");
  const f = filter.split("/"), t = topic.split("/");
  for (let i = 0; i < f.length; i++) {
    if (f[i] === "#") return true;
    if (i >= t.length) return false;
    if (f[i] !== "+" && f[i] !== t[i]) return false;
  }
  return f.length === t.length;
}

// ---- live message stream and per-topic rates ----
const RATE_SECONDS = 60;
const rates = new Map(); // topic -> {counts: number[RATE_SECONDS], last: second}
let paused = false;
window.consoleMessages = [];

function countRate(topic, at) {
  const sec = Math.floor(at / 1000);
  let r = rates.get(topic);
  if (!r) { r = { counts: new Array(RATE_SECONDS).fill(0), last: sec }; rates.set(topic, r); }
  roll(r, sec);
  r.counts[RATE_SECONDS - 1]++;
}
function roll(r, sec) {
  const shift = Math.min(RATE_SECONDS, sec - r.last);
  for (let i = 0; i < shift; i++) { r.counts.shift(); r.counts.push(0); }
  if (shift > 0) r.last = sec;
}

function drawRates() {
  const box = $("rates");
  const now = Math.floor(Date.now() / 1000);
  const filter = $("filter").value.trim();
  const shown = [...rates.entries()].filter(([t]) => matches(filter, t))
    .sort((a, b) => sum(b[1].counts) - sum(a[1].counts)).slice(0, 8);
  box.replaceChildren();
  for (const [topic, r] of shown) {
    roll(r, now);
    const c = el("canvas", { width: 160, height: 32, title: topic });
    const g = c.getContext("2d");
    const max = Math.max(1, ...r.counts);
    g.strokeStyle = "#2563eb"; g.lineWidth = 1.5; g.beginPath();
    r.counts.forEach((n, i) => {
      const x = (i / (RATE_SECONDS - 1)) * (c.width - 2) + 1, y = c.height - 2 - (n / max) * (c.height - 4);
      i ? g.lineTo(x, y) : g.moveTo(x, y);
    });
    g.stroke();
    const perMin = sum(r.counts);
    box.append(el("div", { className: "rate" }, el("div", {}, topic), c, el("div", { className: "muted" }, `${perMin} msg/min, peak ${max}/s`)));
  }
}
const sum = (a) => a.reduce((x, y) => x + y, 0);

function addMessage(m) {
  window.consoleMessages.push(m);
  if (window.consoleMessages.length > 500) window.consoleMessages.shift();
  countRate(m.topic, Date.now());
  if (paused || !matches($("filter").value.trim(), m.topic)) return;
  const body = $("stream").tBodies[0];
  const payload = m.text !== undefined ? m.text : `(${m.bytes} bytes binary) ${m.payload || ""}`;
  const row = el("tr", {}, el("td", {}, new Date(m.at).toLocaleTimeString()), el("td", {}, m.topic),
    el("td", {}, m.qos + (m.retain ? " R" : "")), el("td", { className: "payload" }, payload));
  body.prepend(row);
  while (body.rows.length > 200) body.deleteRow(-1);
}

function openFeed() {
  const feed = new EventSource("/iotemu/console/messages");
  feed.addEventListener("ready", () => { $("feed").textContent = "feed: live"; $("feed").className = "pill on"; window.consoleReady = true; });
  feed.addEventListener("dropped", (e) => addMessage({ topic: "(console)", qos: 0, text: `${e.data} messages dropped: the page could not keep up`, bytes: 0, at: Date.now() }));
  feed.onmessage = (e) => addMessage(JSON.parse(e.data));
  feed.onerror = () => { $("feed").textContent = "feed: reconnecting"; $("feed").className = "pill off"; window.consoleReady = false; };
}

$("publish-form").addEventListener("submit", async (e) => {
  e.preventDefault();
  const topic = $("pub-topic").value, qos = $("pub-qos").value, retain = $("pub-retain").checked;
  const r = await fetch(`/topics/${encodeURIComponent(topic)}?qos=${qos}${retain ? "&retain=true" : ""}`, { method: "POST", body: $("pub-payload").value });
  $("pub-result").textContent = r.ok ? "published" : `${r.status} ${await r.text()}`;
  $("pub-result").className = r.ok ? "ok" : "bad";
});
$("pause").onclick = () => { paused = !paused; $("pause").textContent = paused ? "resume" : "pause"; };
$("clear").onclick = () => $("stream").tBodies[0].replaceChildren();

// ---- state, polled ----
function fill(table, rows) { table.tBodies[0].replaceChildren(...rows); }

function renderConnections(conns) {
  fill($("connections"), conns.map((c) => el("tr", {},
    el("td", { className: c.connected ? "ok" : "muted" }, c.clientId + (c.connected ? "" : " (session)")),
    el("td", {}, `${c.transport || ""} v${c.protocolVersion || ""}`), el("td", {}, c.principal || ""),
    el("td", { className: "payload" }, (c.subscriptions || []).map((s) => `${s.filter} (QoS ${s.qos})`).join("\n")))));
}

function renderAPIGW(conns) {
  fill($("apigw"), conns.map((c) => {
    const input = el("input", { placeholder: "message", size: 16 });
    const res = el("span");
    const post = el("button", { type: "button", onclick: async () => {
      const r = await fetch(`/iotemu/console/apigw/${encodeURIComponent(c.connectionId)}`, { method: "POST", body: input.value });
      res.textContent = r.ok ? " sent" : ` ${r.status}`; res.className = r.ok ? "ok" : "bad";
    } }, "post");
    return el("tr", {}, el("td", {}, c.connectionId), el("td", {}, `${c.apiId} / ${c.stage}`), el("td", {}, input, post, res));
  }));
}

// delta is what AWS's shadow service reports: desired members whose value
// differs from reported (recursively for objects).
function delta(desired, reported) {
  if (desired === null || typeof desired !== "object" || Array.isArray(desired)) {
    return JSON.stringify(desired) === JSON.stringify(reported) ? undefined : desired;
  }
  const out = {};
  for (const [k, v] of Object.entries(desired)) {
    if (v === null) continue;
    const d = delta(v, reported && typeof reported === "object" ? reported[k] : undefined);
    if (d !== undefined) out[k] = d;
  }
  return Object.keys(out).length ? out : undefined;
}

const editors = new Map(); // shadow key -> {box, textarea, dirty}
function renderShadows(shadows) {
  const root = $("shadows");
  const seen = new Set();
  for (const s of shadows) {
    const key = s.thing + "/" + (s.name || "");
    seen.add(key);
    let ed = editors.get(key);
    if (!ed) {
      const ta = el("textarea", { "aria-label": `desired state of ${key}` });
      ta.dataset.shadow = key;
      ed = { ta, dirty: false, sides: el("div", { className: "sides" }), head: el("h3"), res: el("span") };
      ta.oninput = () => { ed.dirty = true; };
      const btn = el("button", { type: "button", onclick: () => updateDesired(s.thing, s.name, ed) }, "update desired");
      btn.dataset.shadow = key;
      ed.box = el("div", { className: "shadow" }, ed.head, ed.sides, el("div", { className: "row" }, btn, ed.res), ta);
      editors.set(key, ed);
      root.append(ed.box);
    }
    const st = s.state || {};
    const d = delta(st.desired || {}, st.reported || {});
    ed.head.textContent = `${s.thing}${s.name ? " · " + s.name : " (classic)"} · version ${s.version}`;
    ed.sides.replaceChildren(
      el("div", {}, el("h4", {}, "desired"), el("pre", {}, json(st.desired || {}))),
      el("div", {}, el("h4", {}, "reported"), el("pre", {}, json(st.reported || {}))),
      el("div", { className: "delta" }, el("h4", {}, "delta"), el("pre", { className: "delta-doc" }, d === undefined ? "(none)" : json(d))));
    if (!ed.dirty && document.activeElement !== ed.ta) ed.ta.value = json(st.desired || {});
  }
  for (const [key, ed] of editors) if (!seen.has(key)) { ed.box.remove(); editors.delete(key); }
  if (!shadows.length && !root.querySelector(".muted")) root.append(el("p", { className: "muted" }, "no shadows yet"));
  if (shadows.length) root.querySelectorAll("p.muted").forEach((p) => p.remove());
}

async function updateDesired(thing, name, ed) {
  let desired;
  try { desired = JSON.parse(ed.ta.value); } catch (err) { ed.res.textContent = " not JSON: " + err.message; ed.res.className = "bad"; return; }
  const q = name ? `?name=${encodeURIComponent(name)}` : "";
  const r = await fetch(`/things/${encodeURIComponent(thing)}/shadow${q}`, { method: "POST", body: JSON.stringify({ state: { desired } }) });
  ed.res.textContent = r.ok ? " updated" : ` ${r.status} ${await r.text()}`;
  ed.res.className = r.ok ? "ok" : "bad";
  if (r.ok) ed.dirty = false;
  poll();
}

function renderRules(rules) {
  $("rules").replaceChildren(...(rules.length ? rules.map((r) => el("div", { className: "shadow" },
    el("h3", {}, `${r.ruleName}${r.disabled ? " (disabled)" : ""}`), el("pre", {}, r.sql),
    el("table", {}, el("thead", {}, el("tr", {}, el("th", {}, "last evaluations"), el("th", {}, "action records"))),
      el("tbody", {}, el("tr", {},
        el("td", { className: "payload" }, (r.recentMatches || []).slice(-5).reverse().map((m) =>
          `${new Date(m.time).toLocaleTimeString()} ${m.topic} ${m.error ? "error: " + m.error : m.fired ? "fired" : "WHERE false"}`).join("\n") || "none"),
        el("td", { className: "payload" }, (r.actionRecords || []).slice(-5).reverse().map((a) =>
          `${new Date(a.time).toLocaleTimeString()} ${a.type || "go"}${a.errorAction ? " (error action)" : ""} ${a.error ? "failed: " + a.error : "ok"}`).join("\n") || "none")))))) :
    [el("p", { className: "muted" }, "no rules")]));
}

function renderJobs(jobs) {
  fill($("jobs"), jobs.map((j) => el("tr", {}, el("td", {}, j.jobId), el("td", {}, j.status),
    el("td", { className: "payload" }, (j.executions || []).map((x) => `${x.thingName} #${x.executionNumber} ${x.status}`).join("\n")))));
}

async function poll() {
  try {
    const r = await fetch("/iotemu/state");
    if (!r.ok) return;
    const s = await r.json();
    renderConnections(s.connections || []);
    renderAPIGW(s.apigw || []);
    renderShadows(s.shadows || []);
    renderRules(s.rules || []);
    renderJobs(s.jobs || []);
    const c = await (await fetch("/iotemu/clock")).json();
    $("clock").textContent = (c.manual ? "manual clock " : "clock ") + new Date(c.now).toISOString().replace("T", " ").slice(0, 19);
    $("clock-form").hidden = !c.manual;
    window.consolePolled = (window.consolePolled || 0) + 1;
  } catch (err) { /* the emulator is restarting: the next poll retries */ }
}

$("clock-form").addEventListener("submit", async (e) => {
  e.preventDefault();
  await fetch("/iotemu/clock", { method: "POST", body: JSON.stringify({ advance: $("clock-advance").value }) });
  poll();
});

openFeed();
poll();
setInterval(poll, 1000);
setInterval(drawRates, 1000);
