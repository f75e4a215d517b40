// The simulated app's policies for the flows without a login page, as Setup shows them: the Client Credentials
// Flow (on or off, its Run As user), and the JWT Bearer Flow (the uploaded certificate, Permitted Users, which
// users are pre-authorized). `npm run demo` and `npm run simulator` link here to rehearse each refusal.
import express, { type Request, type Response, type Router } from 'express';
import { X509Certificate } from 'node:crypto';
import { field, type Form } from './http.js';
import type { Org } from './org.js';
import { escapeHtml, page } from './pages.js';

function setupPage(org: Org, saved?: string): string {
    const s = org.settings;
    const approved = s.jwtApprovedUsers === 'all' ? 'all' : s.jwtApprovedUsers.join(' ');
    const selected = (on: boolean) => (on ? ' selected' : '');
    return page(
        'Setup | Salesforce',
        `<h1>Simulated app: OAuth policies</h1>
${saved ? `<p role="status">${escapeHtml(saved)}</p>` : ''}
<form method="post" action="/setup">
<h2>Client Credentials Flow</h2>
<label for="cc_enabled">Enable Client Credentials Flow</label>
<select id="cc_enabled" name="cc_enabled"><option value="on"${selected(s.clientCredentialsEnabled)}>On</option><option value="off"${selected(!s.clientCredentialsEnabled)}>Off</option></select>
<label for="run_as">Run As (a username; empty for none)</label>
<input id="run_as" name="run_as" value="${escapeHtml(s.runAsUser ?? '')}">
<h2>JWT Bearer Flow</h2>
<p>${s.jwtCertificates.length} certificate(s) uploaded.</p>
<label for="certificate">Upload a certificate (PEM, replaces the uploaded ones)</label>
<textarea id="certificate" name="certificate" rows="4"></textarea>
<label for="permitted">Permitted Users</label>
<select id="permitted" name="permitted"><option value="admin_approved"${selected(s.jwtPermittedUsers === 'admin_approved')}>Admin approved users are pre-authorized</option><option value="self_authorize"${selected(s.jwtPermittedUsers === 'self_authorize')}>All users may self-authorize</option></select>
<label for="approved">Pre-authorized users (usernames separated by spaces, or all)</label>
<input id="approved" name="approved" value="${escapeHtml(approved)}">
<label for="jwt_audience">Audience the app takes on the My Domain</label>
<select id="jwt_audience" name="jwt_audience"><option value="login_host"${selected(s.jwtAudience === 'login_host')}>The login host (documented)</option><option value="my_domain"${selected(s.jwtAudience === 'my_domain')}>The My Domain (some External Client Apps since Spring '26)</option></select>
<p><button type="submit">Save</button></p>
</form>`,
    );
}

/** The policies as posted; a certificate that does not parse is refused, as Setup refuses it. */
function applySetup(org: Org, form: Form): string {
    const s = org.settings;
    s.clientCredentialsEnabled = field(form, 'cc_enabled') !== 'off';
    s.runAsUser = field(form, 'run_as')?.trim() || undefined;
    s.jwtPermittedUsers = field(form, 'permitted') === 'self_authorize' ? 'self_authorize' : 'admin_approved';
    s.jwtAudience = field(form, 'jwt_audience') === 'my_domain' ? 'my_domain' : 'login_host';
    const approved = (field(form, 'approved') ?? 'all').trim();
    s.jwtApprovedUsers = approved === 'all' ? 'all' : approved.split(/\s+/).filter(Boolean);
    const certificate = field(form, 'certificate')?.trim();
    if (!certificate) return 'Saved.';
    try {
        new X509Certificate(certificate);
    } catch {
        return 'Saved, but the certificate is not a PEM X.509 certificate: it was not uploaded.';
    }
    s.jwtCertificates = [certificate];
    return 'Saved, with the new certificate.';
}

/** Only the simulator's own page may change its settings: another site's form is refused. */
function sameOrigin(req: Request): boolean {
    const site = req.get('sec-fetch-site');
    if (site !== undefined) return site === 'same-origin';
    return req.get('origin') === `${req.protocol}://${req.get('host')}`;
}

export function setupRoutes(org: Org): Router {
    const router = express.Router();
    router.get('/setup', (_req, res) => void res.send(setupPage(org)));
    router.post('/setup', express.urlencoded({ extended: false, limit: '16kb' }), (req: Request, res: Response) => {
        if (!sameOrigin(req)) return void res.status(403).type('text/plain').send('Forbidden');
        res.send(setupPage(org, applySetup(org, req.body as Form)));
    });
    return router;
}
