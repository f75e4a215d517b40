// The fix table's rows for the flows without a browser: Client Credentials (Salesforce help, "Configure the
// Client Credentials Flow for External Client Apps" and "Configure a Connected App for the OAuth 2.0 Client
// Credentials Flow") and JWT Bearer ("OAuth 2.0 JWT Bearer Flow for Server-to-Server Integration"), with the
// words real orgs answer. These rows match only their grant, so they come before the general ones.
import { CONSUMER_DETAILS, PERMITTED, POLICIES, TAKES_TIME, type Row } from './fix-text.js';

const CLIENT_CREDENTIALS_SETTING =
    'Setup → External Client App Manager → your app → Settings → OAuth Settings → Flow Enablement → Enable Client Credentials Flow (Connected App: App Manager → your app → Edit → Enable Client Credentials Flow)';
const RUN_AS =
    'Setup → External Client App Manager → your app → Policies → OAuth Policies → Client Credentials Flow → Run As (Connected App: App Manager → your app → Manage → Edit Policies → Client Credentials Flow → Run As)';
const JWT_SETTING =
    'Setup → External Client App Manager → your app → Settings → OAuth Settings → Flow Enablement → Enable JWT Bearer Flow, then upload the certificate (Connected App: App Manager → your app → Edit → Use digital signatures)';
const PRE_AUTHORIZED = `${POLICIES} → Permitted Users: "Admin approved users are pre-authorized"`;

/** The Client Credentials flow is off on the app. */
const CLIENT_CREDENTIALS_OFF = {
    grant: 'client_credentials',
    headline: 'Client Credentials is not enabled on the app',
    explain: () => ({
        cause: 'Salesforce refused the client_credentials grant for this app: the flow is not enabled on it.',
        steps: [`${CLIENT_CREDENTIALS_SETTING}, accept the warning, save.`, `Then set its Run As user: ${RUN_AS}.`],
        note: TAKES_TIME,
    }),
} as const;

export const FLOW_ROWS: readonly Row[] = [
    {
        error: 'invalid_grant',
        grant: 'client_credentials',
        description: /request not supported on this domain/i,
        headline: "Client Credentials needs the org's My Domain",
        explain: (ctx) => ({
            cause: "Salesforce serves the Client Credentials flow only at the org's My Domain, never at login.salesforce.com, test.salesforce.com or a Setup or Lightning host.",
            steps: [
                `On the first page choose Custom and enter the My Domain (Setup → My Domain): acme.my.salesforce.com, or acme--dev.sandbox.my.salesforce.com for a sandbox.${ctx.loginHost ? ` This request went to ${ctx.loginHost}.` : ''}`,
                'In your own code, post the token request to https://<My Domain>/services/oauth2/token.',
            ],
        }),
    },
    {
        error: 'invalid_grant',
        grant: 'client_credentials',
        description: /no client credentials user enabled/i,
        headline: 'The app has no Run As user',
        explain: () => ({
            cause: "Client Credentials tokens act as the app's Run As (execution) user, and none is set, or the one set is not a username Salesforce knows.",
            steps: [
                `${RUN_AS}: pick the integration user (an API Only user is recommended).`,
                'Enter the username, not the email address: the two often differ.',
                'For an External Client App deployed with metadata, the flow must be on in both halves: isClientCredentialsFlowEnabled in the global OAuth settings and in the OAuth policies, with clientCredentialsFlowUser.',
            ],
            note: TAKES_TIME,
        }),
    },
    // Reports of this refusal differ (which code, which words), so each form seen points to the same fix.
    ...(
        [
            ['invalid_client', /not enabled/i],
            ['unauthorized_client', undefined],
            ['unsupported_grant_type', undefined],
        ] as const
    ).map(([error, description]): Row => ({ error, description, ...CLIENT_CREDENTIALS_OFF })),
    {
        error: 'invalid_client',
        grant: 'client_credentials',
        headline: 'Salesforce refused the Consumer Key and Secret',
        explain: () => ({
            cause: 'The Consumer Secret in CLIENT_SECRET is not the secret of this Consumer Key (the Client Credentials flow always needs it).',
            steps: [
                `Copy the Consumer Key and Secret from ${CONSUMER_DETAILS} into CLIENT_ID and CLIENT_SECRET in .env, then restart.`,
            ],
            note: TAKES_TIME,
        }),
    },
    {
        error: 'invalid_grant',
        grant: 'jwt_bearer',
        description: /hasn't approved this consumer|has not approved this consumer/i,
        headline: 'This user is not pre-authorized for the app',
        explain: () => ({
            cause: 'The JWT Bearer flow has no approval screen: the user must be pre-authorized (or have approved the app once in a browser). Less often, the audience does not match the host the request went to.',
            steps: [
                `${PRE_AUTHORIZED}.`,
                `Add the user's profile or a permission set they have: ${PERMITTED}.`,
                'Or log in once as this user with the Web Server flow on this page, which approves the app for them.',
            ],
            note: TAKES_TIME,
        }),
    },
    {
        error: 'invalid_grant',
        grant: 'jwt_bearer',
        description: /invalid assertion/i,
        headline: 'Salesforce could not verify the assertion',
        explain: () => ({
            cause: "The assertion's signature does not verify with the certificate uploaded to the app: the certificate is of another key (or an old one), or the JWT is malformed.",
            steps: [
                "Download this app's certificate (the link in the first page's setup card, /jwt/certificate.crt) and upload it to the app, replacing the old one:",
                JWT_SETTING,
                'Check that JWT_KEY_FILE is the key the certificate was made from.',
            ],
            note: TAKES_TIME,
        }),
    },
    {
        error: 'invalid_grant',
        grant: 'jwt_bearer',
        description: /audience is invalid/i,
        headline: 'Salesforce did not accept the audience',
        explain: (ctx) => ({
            cause: "The assertion's aud is not the authorization server Salesforce expects for this org.",
            steps: [
                `Pick the environment the org really is: Production or Dev sends aud https://login.salesforce.com, Sandbox (and a sandbox or scratch org My Domain) sends https://test.salesforce.com, an Experience Cloud site sends its own URL.${ctx.audience ? ` This assertion's aud was ${ctx.audience}.` : ''}`,
                "Some orgs' External Client Apps (since Spring '26) accept only their My Domain as the audience: in your own code, try aud = https://<My Domain> with the token request at the My Domain.",
            ],
        }),
    },
    {
        error: 'invalid_grant',
        grant: 'jwt_bearer',
        description: /expired authorization code/i,
        headline: "The assertion's expiry was already past",
        explain: () => ({
            cause: "Salesforce checks exp against its own clock: this machine's clock is behind, or exp was computed in local time or milliseconds rather than UTC seconds.",
            steps: [
                "Set this machine's clock from the network (automatic date and time), then try again.",
                'In your own code: exp = the current UTC time in seconds + up to 180.',
            ],
        }),
    },
    {
        error: 'invalid_app_access',
        grant: 'jwt_bearer',
        headline: 'This user is not assigned to the app',
        explain: () => ({
            cause: 'The app admits only pre-authorized users ("Admin approved users are pre-authorized"), and this user has none of its profiles or permission sets.',
            steps: [
                `${PERMITTED}: add the user's profile, or a permission set assigned to them.`,
                'A permission set on the Salesforce API Integration license cannot hold assigned apps: use the profile or a second permission set.',
            ],
            note: TAKES_TIME,
        }),
    },
    {
        error: 'app_not_found',
        grant: 'jwt_bearer',
        headline: 'The External Client App is not installed in this org',
        explain: () => ({
            cause: "The External Client App is not in the org this request reached: local apps are not copied when a sandbox is created or refreshed; some orgs' External Client Apps also answer so when the audience is login.salesforce.com or test.salesforce.com.",
            steps: [
                'Create (or install) the app in this org, upload the certificate again, and pre-authorize the user.',
                "If the app is there: choose Custom with the org's My Domain and Audience: the My Domain itself; in your own code, use the My Domain as both the token host and the aud.",
            ],
        }),
    },
];
