import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isTrustedUrl, orgKind } from '../../src/salesforce/hosts.js';

const LOGIN = 'https://login.salesforce.com';

describe('isTrustedUrl', () => {
    const cases: Array<[string, unknown, boolean]> = [
        ['a My Domain', 'https://acme.my.salesforce.com', true],
        ['a sandbox My Domain', 'https://acme--dev.sandbox.my.salesforce.com', true],
        ['an identity URL on the login host', `${LOGIN}/id/00D/005`, true],
        ['an Experience Cloud site', 'https://acme.my.site.com', true],
        ['a Government Cloud host', 'https://acme.my.salesforce.mil', true],
        ['an instance on force.com', 'https://na1.force.com', true],
        ['http on a Salesforce host', 'http://acme.my.salesforce.com', false],
        ['a look-alike suffix', 'https://acme.my.salesforce.com.evil.example', false],
        ['a bare suffix', 'https://salesforce.com.evil.example', false],
        ['the suffix without a label', 'https://.salesforce.com', false],
        ['credentials in the URL', 'https://user:pw@acme.my.salesforce.com', false],
        ['a live-agent host', 'https://x.salesforceliveagent.com', false],
        ['not text', 42, false],
        ['not a URL', 'acme.my.salesforce.com', false],
    ];
    for (const [name, url, trusted] of cases) {
        it(`${name} is ${trusted ? 'trusted' : 'refused'}`, () => assert.equal(isTrustedUrl(url, LOGIN), trusted));
    }
    it('a loopback instance is trusted only when it is the login host itself (the simulator)', () => {
        assert.equal(isTrustedUrl('http://127.0.0.1:5000', 'http://127.0.0.1:5000'), true);
        assert.equal(isTrustedUrl('http://127.0.0.1:5000', LOGIN), false);
    });
});

describe('orgKind', () => {
    const cases: Array<[string, string, string | undefined, string]> = [
        ['Sandbox', 'test.salesforce.com', undefined, 'Sandbox'],
        ['Custom', 'acme--dev.sandbox.my.salesforce.com', undefined, 'Sandbox'],
        ['Production', 'login.salesforce.com', 'https://cs42.salesforce.com', 'Sandbox'],
        ['Custom', 'acme.scratch.my.salesforce.com', undefined, 'Scratch org'],
        ['Dev', 'login.salesforce.com', undefined, 'Production (Developer Edition)'],
        ['Custom', 'acme.develop.my.salesforce.com', undefined, 'Production (Developer Edition)'],
        ['Production', 'login.salesforce.com', 'https://acme.my.salesforce.com', 'Production'],
    ];
    for (const [environment, host, instance, kind] of cases) {
        it(`${environment} at ${host}${instance ? ` with ${instance}` : ''} is ${kind}`, () => {
            assert.equal(orgKind(environment, host, instance), kind);
        });
    }
});
