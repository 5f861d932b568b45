// Browser test of agent photos and the bot icon in the widget (#15): the
// agent uploads a photo (PUT /api/agents/:id/avatar); the bot's answer
// shows the bot icon (inline SVG, no initials); once the agent takes the
// conversation, the panel header and the agent's messages show the photo,
// loaded cross-origin from the chatdesk server into the host page's
// Shadow DOM. Own server instance and a fake OpenAI-compatible API for the
// bot. Screenshots go to artifacts/widget/.

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import path from 'node:path';
import { $, ARTIFACTS, freePort, png, rest, startWidgetSuite } from './lib.js';

const T = 20_000;

let suite;
let server;
let host;
let browser;
let adminToken;
let anToken;
let fake;
let fakePort;


/** The avatar images loaded in the widget: [{src, loaded}] for img elements inside `sel`. */
function photos(p, sel) {
  return p.evaluate((sel) => [...document.querySelector('chatdesk-widget').shadowRoot.querySelectorAll(sel + ' img')]
    .map((i) => ({ src: i.src, loaded: i.complete && i.naturalWidth > 0 })), sel);
}

describe('widget agent photo and bot icon', { timeout: 300_000 }, () => {
  before(async () => {
    suite = await startWidgetSuite({ logins: ['admin', 'an'] });
    ({ server, host, browser } = suite);
    ({ admin: adminToken, an: anToken } = suite.tokens);
    fakePort = await freePort();
    fake = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify({ choices: [{ message: { role: 'assistant', content: 'Dạ, em là trợ lý ảo, em chuyển anh sang nhân viên ngay ạ.' } }] }));
      });
    });
    await new Promise((r) => fake.listen(fakePort, '127.0.0.1', r));
  });

  after(async () => {
    await rest(server.url, 'PUT', '/api/admin/bot', { token: adminToken, body: { enabled: false } }).catch(() => {});
    await suite?.close();
    await new Promise((r) => (fake ? fake.close(r) : r()));
  });

  it("the bot's messages show the bot icon; the agent's photo shows in the header and beside their messages", async () => {
    // An uploads a photo.
    const me = await rest(server.url, 'GET', '/api/auth/me', { token: anToken });
    const form = new FormData();
    form.append('file', new Blob([png(600, 400)], { type: 'image/png' }), 'an.png');
    const up = await fetch(`${server.url}/api/agents/${me.body.agent.id}/avatar`, { method: 'PUT', headers: { Authorization: 'Bearer ' + anToken }, body: form });
    const upBody = await up.json();
    assert.equal(up.status, 200, JSON.stringify(upBody));
    const photoURL = server.url + upBody.agent.avatarUrl;

    const bot = await rest(server.url, 'PUT', '/api/admin/bot', {
      token: adminToken,
      body: { enabled: true, name: 'Trợ lý ảo', baseUrl: `http://127.0.0.1:${fakePort}/v1`, model: 'test-model', apiKey: 'sk-test', systemPrompt: 'Bạn là trợ lý.', knowledge: '', waitSeconds: 0, timeoutSeconds: 10 },
    });
    assert.equal(bot.status, 200, JSON.stringify(bot.body));

    const ctx = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'vi-VN', timezoneId: 'Asia/Ho_Chi_Minh' });
    const p = await ctx.newPage();
    p.on('pageerror', (e) => console.log('# page error:', e.message));
    await p.goto(host.url + '?once');
    await p.locator('chatdesk-widget button.cd-launcher').click();
    await p.locator('chatdesk-widget [data-field="name"]').fill('Phan Thu Hà');
    await p.locator('chatdesk-widget [data-field="phone"]').fill('0912 000 654');
    await $(p, 'prechat-submit').click();
    await $(p, 'composer').waitFor({ timeout: T });
    await $(p, 'composer').fill('Cho em gặp nhân viên');
    await p.keyboard.press('Enter');

    // The bot: its icon, not initials nor a photo.
    const botMsg = p.locator('chatdesk-widget [data-testid="bot-message"]').first();
    await botMsg.waitFor({ timeout: T });
    const botAvatar = botMsg.locator(':scope > span[aria-hidden="true"]');
    assert.equal(await botAvatar.locator('svg path').count(), 1, 'bot icon');
    assert.equal((await botAvatar.textContent()).trim(), '', 'no initials for the bot');
    assert.equal(await botAvatar.locator('img').count(), 0);

    // An takes the conversation and answers.
    const id = await p.evaluate(() => JSON.parse(localStorage.getItem(Object.keys(localStorage).find((x) => x.startsWith('chatdesk:')))).conversationId);
    const claim = await rest(server.url, 'POST', `/api/conversations/${id}/claim`, { token: anToken });
    assert.equal(claim.status, 200, JSON.stringify(claim.body));
    const sent = await rest(server.url, 'POST', `/api/conversations/${id}/messages`, { token: anToken, body: { text: 'Chào chị Hà, em là An ạ.', clientId: 'an-1' } });
    assert.equal(sent.status, 201, JSON.stringify(sent.body));

    const agentMsg = p.locator('chatdesk-widget [data-testid="agent-message"]', { hasText: 'em là An' });
    await agentMsg.waitFor({ timeout: T });
    // The photo, loaded from the chatdesk server, beside the message and in the header.
    const deadline = Date.now() + T;
    let seen;
    for (;;) {
      seen = { message: await photos(p, '[data-testid="agent-message"]'), header: await photos(p, '[data-testid="panel"] header') };
      if (seen.message.some((x) => x.loaded) && seen.header.some((x) => x.loaded)) break;
      assert.ok(Date.now() < deadline, 'photo not shown: ' + JSON.stringify(seen));
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.deepEqual(seen.message.map((x) => x.src), [photoURL]);
    assert.deepEqual(seen.header.map((x) => x.src), [photoURL]);
    // The bot's message keeps its icon.
    assert.equal(await botAvatar.locator('svg').count(), 1);
    await p.screenshot({ path: path.join(ARTIFACTS, 'avatar-photo-and-bot.png') });
    await ctx.close();
  });
});
