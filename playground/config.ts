/** Reads `/api/config` (served by playground/server.ts) and checks its shape. */
import type { PlaygroundConfig } from './server.js';

export type { PlaygroundConfig };

/** Fetches and validates the config; throws an Error saying what is wrong. */
export async function loadConfig(fetchFn: typeof fetch = fetch, url = '/api/config'): Promise<PlaygroundConfig> {
  let response: Response;
  try {
    response = await fetchFn(url, { cache: 'no-store' });
  } catch (error) {
    throw new Error(
      `Could not load ${url}: ${error instanceof Error ? error.message : String(error)}. Start the playground with npm start.`,
    );
  }
  if (!response.ok)
    throw new Error(`${url} answered ${response.status}: start the playground with npm start (it serves the signing route).`);
  const value: unknown = await response.json().catch(() => undefined);
  if (typeof value !== 'object' || value === null) throw new Error(`${url} did not answer a JSON object`);
  const record = value as Record<string, unknown>;
  for (const key of ['endpoint', 'signUrl', 'emulator'] as const) {
    if (typeof record[key] !== 'string' || record[key] === '') throw new Error(`${url}: "${key}" is missing`);
  }
  return { endpoint: record.endpoint as string, signUrl: record.signUrl as string, emulator: record.emulator as string };
}
