/**
 * The bounds of the signing exchange, apart from its zod schemas (schema.ts): the browser's remote
 * signer checks its options against them when it is made, and loads the schemas only to read an
 * answer.
 */

/** Bounds of one signing exchange. */
export const SIGNING_LIMITS = {
  /** Parameter sets per request, by default. */
  maxBatch: 64,
  /** Parameter sets per request, at most (whatever the option says). */
  hardMaxBatch: 1024,
  /** Parameters in one set (the emulator accepts 64). */
  params: 64,
  nameLength: 64,
  valueLength: 2048,
  hostLength: 255,
  pathLength: 256,
  /** Bytes of a signing request body, by default: a full batch of typical sets fits easily. */
  maxBodyBytes: 256 * 1024,
} as const;
