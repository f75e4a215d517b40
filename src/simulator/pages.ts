// The simulated org's HTML pages: its home page, the login page and Salesforce's own error page.
import { DEMO_OUTCOMES } from './faults.js';
import type { Realm } from './fixtures.js';

export function escapeHtml(s: string): string {
    return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

const STYLE = `body{font-family:system-ui,sans-serif;background:#f3f3f3;margin:0;color:#181818}
.banner{background:#8a4b00;color:#fff;padding:.6rem 1rem;text-align:center;font-weight:600}
main{max-width:26rem;margin:2rem auto;background:#fff;border-radius:.5rem;padding:1.5rem 2rem;box-shadow:0 1px 4px #0003}
label{display:block;margin:.8rem 0 .3rem}input,select{width:100%;box-sizing:border-box;padding:.55rem;font-size:1rem;border:1px solid #747474;border-radius:.25rem}
button{margin-top:1rem;padding:.6rem 1.2rem;font-size:1rem;border-radius:.25rem;border:1px solid #0b5cab;cursor:pointer}
.primary{background:#0b5cab;color:#fff;width:100%}.secondary{background:#fff;color:#0b5cab;width:100%}
button:focus-visible,input:focus-visible,select:focus-visible{outline:3px solid #1b96ff;outline-offset:2px}
code{word-break:break-all}`;

export function page(title: string, body: string): string {
    return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title><style>
${STYLE}</style></head><body>
<div class="banner" role="note">Simulated Salesforce org: no real org, user or data is involved.</div><main>${body}</main></body></html>`;
}

export function homePage(realm: Realm): string {
    return page(
        'Simulated Salesforce',
        `<h1>Simulated Salesforce (${realm})</h1><p>This server imitates Salesforce's login and REST endpoints for sf-oauth-auth.</p><p><a href="/setup">The simulated app's OAuth policies</a> (Client Credentials Run As user, JWT Bearer certificate and pre-authorized users).</p>`,
    );
}

const REALM_NAMES: Record<Realm, string> = {
    production: 'production',
    sandbox: 'sandbox',
    mydomain: 'My Domain',
    sandboxdomain: 'sandbox My Domain',
};

function outcomeOptions(): string {
    return Object.entries(DEMO_OUTCOMES)
        .map(([key, o]) => `<option value="${key}">${escapeHtml(o.label)}</option>`)
        .join('');
}

export function loginPage(realm: Realm, request: string, username: string, scopes: string[]): string {
    return page(
        'Login | Salesforce',
        `<h1>Log in to the simulated ${REALM_NAMES[realm]} org</h1>
<p>Any password works. Logging in approves the app for these scopes: <code>${escapeHtml(scopes.join(' '))}</code>.</p>
<form method="post" action="/services/oauth2/authorize/decision">
<input type="hidden" name="request" value="${request}">
<label for="username">Username</label><input id="username" name="username" value="${escapeHtml(username)}" autocomplete="username">
<label for="password">Password</label><input id="password" name="password" type="password" value="simulated" autocomplete="current-password">
<label for="outcome">Simulate</label><select id="outcome" name="outcome">
<option value="">A successful login</option>
${outcomeOptions()}
</select>
<button class="primary" type="submit" name="decision" value="allow">Log In</button>
<button class="secondary" type="submit" name="decision" value="deny">Deny access</button>
</form>`,
    );
}

/**
 * Salesforce's RemoteAccessErrorPage: the generic OAUTH_APPROVAL_ERROR_GENERIC text, whatever the error in the
 * address bar; only the address names the real one.
 */
export function remoteAccessErrorPage(): string {
    return page(
        'Error',
        `<h1>OAuth Error</h1><p>We can't authorize you because of an OAuth error. For more information, contact your Salesforce administrator.</p><p><code>OAUTH_APPROVAL_ERROR_GENERIC : An unexpected error has occured during authentication. Please try again.</code></p>`,
    );
}

export const SESSION_EXPIRED_PAGE = page('Error', '<h1>Session expired</h1><p>Start the login again from the app.</p>');
