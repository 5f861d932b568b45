// Baseline for the chatdesk benchmarks (loadtest/, docs/benchmarks.md):
// the stack chatdesk replaces, written minimally — socket.io 4.8 with the
// Redis adapter, one room per conversation.
//
//   MODE=relay    relay each message to its room, then acknowledge
//   MODE=persist  insertOne each message into MongoDB first (one insert per
//                 message, as a typical Node chat server does), then relay
//                 and acknowledge
//
// Protocol (driven by loadtest/cmd/loadgen in -target sio mode):
//   connect with auth {rooms: [conversationId, ...]}: the socket joins them
//   emit "send" {room, clientId, from, text} with an ack callback
//   -> every socket in the room gets "message" {room, clientId, from, text, at}
//   -> the ack answers {ok: true} (or {ok: false, error} if the insert failed)
//
// Env: HOST, PORT, REDIS_URL, MODE, MONGO_URI, MONGO_DB.
'use strict';
const http = require('http');
const { Server } = require('socket.io');
const { createAdapter } = require('@socket.io/redis-adapter');
const { createClient } = require('redis');

const host = process.env.HOST || '127.0.0.1';
const port = Number(process.env.PORT || 3000);
const mode = process.env.MODE || 'relay';

async function main() {
  const pub = createClient({ url: process.env.REDIS_URL || 'redis://127.0.0.1:6379/0' });
  const sub = pub.duplicate();
  await Promise.all([pub.connect(), sub.connect()]);

  let messages = null;
  if (mode === 'persist') {
    const { MongoClient } = require('mongodb');
    const mc = new MongoClient(process.env.MONGO_URI || 'mongodb://127.0.0.1:27017/', { maxPoolSize: 100 });
    await mc.connect();
    messages = mc.db(process.env.MONGO_DB || 'baseline').collection('messages');
  }

  const server = http.createServer((req, res) => {
    if (req.url === '/healthz') { res.writeHead(200); res.end('ok'); return; }
    res.writeHead(404); res.end();
  });
  const io = new Server(server, { transports: ['websocket'], serveClient: false, cors: { origin: '*' } });
  io.adapter(createAdapter(pub, sub));

  io.on('connection', (socket) => {
    const rooms = socket.handshake.auth && socket.handshake.auth.rooms;
    if (Array.isArray(rooms)) socket.join(rooms.map(String));
    socket.on('send', async (m, ack) => {
      if (!m || typeof m.room !== 'string' || typeof ack !== 'function') return;
      const msg = { room: m.room, clientId: String(m.clientId), from: String(m.from), text: String(m.text), at: Date.now() };
      if (messages) {
        try {
          await messages.insertOne({ conversationId: msg.room, clientId: msg.clientId, senderType: msg.from, text: msg.text, createdAt: new Date(msg.at) });
        } catch (err) {
          ack({ ok: false, error: String(err && err.message) });
          return;
        }
      }
      io.to(msg.room).emit('message', msg);
      ack({ ok: true });
    });
  });

  server.listen(port, host, () => console.log(`baseline ${mode} listening on ${host}:${port}`));
  const stop = () => { io.close(); process.exit(0); };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main().catch((err) => { console.error(err); process.exit(1); });
