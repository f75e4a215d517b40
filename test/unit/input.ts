import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AppError } from '../../src/errors.js';
import { parseEnvironment, parseMyDomain, parsePrompt, parseScope } from '../../src/input.js';

function refusal(fn: () => unknown): string {
    try {
        fn();
    } catch (err) {
        assert.ok(err instanceof AppError);
        assert.equal(err.status, 400);
        return err.message;
    }
    assert.fail('the input was accepted');
}

describe('parseMyDomain', () => {
    const accepted: Array<[string, string]> = [
        ['acme.my.salesforce.com', 'acme.my.salesforce.com'],
        ['  ACME.My.Salesforce.COM ', 'acme.my.salesforce.com'],
        ['https://acme.my.salesforce.com', 'acme.my.salesforce.com'],
        ['https://acme.my.salesforce.com/', 'acme.my.salesforce.com'],
        ['acme--uat.sandbox.my.salesforce.com', 'acme--uat.sandbox.my.salesforce.com'],
        ['acme.develop.my.salesforce.com', 'acme.develop.my.salesforce.com'],
        ['acme-dev-ed.scratch.my.salesforce.com', 'acme-dev-ed.scratch.my.salesforce.com'],
        ['agency.my.salesforce.mil', 'agency.my.salesforce.mil'],
        ['acme.my.site.com', 'acme.my.site.com'],
        ['acme.my-salesforce.com', 'acme.my-salesforce.com'],
        ['acme.my.sfcrmproducts.cn', 'acme.my.sfcrmproducts.cn'],
        ['acme.my.site.com/partners', 'acme.my.site.com/partners'],
        ['https://acme.my.site.com/partners/', 'acme.my.site.com/partners'],
        ['acme--dev.sandbox.my.site.com/help/center', 'acme--dev.sandbox.my.site.com/help/center'],
        ['acme.force.com/customers', 'acme.force.com/customers'],
        ['acme.secure.force.com', 'acme.secure.force.com'],
    ];
    for (const [input, host] of accepted) {
        it(`accepts "${input}" as ${host}`, () => assert.equal(parseMyDomain(input), host));
    }

    const refused: Array<[string, RegExp]> = [
        ['', /Enter your My Domain host/],
        ['evil.com', /does not end in/],
        ['acme.my.salesforce.com.evil.com', /does not end in/],
        ['login.salesforce.com.evil.com', /does not end in/],
        ['my.salesforce.com', /does not end in/],
        ['http://acme.my.salesforce.com', /need https/],
        ['ftp://acme.my.salesforce.com', /only https/],
        ['javascript:alert(1)', /only https/],
        ['acme.my.salesforce.com:8443', /without a port/],
        ['x.my.salesforce.com@evil.com', /"@"/],
        ['evil.com\\@x.my.salesforce.com', /"@"/],
        ['https://user@acme.my.salesforce.com', /"@"/],
        ['acme.my.salesforce.com/p?q#f', /without a path/],
        ['acme.my.salesforce.com/partners', /only an Experience Cloud site has a path/],
        ['acme.my.site.com/a/../b', /without a path/],
        ['acme.my.site.com/a/b/c/d', /without a path/],
        ['https://acme.my.salesforce.com/services', /without a path/],
        ['127.0.0.1', /IP addresses/],
        ['[::1]', /port|IP/],
        ['localhost', /localhost/],
        ['acme.my.salesforce.com.', /trailing dot/],
        ['xn--80ak6aa92e.my.salesforce.com', /punycode/],
        ['acme.my.salesforce.com\r\nSet-Cookie: x=1', /control characters/],
        ['%0d%0aSet-Cookie:', /not a Salesforce My Domain host/],
        [`${'a'.repeat(64)}.my.salesforce.com`, /not a valid host name/],
        ['-acme.my.salesforce.com', /not a valid host name/],
    ];
    for (const [input, message] of refused) {
        it(`refuses ${JSON.stringify(input)} with a 400 message`, () =>
            assert.match(
                refusal(() => parseMyDomain(input)),
                message,
            ));
    }

    it('suggests the my.salesforce.com host for a lightning.force.com address', () => {
        assert.match(
            refusal(() => parseMyDomain('acme--uat.sandbox.lightning.force.com')),
            /Use acme--uat\.sandbox\.my\.salesforce\.com instead/,
        );
    });

    it('suggests the my.salesforce.com host for a my.salesforce-setup.com address', () => {
        assert.match(
            refusal(() => parseMyDomain('https://acme.my.salesforce-setup.com/')),
            /Use acme\.my\.salesforce\.com instead/,
        );
    });

    it('points login.salesforce.com and test.salesforce.com to the Production and Sandbox choices', () => {
        assert.match(
            refusal(() => parseMyDomain('login.salesforce.com')),
            /choose Production/,
        );
        assert.match(
            refusal(() => parseMyDomain('test.salesforce.com')),
            /choose Sandbox/,
        );
    });
});

describe('form values', () => {
    it('accepts the tutorial environments in any case, and refuses __proto__', () => {
        assert.equal(parseEnvironment('sandbox'), 'Sandbox');
        assert.equal(parseEnvironment('Dev'), 'Dev');
        assert.match(
            refusal(() => parseEnvironment('__proto__')),
            /Unknown environment/,
        );
        assert.match(
            refusal(() => parseEnvironment('')),
            /Choose an environment/,
        );
    });

    it('normalises scopes and refuses quotes and backslashes', () => {
        assert.equal(parseScope('  api   refresh_token api '), 'api refresh_token');
        assert.equal(parseScope(''), undefined);
        assert.match(
            refusal(() => parseScope('api "web"')),
            /scope names separated by spaces/,
        );
        assert.match(
            refusal(() => parseScope('api\\web')),
            /scope names/,
        );
    });

    it('accepts login consent together and refuses unknown prompts', () => {
        assert.equal(parsePrompt('login consent'), 'login consent');
        assert.match(
            refusal(() => parsePrompt('none')),
            /one or more of: login, consent, select_account/,
        );
    });
});
