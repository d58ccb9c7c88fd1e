// What every reference server for bench_ws_fanout shares: its flags, the recorded
// chorusd frames it replays, the pacing, and how it stops. A server supplies only
// its WebSocket library: how many subscribers are open, the most bytes any of
// them has buffered, and one broadcast.
//
// The frames were recorded from a real chorusd run (one a line, as
// `bench_ws_fanout --record FILE` writes them:
// {"type":"<event type>","seq":n,"data":{<snapshot>}}) and are replayed in a loop,
// each one broadcast to every subscriber as
//   {"type":"<event type>","seq":<n>,"ts":<µs since the epoch>,"data":{<snapshot>}}
// built once per event. "ts" is when the event was due (--as-recorded: its
// recorded time come round; otherwise when it is built), so the client's receipt
// time minus ts is the latency, as chorusd's tm_update is for chorusd.
//
//   node <server>.js --frames FILE [--port 0] [--clients N] [--rate EVENTS_PER_S]
//                    [--burst N] [--as-recorded 0|1] [--high-water BYTES]
//                    [--max-seconds 300]
//
// --rate: events/s, each sent to every client, in bursts of --burst events back to
// back (default 1; chorusd's events come ~13 to a groupcall within milliseconds, so
// a matching burst gives comparable latencies); 0 (the default) sends as fast as the
// clients take them: a batch whenever no client has more than --high-water bytes
// (default 64 KiB) buffered, the counterpart of bench_ws_fanout's bounded in-flight
// groupcalls. --as-recorded 1 instead sends each frame when its state-change time
// (tm_update, or tm_create while tm_update is unset) comes round again, as offsets
// from the recording's first, looping: chorusd's own traffic, at its rate and in the
// instants its engine produced it (a groupcall's events come in three: creation and
// ringing, the answer and the others' cancel, the hangups), for a run at the very
// load chorusd carried. Frames due in the same turn of the loop (about a
// millisecond) go together, which favours the reference; "ts" is the frame's due
// time, so the time a reference takes to get round to a frame (its timers, the
// frames broadcast before it) counts, as chorusd's hop from engine to gateway does.
// Nothing is sent while fewer than --clients (default 1) clients are connected, so
// that connecting many clients is not slowed by the load itself (as chorusd sends
// nothing before bench_ws_fanout starts POSTing).
//
// Binds 127.0.0.1 only (port 0 = any free one, printed as
// "<name> listening on ws://127.0.0.1:<port>"), stops on SIGTERM/SIGINT, and by
// itself after --max-seconds.

'use strict';

const fs = require('fs');
const { performance } = require('perf_hooks');

const usageLine =
  '--frames FILE [--port 0] [--clients N] [--rate EVENTS_PER_S] [--burst N] ' +
  '[--high-water BYTES] [--max-seconds 300]';

function usage(name, message) {
  if (message) console.error(`${name}: ${message}`);
  console.error(`usage: node ${name} ${usageLine}`);
  process.exit(2);
}

// Flag -> option for every numeric flag; --frames is the one string.
const numericFlags = {
  '--port': 'port',
  '--clients': 'clients',
  '--rate': 'rate',
  '--burst': 'burst',
  '--as-recorded': 'asRecorded',
  '--high-water': 'highWater',
  '--max-seconds': 'maxSeconds',
};

function parseArgs(name, argv) {
  const options = {
    frames: '',
    port: 0,
    clients: 1,
    rate: 0,
    burst: 1,
    asRecorded: 0,
    highWater: 64 * 1024,
    maxSeconds: 300,
  };
  if (argv.length % 2 !== 0) usage(name, 'a flag without its value');
  for (let i = 0; i < argv.length; i += 2) {
    const [flag, value] = [argv[i], argv[i + 1]];
    if (flag === '--frames') {
      options.frames = value;
    } else if (numericFlags[flag]) {
      const n = Number(value);
      if (!Number.isFinite(n) || n < 0) usage(name, `${flag} must be a number >= 0`);
      options[numericFlags[flag]] = n;
    } else {
      usage(name, `unknown flag ${flag}`);
    }
  }
  if (!options.frames) usage(name, '--frames is required');
  if (options.port > 65535) usage(name, '--port must be at most 65535');
  if (options.maxSeconds <= 0) usage(name, '--max-seconds must be positive');
  options.clients = Math.max(1, Math.floor(options.clients));
  options.burst = Math.max(1, Math.floor(options.burst));
  if (options.asRecorded > 1) usage(name, '--as-recorded must be 0 or 1');
  return options;
}

// A snapshot time ("2006-01-02 15:04:05.000000") -> µs since the epoch; NaN for
// the unset one (year 9999) or anything else.
function timeUs(text) {
  const match = /^(\d{4}-\d\d-\d\d) (\d\d:\d\d:\d\d)\.(\d{6})$/.exec(text || '');
  if (!match || match[1].startsWith('9999')) return NaN;
  return Date.parse(`${match[1]}T${match[2]}Z`) * 1000 + Number(match[3]);
}

// Recorded chorusd frames -> [{type, data, changedUs}], data being the snapshot's
// exact JSON text and changedUs its state-change time (NaN if it has none).
function loadFrames(name, path) {
  const frames = [];
  const shape = /^\{"type":"([a-z_]+)","seq":\d+,"data":(\{.*\})\}$/;
  for (const line of fs.readFileSync(path, 'utf8').split('\n')) {
    if (!line) continue;
    const match = shape.exec(line);
    if (!match) continue;  // not an event frame
    const snapshot = JSON.parse(match[2]);  // a broken recording fails here, loudly
    const updated = timeUs(snapshot.tm_update);
    const changedUs = Number.isNaN(updated) ? timeUs(snapshot.tm_create) : updated;
    frames.push({ type: match[1], data: match[2], changedUs });
  }
  if (frames.length === 0) usage(name, `no event frames in ${path}`);
  return frames;
}

// --as-recorded: when frame i (counting on past the end, looping) is due, in µs
// from the start. A frame stamped before the one ahead of it (a creation's
// tm_create) goes with that one: the order is the recording's. One loop lasts the
// recording's span plus its mean gap.
function recordedSchedule(name, frames) {
  if (frames.some((f) => Number.isNaN(f.changedUs))) {
    usage(name, '--as-recorded needs tm_update or tm_create in every frame');
  }
  const offsets = [];
  let latest = frames[0].changedUs;
  for (const f of frames) {
    latest = Math.max(latest, f.changedUs);
    offsets.push(latest - frames[0].changedUs);
  }
  const span = offsets[offsets.length - 1];
  const period = frames.length > 1 ? span + span / (frames.length - 1) : 1000;
  return (i) => Math.floor(i / frames.length) * period + offsets[i % frames.length];
}

// Microseconds since the epoch: the high-resolution origin plus the monotonic clock.
function nowUs() {
  return Math.round((performance.timeOrigin + performance.now()) * 1000);
}

const batch = 16;  // events per turn of the event loop at most
const recordedBatch = 256;  // --as-recorded: events per turn at most, when behind

// Replays `frames` through `server` ({subscribers(), maxBuffered(), broadcast(text)
// -> messages sent}) as `options` says. Returns the counts, for the closing line.
function pumpFrames(options, frames, server) {
  const counts = { events: 0, messages: 0 };
  let seq = 0;
  let scheduleStart = 0;  // rate mode: when the current schedule began
  let scheduled = 0;  // rate mode: events sent since scheduleStart
  let seqAtStart = 0;  // --as-recorded: seq when the schedule began
  const recordedAt = options.asRecorded ? recordedSchedule('replay', frames) : null;

  // --as-recorded: frame s's due time, in µs since the epoch.
  function dueUs(s) {
    const fromStart = recordedAt(s) - recordedAt(seqAtStart);
    return Math.round((performance.timeOrigin + scheduleStart) * 1000 + fromStart);
  }

  function broadcastNext() {
    const frame = frames[seq % frames.length];
    const ts = recordedAt ? dueUs(seq) : nowUs();
    seq += 1;
    counts.messages += server.broadcast(
      `{"type":"${frame.type}","seq":${seq},"ts":${ts},"data":${frame.data}}`,
    );
    counts.events += 1;
  }

  // One turn: send what is due (rate) or what the clients have room for (rate 0),
  // then come back at once if there was work, or in a millisecond if not.
  function pump() {
    if (server.subscribers() < options.clients) {
      scheduleStart = 0;
      return setTimeout(pump, 5);
    }
    let budget;
    if (recordedAt) {
      const now = performance.now();
      if (scheduleStart === 0) {
        scheduleStart = now;
        seqAtStart = seq;
      }
      const elapsedUs = (now - scheduleStart) * 1000;
      const due = (s) => recordedAt(s) - recordedAt(seqAtStart) <= elapsedUs;
      budget = 0;
      while (budget < recordedBatch && due(seq + budget)) budget += 1;
    } else if (options.rate > 0) {
      const now = performance.now();
      if (scheduleStart === 0) {
        scheduleStart = now;
        scheduled = 0;
      }
      const bursts = Math.floor(((now - scheduleStart) / 1000) * (options.rate / options.burst));
      budget = Math.min(bursts * options.burst - scheduled, Math.max(batch, options.burst));
    } else {
      budget = server.maxBuffered() < options.highWater ? batch : 0;
    }
    for (let i = 0; i < budget; i += 1) broadcastNext();
    if (budget > 0) {
      scheduled += budget;
      return setImmediate(pump);
    }
    return setTimeout(pump, 1);
  }

  pump();
  return counts;
}

function pacing(options) {
  if (options.asRecorded) return 'each frame at its recorded time';
  return `rate ${options.rate || 'as fast as clients take them'}, bursts of ${options.burst}`;
}

// Once `server` listens on `port`: says so, replays, and stops on a signal or after
// --max-seconds, `close` ending the server's connections.
function serve(name, options, frames, server, port, close) {
  console.log(
    `${name} listening on ws://127.0.0.1:${port} (${frames.length} frames from ` +
      `${options.frames}, rate ${options.rate || 'as fast as clients take them'}, ` +
      `bursts of ${options.burst}, sending from ${options.clients} clients on)`,
  );
  const started = Date.now();
  const counts = pumpFrames(options, frames, server);
  const stop = (why) => {
    const seconds = (Date.now() - started) / 1000;
    console.log(
      `${name} stopping (${why}) after ${seconds.toFixed(1)} s: ${counts.events} events, ` +
        `${counts.messages} messages sent`,
    );
    close();
    setTimeout(() => process.exit(0), 1000).unref();
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
  setTimeout(() => stop('--max-seconds'), options.maxSeconds * 1000).unref();
}

module.exports = { parseArgs, loadFrames, serve, usage };
