// Shared helpers of the real-client checks. run.sh starts the simulator and the gateway and passes their
// addresses in E2E_* variables; nothing here starts or stops a process.
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

function required(name) {
  const value = process.env[name];
  if (!value) {
    throw new Error(`${name} is not set: run the checks through e2e/run.sh (or mvn -B verify)`);
  }
  return value;
}

export const env = {
  /** plain HTTP listener of the gateway, e.g. http://127.0.0.1:41001 */
  gateway: required('E2E_GATEWAY_URL'),
  /** HTTPS listener of the gateway (throwaway self-signed cert), e.g. https://127.0.0.1:41002 */
  gatewayTls: required('E2E_GATEWAY_TLS_URL'),
  /** the simulator's base URL (its control plane /__sim/* lives there too) */
  sim: required('E2E_SIM_URL'),
  /** host:port the simulator advertises in search.basePath */
  simHost: new URL(required('E2E_SIM_URL')).host,
  apiKey: process.env.E2E_KLEVU_API_KEY || 'klevu-demo-api-key',
  chromium: process.env.E2E_CHROMIUM || '/usr/bin/chromium',
  certPath: process.env.E2E_CERT_PATH || '',
};

export const outDir = join(dirname(dirname(fileURLToPath(import.meta.url))), 'out');
mkdirSync(outDir, { recursive: true });

/** A fresh exchange id of the form klaviyo.js writes: <IDENTIFIER>.<6-alphanumeric company id>. */
export function newExchangeId(company = 'E2eTst') {
  return `${randomBytes(24).toString('base64url')}.${company}`;
}

/** The __kla_id cookie value klaviyo.js writes for an identified visitor: base64(JSON). */
export function klaIdCookie(exchangeId) {
  const json = JSON.stringify({ cid: Buffer.from('e2e-client').toString('base64'), $exchange_id: exchangeId });
  return Buffer.from(json, 'utf8').toString('base64');
}

async function simGet(path) {
  const res = await fetch(env.sim + path, { signal: AbortSignal.timeout(5_000) });
  if (!res.ok) {
    throw new Error(`simulator ${path} answered ${res.status}`);
  }
  return res.json();
}

/** Upstream call counters of the simulated Klevu/Klaviyo: session, config, search, collect, events, profiles. */
export const simStats = () => simGet('/__sim/stats');

/** Analytics events that reached the simulated Klevu, oldest first. */
export const simEvents = () => simGet('/__sim/events?limit=1000');

/**
 * Requests that reached the simulated Klevu's config, search or collect endpoints after sequence number
 * {@code after}, as they arrived (raw query, parsed body, trace id of their traceparent), oldest first.
 */
export const simRequests = (after = 0) => simGet(`/__sim/requests?after=${after}&limit=1000`);

/** Counter differences between two /__sim/stats answers. */
export function delta(before, after) {
  const out = {};
  for (const name of ['session', 'config', 'search', 'collect', 'events', 'profiles']) {
    out[name] = after[name] - before[name];
  }
  return out;
}

/** Polls check() until it returns a truthy value; fails with the last value seen after timeoutMs. */
export async function waitFor(what, check, { timeoutMs = 10_000, intervalMs = 100 } = {}) {
  const deadline = Date.now() + timeoutMs;
  let last;
  for (;;) {
    last = await check();
    if (last) {
      return last;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/** The simulator's events for one recommendation list and event name, as the simulator stored them. */
export function eventsOf(all, { event, listId, sessionId }) {
  return all.filter((e) => e.event === event
    && e.event_data?.list_id === listId
    && (sessionId === undefined || e.user_profile?.sessionId === sessionId));
}

/**
 * Chromium launch options: the Debian browser, never a downloaded one. Playwright gives every launch() a
 * fresh temporary --user-data-dir of its own and removes it on close (it refuses one in args).
 */
export function chromiumLaunchOptions() {
  return {
    executablePath: env.chromium,
    headless: true,
    chromiumSandbox: false,
    timeout: 30_000,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
      '--disable-dev-shm-usage'],
  };
}

/** Whether a URL stays on the loopback interface (the checks must never leave the machine). */
export function isLoopback(url) {
  try {
    const { protocol, hostname } = new URL(url);
    if (protocol === 'data:' || protocol === 'blob:' || protocol === 'about:') {
      return true;
    }
    return hostname === '127.0.0.1' || hostname === 'localhost' || hostname === '[::1]';
  } catch {
    return false;
  }
}
