// The least of a browser that @klevu/core 5.2.2 needs to run its browser code paths under node, read from its
// dist/mjs source:
//  - utils/isBrowser.js: "browser" = typeof window and typeof document are both defined;
//  - utils/storage.js: the session id, expiry and segments live in window.localStorage, pending analytics in
//    window.sessionStorage (KlevuEvents read the session id for user_profile.sessionId from there);
//  - config.js / store/*: document.dispatchEvent(new CustomEvent(...)) (node 20 has both classes);
//  - events/eventRequests.js: navigator.sendBeacon when present, else post() of FormData;
//  - connectors/klaviyo.js: globalThis._learnq.push(["_getIdentifiers", "", {}]).$exchange_id.
// Import this module before @klevu/core: config.js looks at window.KlevuConfig when it is first evaluated.

class MemoryStorage {
  #items = new Map();
  get length() { return this.#items.size; }
  key(i) { return [...this.#items.keys()][i] ?? null; }
  getItem(k) { return this.#items.has(String(k)) ? this.#items.get(String(k)) : null; }
  setItem(k, v) { this.#items.set(String(k), String(v)); }
  removeItem(k) { this.#items.delete(String(k)); }
  clear() { this.#items.clear(); }
}

globalThis.window = globalThis;
globalThis.document = new EventTarget();
globalThis.localStorage = new MemoryStorage();
globalThis.sessionStorage = new MemoryStorage();
// node 20 has no navigator: an empty one makes the SDK take its no-sendBeacon path (a plain POST)
if (typeof globalThis.navigator === 'undefined') {
  globalThis.navigator = {};
}

/**
 * A stand-in for klaviyo.js's _learnq queue: on a page with klaviyo.js, _learnq.push(["_getIdentifiers"])
 * answers the visitor's identifiers, $exchange_id among them once the visitor is identified.
 * @returns the calls the SDK made, for assertions
 */
export function installLearnq(exchangeId) {
  const calls = [];
  globalThis._learnq = {
    push(command) {
      calls.push(command);
      if (Array.isArray(command) && command[0] === '_getIdentifiers') {
        return { $exchange_id: exchangeId, $referrer: { ts: Date.now(), value: '', first_page: '/' } };
      }
      return undefined;
    },
  };
  return calls;
}

/**
 * Records every fetch the SDK makes (method, URL, body, status) and passes it on unchanged.
 * @returns the list the calls are appended to
 */
export function recordFetches() {
  const calls = [];
  const realFetch = globalThis.fetch;
  globalThis.fetch = async (input, init = {}) => {
    const call = { method: init.method || 'GET', url: String(input), headers: init.headers, body: init.body };
    calls.push(call);
    try {
      const response = await realFetch(input, init);
      call.status = response.status;
      return response;
    } catch (e) {
      call.error = e;
      throw e;
    }
  };
  return calls;
}
