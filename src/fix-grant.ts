// The fix table's rows for `invalid_grant`, the token endpoint's refusal of a code or a refresh token: the same
// code with many descriptions, each with its own cause. First match wins, so the catch-all row comes last.
import { POLICIES, realmHint, type Row } from './fix-text.js';

export const GRANT_ROWS: readonly Row[] = [
    {
        error: 'invalid_grant',
        grant: 'refresh_token',
        description: /expired authorization code/i,
        headline: 'Salesforce refused this refresh',
        explain: () => ({
            cause: "Real orgs answered a refresh this way (before Winter '25) when another refresh with the same refresh token was still being answered: two tabs, a double click or a retry.",
            steps: [
                'Reload the result page: the other refresh usually succeeded, and its token is the one to use.',
                'In your own code, send one refresh at a time for each refresh token.',
            ],
        }),
    },
    {
        error: 'invalid_grant',
        description: /^inactive user$/i,
        headline: 'This user is inactive',
        explain: () => ({
            cause: 'The user who logged in is deactivated or frozen, so Salesforce issues no token for them.',
            steps: [
                'In Setup → Users, activate (or unfreeze) the user, then log in again.',
                'Or log in as another user: choose the prompt "login" on the first page to get a fresh login form.',
            ],
        }),
    },
    {
        error: 'invalid_grant',
        description: /activation secret invalid/i,
        explain: () => ({
            cause: "Salesforce did not accept this login's identity verification: the verification code was wrong, expired or already used.",
            steps: [
                'Log in again and enter the newest code Salesforce sends: each code works once, for a few minutes.',
                "If no code arrives, check the user's email address and verification methods in Setup → Users.",
            ],
        }),
    },
    {
        error: 'invalid_grant',
        description: /invalid user credentials/i,
        explain: () => ({
            cause: "Salesforce refused the user's credentials: a wrong, expired or locked-out password, or a client that sends a username and password (the username-password flow, blocked by default since Summer '23).",
            steps: [
                'Log in to the org in a browser as this user to check the password and any lockout.',
                'Use the web server flow this app uses; for a server without a person, use the Client Credentials or JWT Bearer flow.',
            ],
        }),
    },
    {
        error: 'invalid_grant',
        description: /^$/,
        explain: (ctx) => ({
            cause: 'Salesforce refused the grant without saying why. Real orgs answered so for a code redeemed at another host than the one that issued it, or a code already used.',
            steps: ['Start the login again and finish it once, in one tab.', realmHint(ctx)],
        }),
    },
    {
        error: 'invalid_grant',
        description: /expired authorization code/i,
        explain: () => ({
            cause: 'The authorization code was already used, or more than 15 minutes passed between login and exchange.',
            steps: ['Start the login again from the first page and finish it within 15 minutes.'],
        }),
    },
    {
        error: 'invalid_grant',
        description: /authentication failure/i,
        explain: (ctx) => ({
            cause: 'The code was redeemed in another realm than the one that issued it (a sandbox code at login.salesforce.com, or the reverse), or the user cannot log in.',
            steps: [
                realmHint(ctx),
                'Check that the user is active and can log in to the org in a browser.',
                'An org with "Prevent login from https://login.salesforce.com" (Setup → My Domain) refuses the generic login hosts, and Salesforce\'s page then looks like a wrong password: choose Custom with the org\'s My Domain.',
            ],
        }),
    },
    {
        error: 'invalid_grant',
        description: /code verifier/i,
        explain: () => ({
            cause: 'The PKCE code_verifier did not match the code_challenge of this login.',
            steps: [
                'Start the login again in this browser: each login has its own verifier, kept by this app.',
                'If it keeps happening, check that nothing between the app and Salesforce rewrites AUTHORIZE_URL or TOKEN_URL.',
            ],
        }),
    },
    {
        error: 'invalid_grant',
        description: /expired access\/refresh token/i,
        explain: () => ({
            cause: "The refresh token was revoked or expired under the app's Refresh Token Policy, replaced by rotation, or revoked because the same user approved the app more than 5 times (a sixth login revokes the oldest refresh token).",
            steps: [
                'Log in again to get a new refresh token.',
                'With Refresh Token Rotation on, use only the newest refresh token: reusing an older one revokes them all.',
                `To keep refresh tokens longer, set Refresh Token Policy in ${POLICIES} (for example "Refresh token is valid until revoked").`,
            ],
        }),
    },
    {
        error: 'invalid_grant',
        description: /ip restricted|login hours/i,
        explain: () => ({
            cause: "The user's profile does not allow a login from this IP address or at this hour.",
            steps: [
                "Check Login IP Ranges and Login Hours on the user's profile.",
                `Or set IP Relaxation to "Relax IP restrictions" in ${POLICIES}.`,
            ],
        }),
    },
    {
        error: 'invalid_grant',
        description: /approved this consumer/i,
        explain: () => ({
            cause: 'The user has not approved this app, and it is not pre-authorized for them.',
            steps: [
                `In ${POLICIES}, set Permitted Users to "Admin approved users are pre-authorized", then add the user's profile or permission set under Manage Profiles / Manage Permission Sets.`,
            ],
        }),
    },
    {
        error: 'invalid_grant',
        description: /already being processed/i,
        explain: () => ({
            cause: 'Salesforce refuses a second token request with the same code or refresh token while the first is being answered (a double click, a retry, or two tabs at once).',
            steps: [
                'Wait a moment: the first request usually succeeded. Reload the result page, or log in again.',
                'In your own code, send one refresh at a time for each refresh token.',
            ],
        }),
    },
    {
        error: 'invalid_grant',
        explain: (ctx) => ({
            cause: 'Salesforce refused the grant: usually a used or expired code, a realm mix-up, or a user who cannot log in.',
            steps: ['Start the login again.', realmHint(ctx)],
        }),
    },
];
