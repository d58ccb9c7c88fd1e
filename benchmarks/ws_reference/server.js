#!/usr/bin/env node
// A reference for bench_ws_fanout: a plain broadcast server on Node's `ws` package,
// replaying recorded chorusd event frames (replay.js says how, and its flags).
// Each event is made a Buffer once and sent to every open client as that same
// buffer: ws's own broadcast idiom.
//
//   node server.js --frames FILE [--port 0] [--clients N] [--rate EVENTS_PER_S]
//                  [--burst N] [--high-water BYTES] [--max-seconds 300]

'use strict';

const { WebSocketServer, WebSocket } = require('ws');
const { parseArgs, loadFrames, serve } = require('./replay');

const name = 'server.js';
const options = parseArgs(name, process.argv.slice(2));
const frames = loadFrames(name, options.frames);
const wss = new WebSocketServer({
  host: '127.0.0.1',
  port: options.port,
  backlog: 4096,
  perMessageDeflate: false,
  maxPayload: 64 * 1024,
});

const server = {
  subscribers: () => wss.clients.size,
  maxBuffered() {
    let max = 0;
    for (const client of wss.clients) max = Math.max(max, client.bufferedAmount);
    return max;
  },
  broadcast(text) {
    const message = Buffer.from(text);
    let sent = 0;
    for (const client of wss.clients) {
      if (client.readyState === WebSocket.OPEN) {
        client.send(message, { binary: false });
        sent += 1;
      }
    }
    return sent;
  },
};

wss.on('listening', () => {
  serve('reference', options, frames, server, wss.address().port, () => {
    for (const client of wss.clients) client.terminate();
    wss.close(() => process.exit(0));
  });
});
wss.on('error', (error) => {
  console.error(`${name}: ${error.message}`);
  process.exit(1);
});
