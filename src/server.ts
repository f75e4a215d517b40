// The entry point of `npm start`: reads .env, checks the configuration, serves on loopback.
// `npm start -- --open` also opens the page in the default browser, as the Salesforce CLI does.
import { existsSync, readFileSync } from 'node:fs';
import dotenv from 'dotenv';
import { createApp } from './app.js';
import { loadConfig, nearMisses, type Config } from './config.js';
import { ConfigError } from './errors.js';
import { fileJwtKey } from './oauth/jwt-key.js';
import { bindLoopback, isLoopbackAddress, SLOW_CLIENT_LIMITS } from './serve.js';

// Values already in the process environment win over .env.
dotenv.config({ quiet: true });
// A misspelt name in .env is otherwise ignored in silence.
const written = existsSync('.env') ? Object.keys(dotenv.parse(readFileSync('.env'))) : [];
for (const { name, meant } of nearMisses(written)) {
    console.warn(`WARNING: .env sets ${name}, which this app does not read. Did you mean ${meant}?`);
}

let config: Config;
try {
    config = loadConfig(process.env);
} catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    // The advice depends on whether there is a .env to fix.
    const advice = existsSync('.env')
        ? 'Fix these in .env (see README.md, "Configuration").'
        : 'There is no .env here: copy .env.example to .env and fill it in (see README.md, "Configuration").';
    console.error(
        `sf-oauth-auth cannot start.\n${err.message}\n\n${advice}\nTo try the tool without an org: npm run demo`,
    );
    process.exit(1);
}

try {
    const bound = await bindLoopback(config.host, config.port, SLOW_CLIENT_LIMITS, config.bind);
    const jwtKey = fileJwtKey(config.jwtKeyFile);
    bound.serve(createApp(config, { jwtKey }));
    if (config.bind && !isLoopbackAddress(config.bind)) {
        console.warn(
            `WARNING: APP_BIND=${config.bind} listens beyond this machine. Anyone who can reach port ${config.port} ` +
                `and send Host: ${new URL(config.origin).host} can use your tokens. Publish the port on loopback only ` +
                `(docker run -p 127.0.0.1:${config.port}:${config.port}).`,
        );
    }
    console.log(`sf-oauth-auth is running: open ${config.origin}`);
    console.log(`Callback URL to register in your External Client App (or Connected App): ${config.callbackUrl}`);
    console.log(
        config.clientSecret
            ? 'Confidential client: CLIENT_SECRET is sent in the token request and verifies the response signature.'
            : 'Public client: no CLIENT_SECRET, so PKCE alone protects the code (untick "Require Secret for Web Server Flow").',
    );
    // A key that cannot be used is named now, not at the first JWT Bearer login.
    if (config.jwtKeyFile) {
        await jwtKey().then(
            () => console.log(`JWT Bearer: assertions are signed with the key in ${config.jwtKeyFile}.`),
            (err: unknown) =>
                console.warn(
                    `WARNING: ${err instanceof Error ? err.message : String(err)} JWT Bearer logins are refused until it is fixed.`,
                ),
        );
    }
    console.log('Stop with Control-C.');
    if (process.argv.includes('--open')) {
        // Loaded only when asked for: start-up stays fast.
        const { default: open } = await import('open');
        await open(config.origin).catch(() => undefined);
    }
    // Tokens live only in this process: stopping it forgets them all.
    for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => process.exit(0));
} catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE' || code === 'EACCES') {
        console.error(
            `sf-oauth-auth cannot listen on port ${config.port}: ${code === 'EADDRINUSE' ? 'another program is using it (on 127.0.0.1 or ::1)' : 'permission denied'}.\n` +
                `Stop that program or set APP_PORT to a free port in .env. If you change APP_PORT, the callback URL changes too: ` +
                `register ${config.origin.replace(/:\d+$/, '')}:<new port>/callback in Salesforce.`,
        );
        process.exit(1);
    }
    throw err;
}
