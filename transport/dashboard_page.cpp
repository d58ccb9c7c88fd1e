#include "transport/dashboard_page.hpp"

namespace chorus {

// Self-contained: no external scripts, fonts or styles. Data from events is only
// ever written with textContent, never parsed as HTML.
std::string_view dashboard_page() {
  return R"HTML(<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Chorus: live groupcalls</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
  body { font: 14px/1.4 system-ui, sans-serif; margin: 0; background: #f4f5f7; color: #1d2330; }
  header { background: #1d2330; color: #fff; padding: 10px 16px; display: flex; gap: 16px; align-items: center; }
  header h1 { font-size: 16px; margin: 0; }
  form { display: flex; gap: 6px; }
  input { padding: 4px 6px; width: 260px; }
  #connection { margin-left: auto; font-size: 12px; }
  #counters { display: flex; gap: 12px; padding: 10px 16px; }
  .counter { background: #fff; border-radius: 6px; padding: 6px 12px; box-shadow: 0 1px 2px #0002; }
  .counter b { display: block; font-size: 18px; }
  #groupcalls { padding: 0 16px 16px; display: grid; gap: 10px; }
  .groupcall { background: #fff; border-radius: 6px; padding: 10px 12px; box-shadow: 0 1px 2px #0002;
               border-left: 6px solid #999; }
  .groupcall .head { display: flex; gap: 12px; align-items: baseline; flex-wrap: wrap; }
  .id { font-family: ui-monospace, monospace; font-size: 12px; color: #555; }
  .status { font-weight: 600; padding: 1px 8px; border-radius: 10px; color: #fff; background: #999; }
  .legs { margin-top: 6px; display: grid; gap: 3px; }
  .leg { display: grid; grid-template-columns: 110px 1fr 90px 90px 70px; gap: 8px; align-items: center; }
  .s-progressing { background: #2e7d32; border-color: #2e7d32; }
  .s-hangingup, .s-terminating, .s-canceling { background: #ef6c00; border-color: #ef6c00; }
  .s-hangup { background: #757575; border-color: #757575; }
  .s-dialing { background: #1565c0; border-color: #1565c0; }
  .s-ringing { background: #6a1b9a; border-color: #6a1b9a; }
  article.groupcall { background: #fff; }  /* a card takes only its border from .s-* */
  .winner { font-weight: 700; color: #2e7d32; }
</style>
</head>
<body>
<header>
  <h1>Chorus live groupcalls</h1>
  <form id="login"><input id="key" placeholder="API key" autocomplete="off"><button>Connect</button></form>
  <span id="connection">disconnected</span>
</header>
<section id="counters">
  <div class="counter">live groupcalls<b id="live-groupcalls">0</b></div>
  <div class="counter">live legs<b id="live-legs">0</b></div>
  <div class="counter">answered<b id="answered">0</b></div>
  <div class="counter">events<b id="events">0</b></div>
  <div class="counter">dropped<b id="dropped">0</b></div>
</section>
<main id="groupcalls"></main>
<script>
"use strict";
const groupcalls = new Map();  // id -> {data, element, legs: Map(id -> {data, element})}
const calls = new Map();       // id -> call snapshot
let events = 0, dropped = 0, socket = null;

function el(tag, cls, text) {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined) e.textContent = text;
  return e;
}
function short(id) { return id ? id.slice(0, 8) : ""; }
function parseTime(t) { return t && !t.startsWith("9999") ? Date.parse(t.replace(" ", "T") + "Z") : null; }
function duration(from, to) {
  const a = parseTime(from); if (a === null) return "";
  const b = parseTime(to) ?? Date.now();
  return ((b - a) / 1000).toFixed(1) + " s";
}
function setStatus(node, status) {
  node.textContent = status;
  node.className = "status s-" + status;
}

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

// Newest on top by tm_create, not by which event came first: events of
// different groupcalls may arrive in either order.
function placeByCreation(view, created) {
  const list = document.getElementById("groupcalls");
  for (const other of list.children) {
    const data = other !== view.element && groupcalls.get(other.dataset.groupcallId)?.data;
    if (data && data.tm_create < created) { list.insertBefore(view.element, other); return; }
  }
  list.append(view.element);
}

function renderGroupcall(g) {
  const view = groupcallView(g.id);
  if (!view.data) placeByCreation(view, g.tm_create);
  view.data = g;
  view.element.dataset.status = g.status;
  view.element.className = "groupcall s-" + g.status;
  setStatus(view.status, g.status);
  view.method.textContent = (g.ring_method || "ring_all") + " · " + g.destinations.length + " destinations";
  const winner = g.answer_call_id !== "00000000-0000-0000-0000-000000000000" ? g.answer_call_id
               : g.answer_groupcall_id !== "00000000-0000-0000-0000-000000000000" ? g.answer_groupcall_id : "";
  view.answer.textContent = winner ? "answered by " + short(winner) : "";
  view.answer.className = winner ? "answer winner" : "answer";
  for (const id of g.call_ids) if (calls.has(id)) renderCall(calls.get(id));
}

function renderCall(c) {
  calls.set(c.id, c);
  const gc = groupcallView(c.groupcall_id);
  const leg = legView(gc, c.id);
  leg.element.dataset.status = c.status;
  setStatus(leg.status, c.status);
  leg.target.textContent = c.destination.target;
  leg.reason.textContent = c.hangup_reason || "";
  const won = gc.data && gc.data.answer_call_id === c.id;
  leg.target.className = won ? "target winner" : "target";
}

function tick() {
  let liveGroupcalls = 0, liveLegs = 0, answered = 0;
  for (const view of groupcalls.values()) {
    const g = view.data; if (!g) continue;
    if (g.status !== "hangup") liveGroupcalls++;
    if (g.answer_call_id !== "00000000-0000-0000-0000-000000000000") answered++;
    view.time.textContent = duration(g.tm_create, g.status === "hangup" ? g.tm_update : null);
  }
  for (const [id, c] of calls) {
    if (c.status !== "hangup") liveLegs++;
    const gc = groupcalls.get(c.groupcall_id);
    const leg = gc && gc.legViews.get(id);
    if (leg) leg.time.textContent = duration(c.tm_create, c.status === "hangup" ? c.tm_hangup : null);
  }
  document.getElementById("live-groupcalls").textContent = liveGroupcalls;
  document.getElementById("live-legs").textContent = liveLegs;
  document.getElementById("answered").textContent = answered;
  document.getElementById("events").textContent = events;
  document.getElementById("dropped").textContent = dropped;
}

async function connect(key) {
  if (socket) socket.close();
  const status = document.getElementById("connection");
  const who = await fetch("/v1.0/customer?token=" + encodeURIComponent(key));
  if (!who.ok) { status.textContent = "key refused (" + who.status + ")"; return; }
  const customer = (await who.json()).id;
  const scheme = location.protocol === "https:" ? "wss:" : "ws:";
  socket = new WebSocket(scheme + "//" + location.host + "/v1.0/ws?token=" + encodeURIComponent(key));
  socket.onopen = () => {
    status.textContent = "connected as customer " + customer;
    socket.send(JSON.stringify({type: "subscribe", topics: ["customer_id:" + customer]}));
  };
  socket.onclose = () => { status.textContent = "disconnected"; };
  socket.onmessage = (message) => {
    const m = JSON.parse(message.data);
    if (m.type === "events_dropped") { dropped += m.data.count; return; }
    if (!("seq" in m)) return;  // acks and errors
    events++;
    if (m.type.startsWith("groupcall_")) renderGroupcall(m.data);
    else if (m.type.startsWith("call_")) renderCall(m.data);
  };
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
