/**
 * The service's published call budgets per SecretId per minute: the client paces itself to them
 * and the emulator enforces them, so they are defined once here.
 */
import type { VodAction } from './errors.js';

/** Calls per minute, by action. */
export type RateLimits = Readonly<Record<VodAction, number>>;

/** The documented limits: 100 InitUpload and FinishUpload, 10 000 UploadPart per minute. */
export const DEFAULT_RATE_LIMITS: RateLimits = Object.freeze({ InitUpload: 100, FinishUpload: 100, UploadPart: 10_000 });
