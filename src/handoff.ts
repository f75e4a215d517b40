// Ready-to-run lines for the tools people use next, each quoting what it carries for its own language:
// POSIX shell (single quotes), Python and JavaScript (JSON string literals are valid in both), and JSON.
import type { Config } from './config.js';
import type { TokenSet } from './types.js';

/** POSIX shell single-quoting, so a copied line is safe whatever the value contains. */
export function shellQuote(value: string): string {
    return `'${value.replace(/'/g, `'\\''`)}'`;
}

/** A string literal for Python 3 and JavaScript: JSON's escapes are valid in both. */
export function stringLiteral(value: string): string {
    return JSON.stringify(value);
}

export interface HandoffInput {
    config: Config;
    tokens: TokenSet;
    apiVersion: string | undefined;
    soql: string;
}

/**
 * The Salesforce CLI's SFDX auth URL (`sf org login sfdx-url`): force://<consumer key>:<consumer secret>:
 * <refresh token>@<instance host>. Only a refresh token makes it useful.
 */
export function sfdxAuthUrl({ config, tokens }: HandoffInput): string | undefined {
    if (!tokens.refreshToken) return undefined;
    const host = new URL(tokens.instanceUrl).host;
    return `force://${config.clientId}:${config.clientSecret ?? ''}:${tokens.refreshToken}@${host}`;
}

/** The Salesforce CLI release the lines below were checked against (its plugin-auth's flag definitions). */
export const SF_CLI_CHECKED = '@salesforce/cli 2.150.6 (plugin-auth 5.0.6)';

/**
 * The command that prints the clipboard on the machine the app runs on, which is the person's own: the lines
 * read a secret from there, so it never appears in a command line or the shell's history.
 */
function clipboardCommand(platform: NodeJS.Platform, wayland = false): string {
    if (platform === 'darwin') return 'pbpaste';
    if (platform === 'win32') return 'Get-Clipboard';
    return wayland ? 'wl-paste' : 'xclip -selection clipboard -o';
}

/** Where the app runs: the person's own desktop, whose clipboard the lines read. */
interface Desktop {
    platform: NodeJS.Platform;
    /** A Wayland session (WAYLAND_DISPLAY set), whose clipboard `wl-paste` prints. */
    wayland: boolean;
}

const THIS_DESKTOP: Desktop = { platform: process.platform, wayland: Boolean(process.env.WAYLAND_DISPLAY) };

/**
 * `sf org login sfdx-url` reads the auth URL from standard input when `--sfdx-url-stdin` is given `-` (a file
 * flag that takes only stdin), piped from the clipboard; `sf org login access-token` without SF_ACCESS_TOKEN asks
 * for the token at a prompt that does not echo it. Neither line carries a secret.
 */
export function sfCliLines(
    input: HandoffInput,
    desktop: Desktop = THIS_DESKTOP,
): { sfdxUrl?: string; accessToken: string } {
    const { tokens } = input;
    return {
        sfdxUrl:
            sfdxAuthUrl(input) &&
            `${clipboardCommand(desktop.platform, desktop.wayland)} | sf org login sfdx-url --sfdx-url-stdin - --alias sf-oauth-auth`,
        accessToken: `sf org login access-token --instance-url ${shellQuote(tokens.instanceUrl)} --alias sf-oauth-auth`,
    };
}

/**
 * `sf org login jwt` (Salesforce CLI): the same key, Consumer Key and user; `--instance-url` is the login URL the
 * token request went to, and the key's path is JWT_KEY_FILE's (the key itself never leaves this machine).
 */
export function sfJwtLine(clientId: string, username: string, keyFile: string, loginUrl: string): string {
    return [
        'sf org login jwt',
        `--client-id ${shellQuote(clientId)}`,
        `--jwt-key-file ${shellQuote(keyFile)}`,
        `--username ${shellQuote(username)}`,
        `--instance-url ${shellQuote(loginUrl)}`,
        '--alias sf-oauth-auth',
    ].join(' ');
}

export function pythonRequests({ tokens, apiVersion, soql }: HandoffInput): string {
    const version = apiVersion ?? '66.0';
    return [
        'import requests',
        '',
        `instance_url = ${stringLiteral(tokens.instanceUrl)}`,
        `access_token = ${stringLiteral(tokens.accessToken)}`,
        'response = requests.get(',
        `    instance_url + ${stringLiteral(`/services/data/v${version}/query`)},`,
        `    params={"q": ${stringLiteral(soql)}},`,
        '    headers={"Authorization": "Bearer " + access_token},',
        ')',
        'print(response.json())',
    ].join('\n');
}

export function pythonSimpleSalesforce({ tokens, apiVersion, soql }: HandoffInput): string {
    const version = apiVersion ? `, version=${stringLiteral(apiVersion)}` : '';
    return [
        'from simple_salesforce import Salesforce',
        '',
        `sf = Salesforce(instance_url=${stringLiteral(tokens.instanceUrl)}, session_id=${stringLiteral(tokens.accessToken)}${version})`,
        `print(sf.query(${stringLiteral(soql)}))`,
    ].join('\n');
}

export function jsforceSnippet({ tokens, apiVersion, soql }: HandoffInput): string {
    const version = apiVersion ? `, version: ${stringLiteral(apiVersion)}` : '';
    return [
        "import jsforce from 'jsforce';",
        '',
        `const conn = new jsforce.Connection({ instanceUrl: ${stringLiteral(tokens.instanceUrl)}, accessToken: ${stringLiteral(tokens.accessToken)}${version} });`,
        `console.log(await conn.query(${stringLiteral(soql)}));`,
    ].join('\n');
}

export function envLines({ tokens, apiVersion }: HandoffInput): string {
    const lines = [`SF_ACCESS_TOKEN=${tokens.accessToken}`, `SF_INSTANCE_URL=${tokens.instanceUrl}`];
    if (tokens.refreshToken) lines.push(`SF_REFRESH_TOKEN=${tokens.refreshToken}`);
    if (apiVersion) lines.push(`SF_API_VERSION=${apiVersion}`);
    return lines.join('\n');
}

export function curlLine({ tokens, apiVersion, soql }: HandoffInput): string | undefined {
    if (!apiVersion) return undefined;
    const queryUrl = new URL(`/services/data/v${apiVersion}/query`, tokens.instanceUrl).href;
    return `curl --get ${shellQuote(queryUrl)} --data-urlencode ${shellQuote(`q=${soql}`)} -H ${shellQuote(`Authorization: Bearer ${tokens.accessToken}`)}`;
}

/**
 * A Postman environment with the variables of Salesforce's "Salesforce Platform APIs" collection: `url`
 * (the login host), `version`, `_endpoint` (the instance) and the tokens, which are marked secret.
 */
export function postmanEnvironment({ config, tokens, apiVersion }: HandoffInput, loginUrl: string, name: string) {
    const value = (key: string, v: string, secret = false) => ({
        key,
        value: v,
        type: secret ? 'secret' : 'default',
        enabled: true,
    });
    const values = [
        value('url', loginUrl),
        value('version', apiVersion ?? ''),
        value('_endpoint', tokens.instanceUrl),
        value('_accessToken', tokens.accessToken, true),
        value('clientId', config.clientId),
    ];
    if (tokens.refreshToken) values.push(value('_refreshToken', tokens.refreshToken, true));
    return { name, values, _postman_variable_scope: 'environment' };
}
