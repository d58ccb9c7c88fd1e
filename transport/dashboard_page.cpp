#include "transport/dashboard_page.hpp"

namespace chorus {

// Self-contained: no external scripts, fonts or styles. Data from REST and events is
// only ever written with textContent, never parsed as HTML.
//
// What is shown is what REST says is live when the page (re)connects, then what
// events say. Events that arrive while that preload runs are held back and applied
// after it, and a snapshot replaces the one shown only when its tm_update is not
// older, so a slow REST page cannot undo an event. An events_dropped notice loads
// REST again.
std::string_view dashboard_page() {
  return R"HTML(<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Chorus: live groupcalls and conferences</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
  body { font: 14px/1.4 system-ui, sans-serif; margin: 0; background: #f4f5f7; color: #1d2330; }
  header { background: #1d2330; color: #fff; padding: 10px 16px; display: flex; gap: 16px; align-items: center; }
  header h1 { font-size: 16px; margin: 0; }
  form { display: flex; gap: 6px; }
  input { padding: 4px 6px; width: 260px; }
  #connection { margin-left: auto; font-size: 12px; }
  #notice { font-size: 12px; color: #ffb74d; }
  #counters { display: flex; gap: 12px; padding: 10px 16px; flex-wrap: wrap; }
  .counter { background: #fff; border-radius: 6px; padding: 6px 12px; box-shadow: 0 1px 2px #0002; }
  .counter b { display: block; font-size: 18px; }
  #board { padding: 0 16px 16px; display: grid; grid-template-columns: minmax(0, 3fr) minmax(0, 2fr); gap: 16px; }
  @media (max-width: 900px) { #board { grid-template-columns: minmax(0, 1fr); } }
  #board > section { min-width: 0; }
  #board h2 { font-size: 14px; margin: 0 0 6px; color: #555; }
  #groupcalls, #conferences { display: grid; gap: 10px; align-content: start; }
  .groupcall, .conference { background: #fff; border-radius: 6px; padding: 10px 12px; box-shadow: 0 1px 2px #0002;
               border-left: 6px solid #999; }
  .head { display: flex; gap: 12px; align-items: baseline; flex-wrap: wrap; }
  .name { font-weight: 600; }
  .id { font-family: ui-monospace, monospace; font-size: 12px; color: #555; }
  .status { font-weight: 600; padding: 1px 8px; border-radius: 10px; color: #fff; background: #999; }
  .legs, .participants { margin-top: 6px; display: grid; gap: 3px; }
  .leg { display: grid; grid-template-columns: 110px minmax(0, 1fr) 90px 90px 70px; gap: 8px; align-items: center; }
  .participant { display: grid; grid-template-columns: 90px minmax(0, 1fr) 70px; gap: 8px; align-items: center; }
  .target, .call { overflow-wrap: anywhere; }  /* a long target wraps instead of widening its column */
  .s-progressing, .s-joined { background: #2e7d32; border-color: #2e7d32; }
  .s-hangingup, .s-terminating, .s-canceling, .s-leaving { background: #ef6c00; border-color: #ef6c00; }
  .s-hangup, .s-terminated, .s-leaved { background: #757575; border-color: #757575; }
  .s-dialing, .s-starting, .s-joining { background: #1565c0; border-color: #1565c0; }
  .s-ringing { background: #6a1b9a; border-color: #6a1b9a; }
  article.groupcall, article.conference { background: #fff; }  /* a card takes only its border from .s-* */
  .winner { font-weight: 700; color: #2e7d32; }
</style>
</head>
<body>
<header>
  <h1>Chorus live groupcalls and conferences</h1>
  <form id="login"><input id="key" placeholder="API key" autocomplete="off"><button>Connect</button></form>
  <span id="notice"></span>
  <span id="connection">disconnected</span>
</header>
<section id="counters">
  <div class="counter">live groupcalls<b id="live-groupcalls">0</b></div>
  <div class="counter">live legs<b id="live-legs">0</b></div>
  <div class="counter">answered<b id="answered">0</b></div>
  <div class="counter">live conferences<b id="live-conferences">0</b></div>
  <div class="counter">participants<b id="participants">0</b></div>
  <div class="counter">events<b id="events">0</b></div>
  <div class="counter">dropped<b id="dropped">0</b></div>
</section>
<div id="board">
  <section><h2>Groupcalls</h2><main id="groupcalls"></main></section>
  <section><h2>Conferences</h2><div id="conferences"></div></section>
</div>
<script>
"use strict";
const NIL = "00000000-0000-0000-0000-000000000000";
const PAGE_SIZE = 100;
const groupcalls = new Map();       // id -> view {data, element, ..., legViews: Map(id -> view)}
const calls = new Map();            // id -> call snapshot
const conferences = new Map();      // id -> view {data, element, ..., rows: Map(id -> view)}
const conferencecalls = new Map();  // id -> conferencecall snapshot
const deletedConferences = new Set();
const created = new WeakMap();      // card element -> its tm_create, for ordering
let events = 0, dropped = 0;
// One connection at a time; `generation` tells an old one's late callbacks apart.
let socket = null, generation = 0, retryMs = 1000, retryTimer = null;
// While a preload runs, events wait here (null: none runs); `reloadAgain` asks for
// another preload once this one ends (a drop notice came during it).
let held = null, reloadAgain = false;

function el(tag, cls, text) {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined) e.textContent = text;
  return e;
}
function str(v) { return typeof v === "string" ? v : ""; }
function list(v) { return Array.isArray(v) ? v : []; }
function short(id) { return str(id).slice(0, 8); }
function parseTime(t) { t = str(t); return t && !t.startsWith("9999") ? Date.parse(t.replace(" ", "T") + "Z") : null; }
function duration(from, to) {
  const a = parseTime(from); if (a === null) return "";
  const b = parseTime(to) ?? Date.now();
  return ((b - a) / 1000).toFixed(1) + " s";
}
function setStatus(node, status) {
  node.textContent = status;
  node.className = "status s-" + status;
}
function isSnapshot(d) { return d !== null && typeof d === "object" && typeof d.id === "string" && d.id !== ""; }
// Timestamps are fixed-width text ("2024-01-02 03:04:05.678901"), so text order is
// time order. A snapshot never updated has tm_update "9999-01-01 ..." (VoIPbin's
// unset): it is as old as its creation.
function version(d) { const t = str(d.tm_update); return t && !t.startsWith("9999") ? t : str(d.tm_create); }
function notOlder(next, current) { return !current || version(next) >= version(current); }

// Newest on top by tm_create, not by which event came first: events of
// different resources may arrive in either order.
function placeByCreation(container, element, tm_create) {
  created.set(element, str(tm_create));
  for (const other of container.children) {
    if (other !== element && created.has(other) && created.get(other) < str(tm_create)) {
      container.insertBefore(element, other);
      return;
    }
  }
  container.append(element);
}

// ---- groupcalls and their legs ----

function groupcallView(id) {
  let view = groupcalls.get(id);
  if (view) return view;
  const element = el("article", "groupcall");
  element.dataset.groupcallId = id;
  const head = el("div", "head");
  const status = el("span", "status");
  const ident = el("span", "id", id);
  const method = el("span", "method");
  const answer = el("span", "answer");
  const time = el("span", "time");
  head.append(status, ident, method, answer, time);
  const legs = el("div", "legs");
  element.append(head, legs);
  document.getElementById("groupcalls").prepend(element);
  view = {data: null, element, status, method, answer, time, legs, legViews: new Map()};
  groupcalls.set(id, view);
  return view;
}

function legView(gc, id) {
  let leg = gc.legViews.get(id);
  if (leg) return leg;
  const element = el("div", "leg");
  element.dataset.callId = id;
  const status = el("span", "status");
  const target = el("span", "target");
  const reason = el("span", "reason");
  const time = el("span", "time");
  const ident = el("span", "id", short(id));
  element.append(status, target, reason, time, ident);
  gc.legs.append(element);
  leg = {element, status, target, reason, time};
  gc.legViews.set(id, leg);
  return leg;
}

function renderGroupcall(g) {
  const view = groupcallView(g.id);
  if (!view.data) placeByCreation(document.getElementById("groupcalls"), view.element, g.tm_create);
  view.data = g;
  view.element.dataset.status = str(g.status);
  view.element.className = "groupcall s-" + str(g.status);
  setStatus(view.status, str(g.status));
  view.method.textContent = (str(g.ring_method) || "ring_all") + " · " + list(g.destinations).length + " destinations";
  const winner = str(g.answer_call_id) && g.answer_call_id !== NIL ? g.answer_call_id
               : str(g.answer_groupcall_id) && g.answer_groupcall_id !== NIL ? g.answer_groupcall_id : "";
  view.answer.textContent = winner ? "answered by " + short(winner) : "";
  view.answer.className = winner ? "answer winner" : "answer";
  for (const id of list(g.call_ids)) if (calls.has(id)) renderCall(calls.get(id));
}

function renderCall(c) {
  calls.set(c.id, c);
  const gc = groupcallView(str(c.groupcall_id));
  const leg = legView(gc, c.id);
  leg.element.dataset.status = str(c.status);
  setStatus(leg.status, str(c.status));
  leg.target.textContent = str(c.destination && c.destination.target);
  leg.reason.textContent = str(c.hangup_reason);
  const won = gc.data && gc.data.answer_call_id === c.id;
  leg.target.className = won ? "target winner" : "target";
}

function removeGroupcall(id) {
  const view = groupcalls.get(id);
  if (!view) return;
  view.element.remove();
  for (const callId of view.legViews.keys()) calls.delete(callId);
  groupcalls.delete(id);
}

// A snapshot from REST (`how` "rest") starts a card only for what is live; one from
// an event ("event", "deleted") always does.
function applyGroupcall(g, how) {
  const view = groupcalls.get(g.id);
  if (!notOlder(g, view && view.data)) return;
  if (how === "rest" && !view && g.status === "hangup") return;
  renderGroupcall(g);
}

function applyCall(c, how) {
  if (!notOlder(c, calls.get(c.id))) return;
  if (how === "rest" && !groupcalls.has(str(c.groupcall_id))) return;
  renderCall(c);
}

// ---- conferences and their participants ----

function conferenceView(id) {
  let view = conferences.get(id);
  if (view) return view;
  const element = el("article", "conference");
  element.dataset.conferenceId = id;
  const head = el("div", "head");
  const status = el("span", "status");
  const name = el("span", "name");
  const type = el("span", "type");
  const ident = el("span", "id", id);
  const count = el("span", "count");
  const max = el("span", "max");
  const time = el("span", "time");
  head.append(status, name, type, ident, count, max, time);
  const participants = el("div", "participants");
  element.append(head, participants);
  document.getElementById("conferences").prepend(element);
  view = {data: null, element, status, name, type, count, max, time, participants, rows: new Map()};
  conferences.set(id, view);
  return view;
}

function participantView(conf, id) {
  let row = conf.rows.get(id);
  if (row) return row;
  const element = el("div", "participant");
  element.dataset.conferencecallId = id;
  const status = el("span", "status");
  const call = el("span", "call");
  const ident = el("span", "id", short(id));
  element.append(status, call, ident);
  conf.participants.append(element);
  row = {element, status, call};
  conf.rows.set(id, row);
  return row;
}

function renderConference(c) {
  const view = conferenceView(c.id);
  if (!view.data) placeByCreation(document.getElementById("conferences"), view.element, c.tm_create);
  view.data = c;
  view.element.dataset.status = str(c.status);
  view.element.className = "conference s-" + str(c.status);
  setStatus(view.status, str(c.status));
  view.name.textContent = str(c.name);
  view.type.textContent = str(c.type) || "conference";
  const n = list(c.conferencecall_ids).length;
  view.count.textContent = n + (n === 1 ? " participant" : " participants");
  view.max.textContent = Number.isInteger(c.max_participants) && c.max_participants > 0 ? "max " + c.max_participants : "";
}

function renderConferencecall(p) {
  conferencecalls.set(p.id, p);
  const row = participantView(conferenceView(str(p.conference_id)), p.id);
  row.element.dataset.status = str(p.status);
  row.element.dataset.referenceId = str(p.reference_id);
  setStatus(row.status, str(p.status));
  row.call.textContent = str(p.reference_type || "call") + " " + str(p.reference_id);
}

function removeConference(id) {
  const view = conferences.get(id);
  if (!view) return;
  view.element.remove();
  for (const rowId of view.rows.keys()) conferencecalls.delete(rowId);
  conferences.delete(id);
}

function applyConference(c, how) {
  if (deletedConferences.has(c.id)) return;
  if (how === "deleted") { deletedConferences.add(c.id); removeConference(c.id); return; }
  const view = conferences.get(c.id);
  if (!notOlder(c, view && view.data)) return;
  if (how === "rest" && !view && c.status === "terminated") return;
  renderConference(c);
}

function applyConferencecall(p, how) {
  if (deletedConferences.has(str(p.conference_id))) return;
  if (!notOlder(p, conferencecalls.get(p.id))) return;
  if (how === "rest" && !conferences.has(str(p.conference_id))) return;
  if (how === "rest" && !conferencecalls.has(p.id) && p.status === "leaved") return;
  renderConferencecall(p);
}

// ---- events ----

// An event's resource is its type up to the last "_" (conferencecall_joined ->
// conferencecall).
const appliers = new Map([["groupcall", applyGroupcall], ["call", applyCall],
                          ["conference", applyConference], ["conferencecall", applyConferencecall]]);

function applyEvent(m) {
  const apply = appliers.get(m.type.slice(0, m.type.lastIndexOf("_")));
  if (apply && isSnapshot(m.data)) apply(m.data, m.type.endsWith("_deleted") ? "deleted" : "event");
}

// ---- the REST preload ----

// Every item of a list, page by page, until a page is empty or short.
async function listAll(path, key, gen) {
  const items = [];
  let token = "";
  for (;;) {
    const query = "?page_size=" + PAGE_SIZE + (token ? "&page_token=" + encodeURIComponent(token) : "");
    const answer = await fetch(path + query, {headers: {Authorization: "Bearer " + key}});
    if (gen !== generation) throw new Error("superseded");
    if (!answer.ok) throw new Error(path + " answered " + answer.status);
    const page = await answer.json();
    const result = list(page && page.result).filter(isSnapshot);
    items.push(...result);
    const next = str(page && page.next_page_token);
    if (list(page && page.result).length < PAGE_SIZE || !next || next === token) return items;
    token = next;
  }
}

// What REST lists, in the order a card needs its parent first; `prune` drops what
// is shown as live but REST no longer lists (deleted while we were not listening).
const sources = [
  {path: "/v1.0/groupcalls", apply: applyGroupcall,
   prune: (seen) => { for (const [id, v] of groupcalls) if (v.data && v.data.status !== "hangup" && !seen.has(id)) removeGroupcall(id); }},
  {path: "/v1.0/calls", apply: applyCall, prune: null},
  {path: "/v1.0/conferences", apply: applyConference,
   prune: (seen) => { for (const [id, v] of conferences) if (v.data && v.data.status !== "terminated" && !seen.has(id)) removeConference(id); }},
  {path: "/v1.0/conferencecalls", apply: applyConferencecall, prune: null},
];

async function preload(key, gen) {
  held = held || [];
  const answers = await Promise.allSettled(sources.map((s) => listAll(s.path, key, gen)));
  if (gen !== generation) return;
  const failed = [];
  answers.forEach((answer, i) => {
    const source = sources[i];
    if (answer.status !== "fulfilled") { failed.push(source.path); return; }
    for (const item of answer.value) source.apply(item, "rest");
    if (source.prune) source.prune(new Set(answer.value.map((item) => item.id)));
  });
  document.getElementById("notice").textContent = failed.length ? "could not load " + failed.join(", ") : "";
  const waiting = held;
  held = null;
  for (const m of waiting) applyEvent(m);
  if (reloadAgain) { reloadAgain = false; preload(key, gen); }
}

function reload(key, gen) {
  if (held) { reloadAgain = true; return; }
  preload(key, gen);
}

// ---- the connection ----

function scheduleReconnect(key, gen) {
  if (gen !== generation) return;
  const status = document.getElementById("connection");
  status.textContent = "disconnected; reconnecting in " + Math.round(retryMs / 1000) + " s";
  retryTimer = setTimeout(() => connect(key), retryMs);
  retryMs = Math.min(retryMs * 2, 30000);
}

async function connect(key) {
  const gen = ++generation;
  clearTimeout(retryTimer);
  if (socket) socket.close();
  socket = null;
  held = null;
  reloadAgain = false;
  const status = document.getElementById("connection");
  let who;
  try {
    who = await fetch("/v1.0/customer?token=" + encodeURIComponent(key));
  } catch (e) {
    scheduleReconnect(key, gen);
    return;
  }
  if (gen !== generation) return;
  if (!who.ok) { status.textContent = "key refused (" + who.status + ")"; return; }
  const customer = str((await who.json()).id);
  if (gen !== generation) return;
  const topics = ["groupcall", "call", "conference", "conferencecall"].map((r) => "customer_id:" + customer + ":" + r);
  const scheme = location.protocol === "https:" ? "wss:" : "ws:";
  const ws = new WebSocket(scheme + "//" + location.host + "/v1.0/ws?token=" + encodeURIComponent(key));
  socket = ws;
  ws.onopen = () => {
    status.textContent = "loading as customer " + customer;
    ws.send(JSON.stringify({type: "subscribe", topics}));
  };
  ws.onclose = () => { if (socket === ws) { socket = null; scheduleReconnect(key, gen); } };
  ws.onmessage = async (message) => {
    if (gen !== generation) return;
    let m;
    try { m = JSON.parse(message.data); } catch (e) { return; }
    if (!m || typeof m.type !== "string") return;
    // Subscribed first, then read REST: nothing changes unseen in between.
    if (m.type === "subscribed") {
      retryMs = 1000;
      await preload(key, gen);
      if (gen === generation) status.textContent = "connected as customer " + customer;
      return;
    }
    if (m.type === "events_dropped") {
      dropped += Number(m.data && m.data.count) || 0;
      reload(key, gen);
      return;
    }
    if (!("seq" in m)) return;  // errors
    events++;
    if (held) held.push(m); else applyEvent(m);
  };
}

function tick() {
  let liveGroupcalls = 0, liveLegs = 0, answered = 0, liveConferences = 0, participants = 0;
  for (const view of groupcalls.values()) {
    const g = view.data; if (!g) continue;
    if (g.status !== "hangup") liveGroupcalls++;
    if (str(g.answer_call_id) && g.answer_call_id !== NIL) answered++;
    view.time.textContent = duration(g.tm_create, g.status === "hangup" ? g.tm_update : null);
  }
  for (const [id, c] of calls) {
    if (c.status !== "hangup") liveLegs++;
    const gc = groupcalls.get(str(c.groupcall_id));
    const leg = gc && gc.legViews.get(id);
    if (leg) leg.time.textContent = duration(c.tm_create, c.status === "hangup" ? c.tm_hangup : null);
  }
  for (const view of conferences.values()) {
    const c = view.data; if (!c) continue;
    if (c.status !== "terminated") liveConferences++;
    view.time.textContent = duration(c.tm_create, c.status === "terminated" ? c.tm_end : null);
  }
  for (const p of conferencecalls.values()) if (p.status !== "leaved") participants++;
  const counters = {"live-groupcalls": liveGroupcalls, "live-legs": liveLegs, answered,
                    "live-conferences": liveConferences, participants, events, dropped};
  for (const [id, value] of Object.entries(counters)) document.getElementById(id).textContent = value;
}

document.getElementById("login").addEventListener("submit", (e) => {
  e.preventDefault();
  connect(document.getElementById("key").value.trim());
});
const token = new URLSearchParams(location.search).get("token");
if (token) { document.getElementById("key").value = token; connect(token); }
setInterval(tick, 250);
</script>
</body>
</html>
)HTML";
}

}  // namespace chorus
