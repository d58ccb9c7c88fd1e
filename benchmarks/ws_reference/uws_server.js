#!/usr/bin/env node
// A reference for bench_ws_fanout: uWebSockets (the native uWS binaries that the
// npm package @trufflesuite/uws-js-unofficial ships), replaying recorded chorusd
// event frames (replay.js says how, and its flags). Its fastest broadcast idiom:
// every subscriber joins one topic on opening, and each event is one
// app.publish to that topic; uWS queues it for every subscriber and writes each
// socket once per turn of the loop, however many events the turn published.
//
//   node uws_server.js --frames FILE [--port 0] [--clients N] [--rate EVENTS_PER_S]
//                      [--burst N] [--high-water BYTES] [--max-seconds 300]
//
// The native binary is loaded by name and its absence is an error: the package
// falls back to a pure-JavaScript imitation otherwise, and that would measure
// something else under uWS's name.

'use strict';

const path = require('path');
const { parseArgs, loadFrames, serve, usage } = require('./replay');

const name = 'uws_server.js';
const topic = 'events';

function loadNativeUws() {
  const binary =
    `uws_${process.platform}_${process.arch}_${process.versions.modules}.node`;
  const packageDir = path.dirname(
    require.resolve('@trufflesuite/uws-js-unofficial/package.json'),
  );
  try {
    return require(path.join(packageDir, 'binaries', binary));
  } catch (error) {
    return usage(name, `no native uWS binary ${binary} for this Node: ${error.message}`);
  }
}

const uws = loadNativeUws();
const options = parseArgs(name, process.argv.slice(2));
const frames = loadFrames(name, options.frames);
const open = new Set();  // the subscribers' sockets

const app = uws.App().ws('/*', {
  compression: uws.DISABLED,
  maxPayloadLength: 64 * 1024,
  // Pacing keeps every socket's backlog near --high-water; a limit far above it
  // means publish never skips a slow subscriber, which would count as speed.
  maxBackpressure: 256 * 1024 * 1024,
  closeOnBackpressureLimit: false,
  open(ws) {
    ws.subscribe(topic);
    open.add(ws);
  },
  close(ws) {
    open.delete(ws);
  },
});

const server = {
  subscribers: () => open.size,
  maxBuffered() {
    let max = 0;
    for (const ws of open) max = Math.max(max, ws.getBufferedAmount());
    return max;
  },
  broadcast(text) {
    app.publish(topic, text, false, false);
    return open.size;
  },
};

app.listen('127.0.0.1', options.port, (listenSocket) => {
  if (!listenSocket) {
    console.error(`${name}: cannot listen on 127.0.0.1:${options.port}`);
    process.exit(1);
  }
  const port = uws.us_socket_local_port(listenSocket);
  serve('uws reference', options, frames, server, port, () => {
    uws.us_listen_socket_close(listenSocket);
    for (const ws of open) ws.close();
    process.exit(0);
  });
});
