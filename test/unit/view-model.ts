import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { errorTitle } from '../../src/messages.js';
import { shellQuote } from '../../src/handoff.js';
import { formatIssuedAt } from '../../src/view-model.js';

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
        ['bad_response', 502, 'Salesforce call failed'],
        ['timeout', 504, 'Salesforce call failed'],
        ['result_not_found', 404, 'Not found'],
        ['state_mismatch', 400, 'This did not work'],
    ];
    for (const [code, status, title] of cases) {
        it(`${code} (${status}) is titled "${title}"`, () => assert.equal(errorTitle(code, status), title));
    }
});
