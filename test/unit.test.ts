// The unit tests: pure functions only, run in one process so that they pay one start-up between them.
import './unit/config.js';
import './unit/crypto.js';
import './unit/hosts.js';
import './unit/input.js';
import './unit/oauth.js';
import './unit/store.js';
import './unit/token-response.js';
import './unit/view-model.js';
import './unit/proxy.js';
import './unit/handoff.js';
import './unit/id-token.js';
import './unit/transport.js';
import './unit/imports.js';
import './unit/flows.js';
