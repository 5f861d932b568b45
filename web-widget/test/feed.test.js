// The feed alone, on a stub client: session.ready and the replay, gap
// repair, new-message events, typing indicator and conversation updates.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Feed, GAP_MS, REPLAY_TIMEOUT_MS, TYPING_CLEAR_MS } from '../src/lib/connection/feed.js';
import { makeHub, msg } from './fakes.js';

function setup() {
  const hub = makeHub();
  hub.feed = new Feed(hub);
  return hub;
}

test('ready takes the conversation and support status; replay.done skips what the server lacks and resends', () => {
  const hub = setup();
  hub.feed.ready({ conversation: { id: 'conv2', status: 'waiting' }, supportOnline: false });
  assert.equal(hub.feed.replaying, true);
  assert.equal(hub.conversationId, 'conv2');
  assert.equal(hub.supportOnline, false);
  hub.feed.add(msg(1));
  hub.feed.add(msg(3));
  assert.equal(hub.emitted.length, 0, 'history is not announced');
  hub.feed.replayDone(3);
  assert.equal(hub.loaded, true);
  assert.equal(hub.transcript.lastSeq, 3);
  assert.equal(hub.outbox.resent, 1);
  hub.feed.add(msg(4));
  assert.deepEqual(hub.emitted.map(([t, m]) => [t, m.seq]), [['message', 4]]);
  hub.feed.replayDone(4); // a sync's replay.done: nothing pending waited for it
  assert.equal(hub.outbox.resent, 1);
});

test('a lost replay.done: pending messages go out after REPLAY_TIMEOUT_MS anyway', async () => {
  const hub = setup();
  hub.feed.ready({});
  await hub.clock.advance(REPLAY_TIMEOUT_MS);
  assert.equal(hub.feed.replaying, false);
  assert.equal(hub.outbox.resent, 1);
});

test('a gap not filled within GAP_MS asks for sync after the last gap-free seq; filled in time, nothing', async () => {
  const hub = setup();
  hub.feed.replayDone(0);
  hub.feed.add(msg(1));
  hub.feed.add(msg(3));
  await hub.clock.advance(GAP_MS - 1);
  assert.equal(hub.frames.length, 0);
  await hub.clock.advance(1);
  assert.deepEqual(hub.frames.map((f) => [f.type, f.data]), [['sync', { conversationId: 'conv1', afterSeq: 1 }]]);

  hub.feed.add(msg(5));
  await hub.clock.advance(500);
  hub.feed.add(msg(2));
  hub.feed.add(msg(4));
  await hub.clock.advance(GAP_MS * 2);
  assert.equal(hub.frames.length, 1);
  assert.equal(hub.transcript.lastSeq, 5);
});

test('on REST the gap is repaired with a poll', async () => {
  const hub = setup();
  hub.rest.active = true;
  hub.feed.add(msg(2));
  await hub.clock.advance(GAP_MS);
  assert.deepEqual(hub.rest.polls, [false]);
  assert.equal(hub.frames.length, 0);
});

test('typing: shown for the agent or the bot, cleared by false, a message, 6 s or a dead socket', async () => {
  const hub = setup();
  hub.feed.typing({ senderType: 'visitor', typing: true });
  assert.equal(hub.typing, null, 'our own typing echo');
  hub.feed.typing({ senderType: 'agent', senderName: 'An', typing: true });
  assert.deepEqual(hub.typing, { name: 'An' });
  hub.feed.typing({ senderType: 'agent', typing: false });
  assert.equal(hub.typing, null);
  hub.feed.typing({ senderType: 'bot', senderName: 'Trợ lý ảo', typing: true });
  hub.feed.add(msg(1, { senderType: 'bot' }));
  assert.equal(hub.typing, null);
  hub.feed.typing({ senderType: 'agent', typing: true });
  assert.deepEqual(hub.typing, { name: '' });
  await hub.clock.advance(TYPING_CLEAR_MS);
  assert.equal(hub.typing, null);
  hub.feed.typing({ senderType: 'agent', senderName: 'An', typing: true });
  hub.feed.down();
  assert.equal(hub.typing, null);
  assert.equal(hub.clock.timers.size, 0);
});

test('conversation updates replace the conversation; garbage is ignored', () => {
  const hub = setup();
  hub.feed.setConversation({ conversation: { id: 'conv1', status: 'resolved' } });
  assert.equal(hub.conversation.status, 'resolved');
  hub.feed.setConversation({ conversation: 'garbage' });
  hub.feed.setConversation(null);
  assert.equal(hub.conversation.status, 'resolved');
});

test('down ends the replay and cancels the gap and replay timers', () => {
  const hub = setup();
  hub.feed.ready({});
  hub.feed.add(msg(2));
  hub.feed.down();
  assert.equal(hub.feed.replaying, false);
  assert.equal(hub.clock.timers.size, 0);
});
