import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { errorTitle } from '../../src/messages.js';
import { shellQuote } from '../../src/handoff.js';
import { loadConfig } from '../../src/config.js';
import {
    formatExpiry,
    formatIssuedAt,
    formatLocalDateTime,
    indexView,
    relativeTime,
    statusView,
} from '../../src/view-model.js';
import { breakPoints } from '../../src/result-view.js';

describe('shellQuote', () => {
    for (const value of ['plain', "it's", "a'b'c", '$(id) `x` "y" \\ ;|&', "'"]) {
        it(`a POSIX shell reads ${JSON.stringify(value)} back unchanged`, () => {
            assert.equal(execFileSync('sh', ['-c', `printf %s ${shellQuote(value)}`], { encoding: 'utf8' }), value);
        });
    }
});

/** The one way every page writes a moment: local, day month year, to the second, with the zone. */
const ONE_DATE_FORMAT = /^\d{1,2} \w{3} \d{4}, \d\d:\d\d:\d\d [\w+:-]+$/;

describe('formatIssuedAt', () => {
    it('milliseconds since the epoch (Salesforce) are written in the one date format', () => {
        assert.match(formatIssuedAt('1700000000000')!, ONE_DATE_FORMAT);
        assert.match(formatIssuedAt('1700000000000')!, /^1[45] Nov 2023, /);
    });
    it('ten digits are read as seconds: the same moment', () => {
        assert.equal(formatIssuedAt('1700000000'), formatIssuedAt('1700000000000'));
    });
    it('the same moment in UTC and in the one format agree on the minute and second', () => {
        assert.match(formatIssuedAt('1700000000000')!, /:\d\d:20 /);
        assert.equal(formatLocalDateTime(1_700_000_000_000), formatIssuedAt('1700000000000'));
    });
    const kept: Array<[string | undefined, string | undefined]> = [
        ['soon', 'soon'],
        [undefined, undefined],
    ];
    for (const [input, expected] of kept) {
        it(`${input} is not a time and is shown as it came`, () => assert.equal(formatIssuedAt(input), expected));
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
        assert.match(
            formatExpiry((now + 118 * 60_000) / 1000, now),
            /^\d{1,2} Nov 2026, \d\d:\d\d:\d\d [\w+:-]+ \(in 1 h 58 min\)$/,
        );
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

describe('breakPoints: where a long heading may wrap on a phone', () => {
    const cases: Array<[string, string[]]> = [
        ['api.user@acme.com', ['api.', 'user', '@acme.', 'com']],
        ['ada@example.com', ['ada', '@example.', 'com']],
        ['test.salesforce.com', ['test.', 'salesforce.', 'com']],
        ['nobreak', ['nobreak']],
    ];
    for (const [input, parts] of cases) {
        it(`${input} breaks only before @ and after dots: ${parts.join(' | ')}`, () => {
            assert.deepEqual(breakPoints(input), parts);
            assert.equal(parts.join(''), input);
        });
    }
});

describe('the first page follows the environment picked', () => {
    const config = loadConfig({ CLIENT_ID: 'k', CLIENT_SECRET: 's' });
    const help: Array<[string, RegExp]> = [
        ['Production', /^A production org logs in at login\.salesforce\.com/],
        ['Sandbox', /^A sandbox \(or scratch org\) login goes to test\.salesforce\.com/],
        ['Dev', /^A Developer Edition org logs in at login\.salesforce\.com/],
        ['Custom', /^The org's own My Domain/],
    ];
    for (const [environment, expected] of help) {
        it(`${environment}: the help under the choice says where that login goes`, () => {
            const view = indexView(config, { form: { sf_env: environment } });
            assert.match(view.environmentHelp[view.form.sf_env]!, expected);
        });
    }
});

describe('the first page points at what each flow needs', () => {
    it('with JWT_KEY_FILE, the setup card offers the certificate; without, it says to run npm run jwt-key', () => {
        assert.equal(indexView(loadConfig({ CLIENT_ID: 'k', JWT_KEY_FILE: '.jwt/server.key' })).jwtKey, true);
        assert.equal(indexView(loadConfig({ CLIENT_ID: 'k' })).jwtKey, false);
    });
    it("a simulated org's first page links to the simulated app's Setup page on its login host", () => {
        const config = {
            ...loadConfig({ CLIENT_ID: 'k', BASE_SALESFORCE_PRODUCTION_URL: 'http://127.0.0.1:7781' }),
            simulation: { myDomainUrl: 'http://127.0.0.1:7783' },
        };
        assert.equal(indexView(config).simulatedSetup, 'http://127.0.0.1:7781/setup');
        assert.equal(indexView(loadConfig({ CLIENT_ID: 'k' })).simulatedSetup, undefined);
    });
});
