/**
 * `vod-upload/emulator`: a local stand-in for the Tencent VOD server-side upload service.
 *
 * `createEmulator()` gives a web-standard handler for any runtime; `startEmulator()` serves it on
 * Node. Both accept the well-known {@link DEV_CREDENTIALS} unless given others.
 *
 * Nothing here imports `node:` modules eagerly: the Node server and the disk storage are loaded
 * on first use, so this entry also loads in workerd and browsers.
 */
import type { DiskStorage } from './disk-storage.js';
import type { RunningEmulator, StartEmulatorOptions } from './server.js';

export { createEmulator, DEV_CREDENTIALS, DEFAULT_RATE_LIMITS } from './emulator.js';
export type { Emulator, EmulatorOptions } from './emulator.js';
export type { EmulatorCredential, RateLimits } from './gate.js';
export type { RunningEmulator, StartEmulatorOptions } from './server.js';
export { MemoryStorage } from './memory-storage.js';
export { portableHashing } from './hashing.js';
export type { Digest, EmulatorHashing } from './hashing.js';
export type { DiskStorage } from './disk-storage.js';
export { partFitsSession, sessionRecord, partRecord, fileRecord } from './storage.js';
export type { EmulatorStorage, FileWriter, SessionRecord, PartRecord, FileRecord } from './storage.js';
export { RequestLog } from './log.js';
export type { LogEntry, LogSummary } from './log.js';
export { FaultInjector, faultRule } from './faults.js';
export type { FaultRule, FaultKind } from './faults.js';
export { parseFaultPlan, PLAN_KINDS } from './fault-plan.js';
export type { FaultPlan, FaultPlanInput, PlanKind } from './fault-plan.js';
export { contentTypeOf } from './files.js';
export type { LinkOptions } from './link.js';

/**
 * Starts the emulator on a Node HTTP server (`host` default 127.0.0.1, `port` default 8787, 0
 * picks one; `data` a directory for disk storage, else memory). Node only.
 */
export async function startEmulator(options: StartEmulatorOptions = {}): Promise<RunningEmulator> {
  const server = await import('./server.js');
  return server.startEmulator(options);
}

/**
 * Opens (creating if needed) a data directory as emulator storage that survives restarts. Node only.
 */
export async function openDiskStorage(directory: string): Promise<DiskStorage> {
  const disk = await import('./disk-storage.js');
  return disk.DiskStorage.open(directory);
}
