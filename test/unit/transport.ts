import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AxiosError, type InternalAxiosRequestConfig } from 'axios';
import { AppError } from '../../src/errors.js';
import { failureOf } from '../../src/salesforce/transport.js';

/** An AxiosError as axios makes one: it holds the request's config, and so the form with every secret. */
function axiosError(code: string, message = 'failed'): AxiosError {
    const config = {
        headers: {},
        data: 'grant_type=authorization_code&code=CODE-SECRET-1234&client_secret=CLIENT-SECRET&code_verifier=VERIFIER',
    } as unknown as InternalAxiosRequestConfig;
    return new AxiosError(message, code, config);
}

describe('failureOf: why a call to Salesforce failed, from its code alone', () => {
    const host = 'login.salesforce.com';
    const cases: Array<[string, unknown, boolean, string, RegExp]> = [
        ['the deadline passed', axiosError('ERR_CANCELED'), true, 'timeout', /did not answer within 300 ms/],
        ['the name does not resolve', axiosError('ENOTFOUND'), false, 'unreachable', /host name does not resolve/],
        ['the connection was refused', axiosError('ECONNREFUSED'), false, 'unreachable', /connection was refused/],
        [
            'a self-signed certificate',
            axiosError('DEPTH_ZERO_SELF_SIGNED_CERT'),
            false,
            'unreachable',
            /TLS certificate/,
        ],
        ['a certificate for another name', axiosError('ERR_TLS_CERT_ALTNAME_INVALID'), false, 'unreachable', /TLS/],
        ['the connection was reset', axiosError('ECONNRESET'), false, 'unreachable', /connection failed/],
        [
            'more than the cap on the wire',
            axiosError('ERR_BAD_RESPONSE', 'maxContentLength size of 262144 exceeded'),
            false,
            'bad_response',
            /too large/,
        ],
        ['more than the cap unpacked', { code: 'ERR_BUFFER_TOO_LARGE' }, false, 'bad_response', /too large/],
        ['a gzip stream cut short', { code: 'Z_BUF_ERROR' }, false, 'bad_response', /could not be unpacked/],
        ['a corrupt gzip stream', { code: 'Z_DATA_ERROR' }, false, 'bad_response', /could not be unpacked/],
        ['something that is not an error at all', undefined, false, 'unreachable', /connection failed/],
    ];
    for (const [what, err, timedOut, code, message] of cases) {
        it(`${what}: ${code}, with a message that names the host`, () => {
            const failure = failureOf(err, host, 300, timedOut);
            assert.ok(failure instanceof AppError);
            assert.equal(failure.code, code);
            assert.match(failure.message, message);
            assert.match(failure.message, /login\.salesforce\.com/);
        });
    }

    it('the AppError made from an AxiosError keeps nothing of the request: no cause, no secret in any property', () => {
        const failure = failureOf(axiosError('ECONNRESET'), host, 300, false);
        assert.equal(failure.cause, undefined);
        const everything = JSON.stringify({ ...failure, message: failure.message, stack: failure.stack });
        for (const secret of ['CODE-SECRET-1234', 'CLIENT-SECRET', 'VERIFIER']) {
            assert.ok(!everything.includes(secret), `${secret} is not in the error`);
        }
    });
});
