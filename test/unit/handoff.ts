import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { loadConfig } from '../../src/config.js';
import {
    envLines,
    jsforceSnippet,
    postmanEnvironment,
    pythonRequests,
    pythonSimpleSalesforce,
    sfCliLines,
    sfdxAuthUrl,
} from '../../src/handoff.js';

// Values with every character a language could trip on: quotes, backslashes, $, backticks, braces.
const HOSTILE = `00D!AR'"\\$(id)\`x\`{y}`;
const input = {
    config: loadConfig({ CLIENT_ID: '3MVG9.key', CLIENT_SECRET: 'consumer-secret' }),
    tokens: {
        accessToken: HOSTILE,
        refreshToken: '5Aep861.refresh',
        instanceUrl: 'https://acme.my.salesforce.com',
        id: 'https://login.salesforce.com/id/00D/005',
        tokenType: 'Bearer',
    },
    apiVersion: '66.0',
    soql: `SELECT Id FROM Account WHERE Name = 'O''Brien "x" \\ {z}'`,
};

/** The string literals Python reads from a snippet, in order. */
function pythonStrings(code: string): string[] {
    const program = `import ast, json, sys\nprint(json.dumps([n.value for n in ast.walk(ast.parse(sys.stdin.read())) if isinstance(n, ast.Constant) and isinstance(n.value, str)]))`;
    return JSON.parse(execFileSync('python3', ['-c', program], { input: code, encoding: 'utf8' })) as string[];
}

describe('hand-off snippets quote what they carry for their own language', () => {
    it('Python requests: Python parses it and reads the token, the instance URL and the SOQL back unchanged', () => {
        const strings = pythonStrings(pythonRequests(input));
        for (const v of [HOSTILE, input.tokens.instanceUrl, input.soql]) assert.ok(strings.includes(v), v);
    });
    it('simple_salesforce: Python parses it and reads the token and the SOQL back unchanged', () => {
        const strings = pythonStrings(pythonSimpleSalesforce(input));
        for (const v of [HOSTILE, input.soql, '66.0']) assert.ok(strings.includes(v), v);
    });
    it('jsforce: Node parses it as a module and the literals evaluate to the token and the SOQL', () => {
        const code = jsforceSnippet(input);
        execFileSync(process.execPath, ['--check', '--input-type=module'], { input: code });
        const literals = [...code.matchAll(/"(?:[^"\\]|\\.)*"/g)].map((m) => JSON.parse(m[0]) as string);
        for (const v of [HOSTILE, input.soql]) assert.ok(literals.includes(v), v);
    });
    it("the sf CLI lines carry no secret (it comes from the clipboard or a prompt) and parse on today's CLI", () => {
        const { accessToken, sfdxUrl } = sfCliLines(input, { platform: 'linux', wayland: false });
        for (const line of [accessToken, sfdxUrl!]) {
            for (const secret of [HOSTILE, 'consumer-secret', '5Aep861.refresh']) assert.ok(!line.includes(secret));
        }
        // plugin-auth's `sfdx-url-stdin` is a file flag that takes only stdin: its value must be `-`.
        assert.equal(
            sfdxUrl,
            'xclip -selection clipboard -o | sf org login sfdx-url --sfdx-url-stdin - --alias sf-oauth-auth',
        );
        assert.equal(
            accessToken,
            "sf org login access-token --instance-url 'https://acme.my.salesforce.com' --alias sf-oauth-auth",
        );
        assert.doesNotMatch(accessToken, /--no-prompt|SF_ACCESS_TOKEN/);
    });
    const clipboards: Array<[NodeJS.Platform, boolean, string]> = [
        ['darwin', false, 'pbpaste'],
        ['win32', false, 'Get-Clipboard'],
        ['linux', false, 'xclip -selection clipboard -o'],
        ['linux', true, 'wl-paste'],
    ];
    for (const [platform, wayland, command] of clipboards) {
        it(`on ${platform}${wayland ? ' with Wayland' : ''} the auth URL is read from the clipboard with ${command}`, () => {
            const line = sfCliLines(input, { platform, wayland }).sfdxUrl!;
            assert.ok(line.startsWith(`${command} | sf org login sfdx-url`));
        });
    }
    it('the SFDX auth URL is force://key:secret:refresh@instance-host, and absent without a refresh token', () => {
        assert.equal(sfdxAuthUrl(input), 'force://3MVG9.key:consumer-secret:5Aep861.refresh@acme.my.salesforce.com');
        assert.equal(sfdxAuthUrl({ ...input, tokens: { ...input.tokens, refreshToken: undefined } }), undefined);
    });
    it('the .env lines carry the refresh token when there is one', () => {
        assert.match(envLines(input), /^SF_REFRESH_TOKEN=5Aep861\.refresh$/m);
    });
    it('the Postman environment survives JSON, marks the tokens secret and carries no consumer secret', () => {
        const env = JSON.parse(JSON.stringify(postmanEnvironment(input, 'https://login.salesforce.com', 'x'))) as {
            values: Array<{ key: string; value: string; type: string }>;
        };
        const byKey = Object.fromEntries(env.values.map((v) => [v.key, v]));
        assert.equal(byKey._accessToken?.value, HOSTILE);
        assert.equal(byKey._accessToken?.type, 'secret');
        assert.equal(byKey._refreshToken?.type, 'secret');
        assert.equal(byKey._endpoint?.value, 'https://acme.my.salesforce.com');
        assert.equal(byKey.url?.value, 'https://login.salesforce.com');
        assert.ok(!JSON.stringify(env).includes('consumer-secret'));
    });
});
