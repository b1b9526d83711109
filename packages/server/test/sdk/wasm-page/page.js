// The SDK as an app loads it in a browser: getSDK() from the package's ES module (served at /lib/,
// so its worker resolves next to it), with the wasm assets at the site root.
//
// Every SDK event goes to the test through the binding `huddleEvent` (page.exposeBinding), as it
// happens; `window.huddle.call` runs one SDK method and settles with {ok, value} or {ok, error}, since
// the SDK rejects with plain objects, which Playwright would turn into an opaque error.

import { CbEvents, getSDK } from '/lib/index.es.js';

const sdk = getSDK({ coreWasmPath: '/openIM.wasm', sqlWasmPath: '/sql-wasm.wasm', debug: false });

for (const name of Object.values(CbEvents)) {
  sdk.on(name, (event) => window.huddleEvent({ ...event, event: name }));
}

window.huddle = {
  async call(method, args) {
    try {
      return { ok: true, value: await sdk[method](...args) };
    } catch (error) {
      return { ok: false, error: error instanceof Error ? { errMsg: String(error) } : error };
    }
  },
};
