// A real OpenID Connect provider (the certified `oidc-provider` package) for Peerline's single
// sign-on tests. Never part of the demo or of production.
//
//   node provider.js PORT ACCOUNTS.json REDIRECT_URI CLIENT_ID CLIENT_SECRET
//
// ACCOUNTS.json maps a login name to its claims ({"aokafor": {"email": ..., "employee_number":
// ..., "groups": [...], "amr": ["pwd", "mfa"]}}). It is read again at every sign-in, so a test
// can add people while the provider runs. The login page asks only for the login name.
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';

import Provider from 'oidc-provider';

const [port, accountsFile, redirectUri, clientId, clientSecret] = process.argv.slice(2);
const issuer = `http://127.0.0.1:${port}`;
const accounts = () => JSON.parse(readFileSync(accountsFile, 'utf8'));
const escape = (text) => String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

const provider = new Provider(issuer, {
  clients: [{
    client_id: clientId,
    client_secret: clientSecret,
    redirect_uris: [redirectUri],
    // RP-Initiated Logout: the provider sends the browser back to Peerline's sign-in page.
    post_logout_redirect_uris: [`${new URL(redirectUri).origin}/accounts/login/`],
    grant_types: ['authorization_code'],
    response_types: ['code'],
    token_endpoint_auth_method: 'client_secret_post',
  }],
  claims: {
    acr: null,
    auth_time: null,
    iss: null,
    sid: null,
    // The methods used at sign-in travel in every ID token, as Entra ID sends them.
    openid: ['sub', 'amr', 'auth_time'],
    email: ['email', 'email_verified'],
    profile: ['name', 'given_name', 'family_name'],
    employee: ['employee_number'],
    groups: ['groups'],
  },
  features: { devInteractions: { enabled: false } },
  interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
  pkce: { required: () => false },
  // One trusted client: consent is implied, as it is for an agency's own enterprise app.
  async loadExistingGrant(ctx) {
    const grant = new ctx.oidc.provider.Grant({
      clientId: ctx.oidc.client.clientId,
      accountId: ctx.oidc.session.accountId,
    });
    grant.addOIDCScope('openid email profile employee groups');
    await grant.save();
    return grant;
  },
  async findAccount(ctx, id) {
    const claims = accounts()[id];
    if (!claims) return undefined;
    return {
      accountId: id,
      async claims() {
        const { amr, ...rest } = claims;
        return { sub: id, ...rest };
      },
    };
  },
});
provider.proxy = false;

const callback = provider.callback();

async function interaction(req, res, uid) {
  const details = await provider.interactionDetails(req, res);
  if (req.method === 'POST') {
    let body = '';
    for await (const chunk of req) body += chunk;
    const login = new URLSearchParams(body).get('login') || '';
    const claims = accounts()[login];
    if (!claims) {
      const result = { error: 'access_denied', error_description: 'unknown login' };
      return provider.interactionFinished(req, res, result, { mergeWithLastSubmission: false });
    }
    // The methods this provider "used", as Entra ID reports them: the test chooses per account.
    const amr = claims.amr || ['pwd'];
    return provider.interactionFinished(
      req, res, { login: { accountId: login, amr } }, { mergeWithLastSubmission: false },
    );
  }
  res.setHeader('Content-Type', 'text/html; charset=utf-8');
  res.end(`<!doctype html><html lang="en"><head><link rel="icon" href="data:,"><title>Test identity provider</title></head>
<body><main><h1>Test identity provider</h1><p>Prompt: ${escape(details.prompt.name)}</p>
<form method="post" action="/interaction/${escape(uid)}">
<label for="login">Login name</label><input id="login" name="login" autocomplete="off" required>
<button type="submit">Sign in</button></form></main></body></html>`);
}

createServer((req, res) => {
  const match = req.url.match(/^\/interaction\/([\w-]+)$/);
  if (match) {
    interaction(req, res, match[1]).catch((error) => {
      res.statusCode = 500;
      res.end(String(error));
    });
    return;
  }
  callback(req, res);
}).listen(Number(port), '127.0.0.1', () => {
  console.log(`ready ${issuer}`);
});
