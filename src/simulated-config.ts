// The app's configuration for a simulated org, used by `npm run demo` and the tests: the simulator's
// production and sandbox listeners as login hosts, every My Domain routed to its third listener, and
// the app's callback URL registered with the simulated app.
import { loadConfig, type Config, type Env } from './config.js';
import type { Simulator } from './simulator/index.js';

export function simulatedConfig(simulator: Simulator, env: Env): Config {
    const config: Config = {
        ...loadConfig({
            BASE_SALESFORCE_PRODUCTION_URL: simulator.urls.production,
            BASE_SALESFORCE_SANDBOX_URL: simulator.urls.sandbox,
            ...env,
        }),
        simulation: { myDomainUrl: simulator.urls.mydomain },
    };
    simulator.settings.callbackUrls = [config.callbackUrl];
    return config;
}
