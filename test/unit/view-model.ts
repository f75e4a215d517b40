import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { errorTitle } from '../../src/messages.js';
import { shellQuote } from '../../src/handoff.js';
import { loadConfig } from '../../src/config.js';
import { formatExpiry, formatIssuedAt, indexView, relativeTime, statusView } from '../../src/view-model.js';

describe('shellQuote', () => {
    for (const value of ['plain', "it's", "a'b'c", '$(id) `x` "y" \\ ;|&', "'"]) {
        it(`a POSIX shell reads ${JSON.stringify(value)} back unchanged`, () => {
            assert.equal(execFileSync('sh', ['-c', `printf %s ${shellQuote(value)}`], { encoding: 'utf8' }), value);
        });
    }
});

describe('formatIssuedAt', () => {
    const cases: Array<[string | undefined, string | undefined]> = [
        ['1700000000000', '2023-11-14 22:13:20 UTC'],
        ['1700000000', '2023-11-14 22:13:20 UTC'],
        ['soon', 'soon'],
        [undefined, undefined],
    ];
    for (const [input, expected] of cases) {
        it(`${input} is shown as ${expected}`, () => assert.equal(formatIssuedAt(input), expected));
    }
});

describe('errorTitle', () => {
    const cases: Array<[string, number, string]> = [
        ['internal', 500, 'Something went wrong'],
        ['bad_response', 502, 'Salesforce could not be used'],
        ['salesforce_error', 502, 'Salesforce refused the request'],
        ['timeout', 504, 'Salesforce could not be used'],
        ['result_not_found', 404, 'Not found'],
        ['state_mismatch', 400, 'This did not work'],
    ];
    for (const [code, status, title] of cases) {
        it(`${code} (${status}) is titled "${title}"`, () => assert.equal(errorTitle(code, status), title));
    }
});

describe('token status and expiry', () => {
    const now = Date.UTC(2026, 10, 29, 12, 0, 0);
    const cases: Array<[number, string]> = [
        [now + 118 * 60_000, 'in 1 h 58 min'],
        [now + 4 * 60_000, 'in 4 min'],
        [now - 3 * 60_000, '3 min ago'],
        [now + 120 * 60_000, 'in 2 h 0 min'],
    ];
    for (const [target, expected] of cases) {
        it(`${(target - now) / 60_000} minutes from now reads "${expected}"`, () => {
            assert.equal(relativeTime(target, now), expected);
        });
    }
    it('the expiry names the local time and the distance', () => {
        assert.match(formatExpiry((now + 118 * 60_000) / 1000, now), /^\d{1,2} Nov 2026, \d\d:\d\d \(in 1 h 58 min\)$/);
    });
    const config = loadConfig({ CLIENT_ID: 'k', CLIENT_SECRET: 's' });
    const publicConfig = loadConfig({ CLIENT_ID: 'k' });
    const refused = { kind: 'refused' as const, error: { error: 'invalid_client' } };
    const statuses: Array<[string, ReturnType<typeof statusView>, RegExp]> = [
        ['inactive', statusView(config, { kind: 'inactive' }, now), /^Not active/],
        ['refused with a secret', statusView(config, refused, now), /refused introspection \(invalid_client\)/],
        ['refused without a secret', statusView(publicConfig, refused, now), /only with the Consumer Secret/],
        ['unknown', statusView(config, { kind: 'unknown', reason: 'it timed out' }, now), /Not checked: it timed out/],
    ];
    for (const [name, view, expected] of statuses) {
        it(`a token ${name} is described as ${expected}`, () => {
            assert.match(view.text, expected);
            assert.equal(view.expiresAt, undefined);
        });
    }
});

describe('indexView', () => {
    it('a real org shows the Consumer Key by its first and last characters, and the login hosts really used', () => {
        const v = indexView(
            loadConfig({
                CLIENT_ID: '3MVG9ABCDEFGHIJKLMNOP.XYZ1234',
                BASE_SALESFORCE_SANDBOX_URL: 'https://acme--uat.sandbox.my.salesforce.com',
            }),
        );
        assert.equal(v.consumerKey, '3MVG9A…1234');
        assert.equal(v.simulated, false);
        assert.deepEqual(
            v.environments.map((e) => e.label),
            [
                'Production (login.salesforce.com)',
                'Sandbox (acme--uat.sandbox.my.salesforce.com)',
                'Dev: Developer Edition (login.salesforce.com)',
                'Custom: My Domain or Experience Cloud site',
            ],
        );
    });
});
