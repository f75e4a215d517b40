import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadConfig, nearMisses } from '../../src/config.js';
import { ConfigError } from '../../src/errors.js';

function problems(env: Record<string, string>): readonly string[] {
    try {
        loadConfig(env);
    } catch (err) {
        assert.ok(err instanceof ConfigError);
        return err.problems;
    }
    assert.fail('loadConfig accepted a bad configuration');
}

describe('loadConfig', () => {
    it('with only CLIENT_ID, uses the tutorial defaults and the callback http://localhost:7777/callback', () => {
        const config = loadConfig({ CLIENT_ID: 'abc' });
        assert.equal(config.callbackUrl, 'http://localhost:7777/callback');
        assert.equal(config.origin, 'http://localhost:7777');
        assert.equal(config.productionUrl, 'https://login.salesforce.com');
        assert.equal(config.sandboxUrl, 'https://test.salesforce.com');
        assert.equal(config.authorizePath, '/services/oauth2/authorize');
        assert.equal(config.tokenPath, '/services/oauth2/token');
        assert.equal(config.httpTimeoutMs, 10000);
        assert.equal(config.clientSecret, undefined);
        assert.ok(Object.isFrozen(config));
    });

    it('with an empty CLIENT_SECRET (the tutorial .env as shipped), treats the app as a public client', () => {
        assert.equal(loadConfig({ CLIENT_ID: 'abc', CLIENT_SECRET: '  ' }).clientSecret, undefined);
    });

    it('with everything wrong at once, names every bad variable in one error', () => {
        const found = problems({
            APP_URL: 'https://example.com',
            APP_PORT: '70000',
            BASE_SALESFORCE_PRODUCTION_URL: 'http://login.salesforce.com',
            BASE_SALESFORCE_SANDBOX_URL: 'not a url',
            AUTHORIZE_URL: 'services/oauth2/authorize',
            TOKEN_URL: '/token?x=1',
            HTTP_TIMEOUT_MS: 'soon',
            API_VERSION: 'latest',
            SCOPE: 'api "web"',
            PROMPT: 'always',
        }).join('\n');
        for (const name of [
            'CLIENT_ID',
            'APP_URL',
            'APP_PORT',
            'BASE_SALESFORCE_PRODUCTION_URL',
            'BASE_SALESFORCE_SANDBOX_URL',
            'AUTHORIZE_URL',
            'TOKEN_URL',
            'HTTP_TIMEOUT_MS',
            'API_VERSION',
            'SCOPE',
            'PROMPT',
        ]) {
            assert.match(found, new RegExp(name), `${name} is named`);
        }
    });

    it('with APP_URL on a non-loopback host, refuses it because the app listens on loopback only', () => {
        assert.match(problems({ CLIENT_ID: 'a', APP_URL: 'http://0.0.0.0' }).join(), /loopback/);
    });

    it('with a port in APP_URL that differs from APP_PORT, says to put the port in APP_PORT', () => {
        assert.match(problems({ CLIENT_ID: 'a', APP_URL: 'http://localhost:5000' }).join(), /APP_PORT/);
    });

    it('with APP_URL=http://127.0.0.1 and APP_PORT=8080, builds the callback on 127.0.0.1:8080', () => {
        assert.equal(
            loadConfig({ CLIENT_ID: 'a', APP_URL: 'http://127.0.0.1', APP_PORT: '8080' }).callbackUrl,
            'http://127.0.0.1:8080/callback',
        );
    });

    it('with a plain-http login host on loopback (the simulator), accepts it; on any other host, refuses it', () => {
        assert.equal(
            loadConfig({ CLIENT_ID: 'a', BASE_SALESFORCE_PRODUCTION_URL: 'http://127.0.0.1:9999' }).productionUrl,
            'http://127.0.0.1:9999',
        );
        assert.match(
            problems({ CLIENT_ID: 'a', BASE_SALESFORCE_SANDBOX_URL: 'http://test.salesforce.com' }).join(),
            /https/,
        );
    });

    it('with a trailing slash on a login host and API_VERSION=v66, normalises both', () => {
        const config = loadConfig({
            CLIENT_ID: 'a',
            BASE_SALESFORCE_SANDBOX_URL: 'https://test.salesforce.com/',
            API_VERSION: 'v66',
        });
        assert.equal(config.sandboxUrl, 'https://test.salesforce.com');
        assert.equal(config.apiVersion, '66.0');
    });
});

describe('nearMisses: names in .env that are one or two slips from a setting', () => {
    const cases: Array<[string, string | undefined]> = [
        ['CLIENT_SECERT', 'CLIENT_SECRET'],
        ['APP_PROT', 'APP_PORT'],
        ['client_id', 'CLIENT_ID'],
        ['CLIENTID', 'CLIENT_ID'],
        ['BASE_SALESFORCE_SANDBOX_ULR', 'BASE_SALESFORCE_SANDBOX_URL'],
        ['SCOPES', 'SCOPE'],
        ['CLIENT_SECRET', undefined],
        ['https_proxy', undefined],
        ['NODE_EXTRA_CA_CERTS', undefined],
        ['PATH', undefined],
        ['MY_OWN_THING', undefined],
    ];
    for (const [name, meant] of cases) {
        it(`${name}: ${meant ? `did you mean ${meant}` : 'nothing to say'}`, () => {
            assert.deepEqual(nearMisses([name]), meant ? [{ name, meant }] : []);
        });
    }
});
