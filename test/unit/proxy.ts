import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { bypassesProxy, proxyFor, proxySettings } from '../../src/salesforce/proxy.js';

describe('proxy settings', () => {
    const settings = {
        https: 'http://proxy:3128',
        http: 'http://proxy:8080',
        noProxy: '.internal.example, localhost,10.0.0.1:8443',
    };
    const cases: Array<[string, string | undefined]> = [
        ['https://login.salesforce.com/services/oauth2/token', 'http://proxy:3128'],
        ['http://127.0.0.1:5000/services/oauth2/token', undefined],
        ['http://127.8.9.10:5000/', undefined],
        ['http://[::1]:5000/', undefined],
        ['http://localhost:5000/', undefined],
        ['http://sim.localhost:5000/', undefined],
        ['http://login.example.test:5000/', 'http://proxy:8080'],
        ['https://api.internal.example/', undefined],
        ['https://internal.example/', undefined],
        ['http://localhost:7777/', undefined],
        ['https://10.0.0.1:8443/', undefined],
        ['https://10.0.0.1/', 'http://proxy:3128'],
        ['https://notinternal.example/', 'http://proxy:3128'],
    ];
    for (const [url, proxy] of cases) {
        it(`${url} goes ${proxy ? `through ${proxy}` : 'direct'}`, () => {
            assert.equal(proxyFor(new URL(url), settings), proxy);
        });
    }
    const noProxyCases: Array<[string, string, boolean]> = [
        ['10.0.0.0/8', 'https://10.1.2.3/', true],
        ['10.0.0.0/8', 'https://11.1.2.3/', false],
        ['192.168.0.0/16, .corp.example', 'https://192.168.4.5:8443/', true],
        ['fd00::/8', 'https://[fd00::1]/', true],
        ['fd00::/8', 'https://[fe80::1]/', false],
        ['fd00::1', 'https://[fd00::1]/', true],
        ['[fd00::1]', 'https://[fd00::1]/', true],
        ['[fd00::1]:8443', 'https://[fd00::1]:8443/', true],
        ['[fd00::1]:8443', 'https://[fd00::1]/', false],
        ['fd00:0:0::1', 'https://[fd00::1]/', true],
        ['10.0.0.0/8', 'https://tenten.example/', false],
        ['not-a-cidr/8', 'https://10.1.2.3/', false],
    ];
    for (const [noProxy, url, direct] of noProxyCases) {
        it(`NO_PROXY=${noProxy}: ${url} goes ${direct ? 'direct' : 'through the proxy'}`, () => {
            assert.equal(bypassesProxy(new URL(url), noProxy), direct);
        });
    }

    it('NO_PROXY=* sends everything direct', () => {
        assert.equal(bypassesProxy(new URL('https://login.salesforce.com'), '*'), true);
    });
    it('reads the variables in either case, the lower-case one winning as in curl', () => {
        assert.deepEqual(
            proxySettings({ HTTPS_PROXY: 'http://upper:1', https_proxy: 'http://lower:2', NO_PROXY: 'x' }),
            {
                https: 'http://lower:2',
                http: undefined,
                noProxy: 'x',
            },
        );
    });
});
