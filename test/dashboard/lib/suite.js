// One set-up for a dashboard test file: the dev server on a free port, the
// REST client, one Chromium, the seeded agents signed in over the API and,
// for each name in `pages`, a browser page signed in as that agent. Every
// file did these same steps in its own before(); here they run in the same
// order (API sign-ins, then the pages opened one by one, then the UI
// sign-ins together).
import { startServer, ensureDashboardBuilt } from './server.js';
import { DESKTOP, launchBrowser, loginUi, newPage } from './browser.js';
import { apiClient, ownConversation } from './api.js';

const email = (name) => `${name}@chatdesk.local`;

/**
 * Returns {server, api, browser, agents, tokens, pages, own, close}: agents and
 * tokens keyed by seeded agent name ('an', 'binh', 'admin') for each of
 * `logins`, pages keyed by name for each of `pages` (opened with
 * pageOptions and initScript, signed in with signIn(page, baseUrl, email)).
 * own(convId, who = 'an') makes that signed-in agent the conversation's owner
 * (ownConversation with the admin's token: 'admin' must be among logins).
 * close() closes the browser and stops the server; a failed start closes
 * what it had started before rethrowing.
 */
export async function startDeskSuite({
  logins = ['an', 'binh', 'admin'],
  pages = [],
  pageOptions = DESKTOP,
  initScript,
  browserArgs = [],
  signIn = loginUi,
} = {}) {
  ensureDashboardBuilt();
  const suite = { agents: {}, tokens: {}, pages: {} };
  suite.own = (convId, who = 'an') =>
    ownConversation(suite.api, convId, { token: suite.tokens[who], agentId: suite.agents[who].id, adminToken: suite.tokens.admin });
  suite.close = async () => {
    await suite.browser?.close().catch(() => {});
    await suite.server?.stop();
  };
  try {
    suite.server = await startServer();
    suite.api = apiClient(suite.server.baseUrl);
    suite.browser = await launchBrowser(browserArgs);
    const sessions = await Promise.all(logins.map((name) => suite.api.login(email(name))));
    logins.forEach((name, i) => {
      suite.agents[name] = sessions[i].agent;
      suite.tokens[name] = sessions[i].token;
    });
    for (const name of pages) suite.pages[name] = await newPage(suite.browser, pageOptions, { initScript });
    await Promise.all(pages.map((name) => signIn(suite.pages[name], suite.server.baseUrl, email(name))));
  } catch (err) {
    await suite.close();
    throw err;
  }
  return suite;
}
