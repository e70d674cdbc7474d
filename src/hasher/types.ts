/**
 * Types of the single-pass hasher: one read of a Blob yields the SHA-1 of the whole file and the
 * MD5 of every part, which is everything InitUpload and UploadPart need.
 */
/** One end of a job's pipe between two workers (pipe.ts), posted with the job, the port in the transfer list. */
export interface PipeEnd {
  port: MessagePort;
  /** `send`: this worker reads the Blob and forwards its bytes; `receive`: it hashes what arrives. */
  role: 'send' | 'receive';
}

/** An incremental hash function. */
export interface IncrementalHash {
  /** Feeds bytes. The view is only read during the call (callers may reuse its buffer). */
  update(bytes: Uint8Array): void;
  /**
   * Returns the digest of everything fed since the last digest, as lower-case hex, and resets
   * the state so the same object hashes the next message (one MD5 object serves every part).
   */
  digest(): string;
}

/**
 * A source of SHA-1 and MD5 hashers.
 *
 * An engine serves one hash job at a time: engines backed by WebAssembly own their instances.
 * Hashers call the {@link HashEngineLoader} again for each job, which is cheap.
 */
export interface HashEngine {
  /** Short name reported in {@link HashResult.engine}, e.g. `wasm`, `spark`, `node`. */
  readonly name: string;
  /** A fresh incremental SHA-1. */
  sha1(): IncrementalHash;
  /** A fresh incremental MD5. */
  md5(): IncrementalHash;
  /**
   * Optional: MD5s of several whole parts computed side by side (see {@link PartMd5Batch}), or
   * `undefined` where this engine cannot for this part size. Hashers use it for the part MD5s of
   * long files and {@link md5} for the rest.
   */
  partMd5Batch?(partSize: number): PartMd5Batch | undefined;
}

/**
 * Whole parts of one size, hashed together: the caller writes each part's bytes into
 * `lane(i)` (i from 0 to `lanes - 1`), then `digest()` returns their MD5s in lane order.
 */
export interface PartMd5Batch {
  /** How many parts one digest covers. */
  readonly lanes: number;
  /** Where the bytes of lane `index`'s part go: `partSize` bytes, kept until the next digest. */
  lane(index: number): Uint8Array;
  /** The MD5 (lower-case hex) of every lane's part; the lanes may then be filled again. */
  digest(): string[];
}

/** Loads an engine. Loading can fail (e.g. WebAssembly forbidden by a CSP); hashers then try the next one. */
export type HashEngineLoader = {
  /** The engine's name, as reported in {@link HashResult.engine}. */
  readonly name: string;
  /** Loads (or instantiates) the engine. */
  load(): Promise<HashEngine>;
};

/** What a hash job computes: everything (default), or one side only. */
export type HashScope = 'all' | 'sha1' | 'partMd5s';

/** The hashes of one file. */
export interface HashResult {
  /** SHA-1 of the whole file, 40 lower-case hex digits; `''` when {@link HashOptions.only} is `partMd5s`. */
  sha1: string;
  /** The part size the MD5s were computed for. */
  partSize: number;
  /** MD5 of each part in offset order (the last may be short); empty when `only` is `sha1` or the file is empty. */
  partMd5s: string[];
  /** Name of the engine that ran. */
  engine: string;
  /** Bytes read from the source (the whole size on success; proves whether a job re-read the file). */
  bytesHashed: number;
  /** Where the job ran: on a Web Worker or on the calling thread. */
  runner: 'worker' | 'inline';
  /** Set when a job meant for a worker ran on the calling thread instead: why (the upload reports it as a `warning`). */
  fallbackReason?: string | undefined;
  /** Threads that hashed: 2 when SHA-1 and the part MD5s ran in parallel from one read (server runtimes). */
  threads?: number | undefined;
  /** Set by a worker job that exchanged the bytes with a second worker (the browser's pipeline, pipe.ts). */
  piped?: boolean | undefined;
}

/** Options of one hash job. */
export interface HashOptions {
  /** Part size in bytes: 524288 or 1048576 (the protocol's `dataSize`). */
  partSize: number;
  /** Aborts the job: reading stops and the promise rejects with the signal's reason. */
  signal?: AbortSignal | undefined;
  /** Bytes hashed so far; called at most once per MiB or part end, and at the end. */
  onProgress?: ((hashedBytes: number) => void) | undefined;
  /**
   * Compute only one side. `partMd5s` is for a resume whose server-side part size differs from
   * the one hashed: the SHA-1 is already known and only the part MD5s must be redone. It still
   * reads the whole file once (MD5s need every byte) but skips the SHA-1 work.
   */
  only?: HashScope | undefined;
  /**
   * Internal (the browser's two-worker pipeline, split-hasher.ts): this job's end of a pipe to a
   * second worker. A worker hasher posts it with the job; a job that runs elsewhere ignores it
   * (its result then has no `piped`).
   */
  pipe?: PipeEnd | undefined;
}

/**
 * What a hasher reads: a Blob (a File is one), or any source of a known size whose bytes come
 * from one stream (a lazily read file, see the core's `FileSource`).
 */
export type HashSource = Blob | { readonly size: number; stream(): ReadableStream<Uint8Array> };

/** Hashes Blobs and other {@link HashSource}s. */
export interface Hasher {
  /** Reads `blob` once and computes its SHA-1 and part MD5s. */
  hash(blob: HashSource, options: HashOptions): Promise<HashResult>;
}
