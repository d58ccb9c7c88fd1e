#!/usr/bin/env node
// The reference for bench_ws_fanout: a plain broadcast server on Node's `ws`
// package, sending the same event bodies chorusd sends.
//
// It loads event frames recorded from a real chorusd run (one frame a line, as
// `bench_ws_fanout --record FILE` writes them:
// {"type":"<event type>","seq":n,"data":{<snapshot>}}) and replays them in a loop,
// each one broadcast to every connected client as
//   {"type":"<event type>","seq":<n>,"ts":<µs since the epoch>,"data":{<snapshot>}}
// built once per event and sent to all clients as the same buffer (ws's own
// broadcast idiom). "ts" is stamped when the event is built, so the client's
// receipt time minus ts is the latency, as chorusd's tm_update is for chorusd.
//
//   node server.js --frames FILE [--port 0] [--clients N] [--rate EVENTS_PER_S]
//                  [--burst N] [--high-water BYTES] [--max-seconds 300]
//
// --rate: events/s, each sent to every client, in bursts of --burst events back to
// back (default 1; chorusd's events come ~13 to a groupcall within milliseconds, so
// a matching burst gives comparable latencies); 0 (the default) sends as fast as the
// clients take them: a batch whenever no client has more than --high-water bytes
// (default 64 KiB) buffered, the counterpart of bench_ws_fanout's bounded in-flight
// groupcalls. Nothing is sent while fewer than --clients (default 1) clients are
// connected, so that connecting many clients is not slowed by the load itself (as
// chorusd sends nothing before bench_ws_fanout starts POSTing).
//
// Binds 127.0.0.1 only (port 0 = any free one, printed as
// "reference listening on ws://127.0.0.1:<port>"), stops on SIGTERM/SIGINT, and by
// itself after --max-seconds.

'use strict';

const fs = require('fs');
const { performance } = require('perf_hooks');
const { WebSocketServer, WebSocket } = require('ws');

function usage(message) {
  if (message) console.error(`server.js: ${message}`);
  console.error(
    'usage: node server.js --frames FILE [--port 0] [--clients N] [--rate EVENTS_PER_S] ' +
      '[--burst N] [--high-water BYTES] [--max-seconds 300]',
  );
  process.exit(2);
}

function parseArgs(argv) {
  const options = {
    frames: '',
    port: 0,
    clients: 1,
    rate: 0,
    burst: 1,
    highWater: 64 * 1024,
    maxSeconds: 300,
  };
  const numbers = {
    '--port': 'port',
    '--clients': 'clients',
    '--rate': 'rate',
    '--burst': 'burst',
    '--high-water': 'highWater',
    '--max-seconds': 'maxSeconds',
  };
  if (argv.length % 2 !== 0) usage('a flag without its value');
  for (let i = 0; i < argv.length; i += 2) {
    const [flag, value] = [argv[i], argv[i + 1]];
    if (flag === '--frames') {
      options.frames = value;
    } else if (numbers[flag]) {
      const n = Number(value);
      if (!Number.isFinite(n) || n < 0) usage(`${flag} must be a number >= 0`);
      options[numbers[flag]] = n;
    } else {
      usage(`unknown flag ${flag}`);
    }
  }
  if (!options.frames) usage('--frames is required');
  if (options.port > 65535) usage('--port must be at most 65535');
  if (options.maxSeconds <= 0) usage('--max-seconds must be positive');
  options.clients = Math.max(1, Math.floor(options.clients));
  options.burst = Math.max(1, Math.floor(options.burst));
  return options;
}

// Recorded chorusd frames -> [{type, data}], data being the snapshot's exact JSON text.
function loadFrames(path) {
  const frames = [];
  const shape = /^\{"type":"([a-z_]+)","seq":\d+,"data":(\{.*\})\}$/;
  for (const line of fs.readFileSync(path, 'utf8').split('\n')) {
    if (!line) continue;
    const match = shape.exec(line);
    if (!match) continue;  // not an event frame
    JSON.parse(match[2]);  // a broken recording fails here, loudly
    frames.push({ type: match[1], data: match[2] });
  }
  if (frames.length === 0) usage(`no event frames in ${path}`);
  return frames;
}

// Microseconds since the epoch: the high-resolution origin plus the monotonic clock.
function nowUs() {
  return Math.round((performance.timeOrigin + performance.now()) * 1000);
}

const options = parseArgs(process.argv.slice(2));
const frames = loadFrames(options.frames);
const wss = new WebSocketServer({
  host: '127.0.0.1',
  port: options.port,
  backlog: 4096,
  perMessageDeflate: false,
  maxPayload: 64 * 1024,
});

let seq = 0;
let sentEvents = 0;  // broadcasts
let sentMessages = 0;  // broadcasts x clients
let scheduleStart = 0;  // rate mode: when the current schedule began
let scheduled = 0;  // rate mode: events sent since scheduleStart
const batch = 16;  // events per turn of the event loop at most

function broadcast() {
  const frame = frames[seq % frames.length];
  seq += 1;
  const message = Buffer.from(
    `{"type":"${frame.type}","seq":${seq},"ts":${nowUs()},"data":${frame.data}}`,
  );
  for (const client of wss.clients) {
    if (client.readyState === WebSocket.OPEN) {
      client.send(message, { binary: false });
      sentMessages += 1;
    }
  }
  sentEvents += 1;
}

function maxBuffered() {
  let max = 0;
  for (const client of wss.clients) max = Math.max(max, client.bufferedAmount);
  return max;
}

// One turn: send what is due (rate) or what the clients have room for (rate 0),
// then come back at once if there was work, or in a millisecond if not.
function pump() {
  if (wss.clients.size < options.clients) {
    scheduleStart = 0;
    return setTimeout(pump, 5);
  }
  let budget;
  if (options.rate > 0) {
    const now = performance.now();
    if (scheduleStart === 0) {
      scheduleStart = now;
      scheduled = 0;
    }
    const bursts = Math.floor(((now - scheduleStart) / 1000) * (options.rate / options.burst));
    budget = Math.min(bursts * options.burst - scheduled, Math.max(batch, options.burst));
  } else {
    budget = maxBuffered() < options.highWater ? batch : 0;
  }
  for (let i = 0; i < budget; i += 1) broadcast();
  if (budget > 0) {
    scheduled += budget;
    return setImmediate(pump);
  }
  return setTimeout(pump, 1);
}

const started = Date.now();
function stop(why) {
  const seconds = (Date.now() - started) / 1000;
  console.log(
    `reference stopping (${why}) after ${seconds.toFixed(1)} s: ${sentEvents} events, ` +
      `${sentMessages} messages sent`,
  );
  for (const client of wss.clients) client.terminate();
  wss.close(() => process.exit(0));
  setTimeout(() => process.exit(0), 1000).unref();
}

wss.on('listening', () => {
  const { port } = wss.address();
  console.log(
    `reference listening on ws://127.0.0.1:${port} (${frames.length} frames from ` +
      `${options.frames}, rate ${options.rate || 'as fast as clients take them'}, ` +
      `bursts of ${options.burst}, ` +
      `sending from ${options.clients} clients on)`,
  );
  pump();
});
wss.on('error', (error) => {
  console.error(`server.js: ${error.message}`);
  process.exit(1);
});
process.on('SIGTERM', () => stop('SIGTERM'));
process.on('SIGINT', () => stop('SIGINT'));
setTimeout(() => stop('--max-seconds'), options.maxSeconds * 1000).unref();
