/**
 * The protocol's constants, apart from its zod schemas (schemas.ts): the package's root exports
 * them, and a page that imports them must not load zod with them.
 */

/** The two part sizes the protocol allows. */
export const PART_SIZES = [524288, 1048576] as const;
/** A part size the protocol takes: 524288 or 1048576. */
export type PartSize = (typeof PART_SIZES)[number];

/** The client's default endpoint. */
export const DEFAULT_ENDPOINT = 'https://vod2.qcloud.com/v2/index.php';
/** Paths the service answers on (the emulator serves both). */
export const PROTOCOL_PATHS = ['/v2/index.php', '/v3/index.php'] as const;

/** Bounds on what the network may hand us. */
export const LIMITS = {
  fileNameBytes: 40,
  fileTypeLength: 16,
  tagCount: 10,
  tagLength: 64,
  /** Parts listed in one resume answer: a 100 GiB file in 512 KiB parts. */
  listParts: 204800,
  fileIdLength: 40,
  urlLength: 2048,
  messageLength: 4096,
  /** Bytes of an answer the client reads at most. */
  answerBytes: 16 * 1024 * 1024,
} as const;

/** A file type (extension without the dot) the service takes. */
export const FILE_TYPE_PATTERN = /^[A-Za-z0-9]{1,16}$/;
