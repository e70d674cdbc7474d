/**
 * The pure-JavaScript engine: MD5 through spark-md5's incremental ArrayBuffer API, SHA-1 from
 * @noble/hashes. Slow but runs everywhere, including under a CSP that forbids WebAssembly.
 */
import SparkMD5 from 'spark-md5';
import { sha1 } from '@noble/hashes/legacy.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import type { HashEngine, HashEngineLoader, IncrementalHash } from '../types.js';

/** spark-md5 wants an ArrayBuffer; hand it the view's own buffer when the view covers it. */
function asArrayBuffer(bytes: Uint8Array): ArrayBuffer {
  const { buffer } = bytes;
  if (buffer instanceof ArrayBuffer && bytes.byteOffset === 0 && bytes.byteLength === buffer.byteLength) {
    return buffer;
  }
  return bytes.slice().buffer;
}

function sparkMd5(): IncrementalHash {
  const state = new SparkMD5.ArrayBuffer();
  return {
    update(bytes) {
      state.append(asArrayBuffer(bytes));
    },
    // end() returns hex and resets the state, which is exactly our contract.
    digest: () => state.end(),
  };
}

function nobleSha1(): IncrementalHash {
  let state = sha1.create();
  return {
    update(bytes) {
      state.update(bytes);
    },
    digest() {
      const hex = bytesToHex(state.digest());
      state = sha1.create();
      return hex;
    },
  };
}

const engine: HashEngine = { name: 'spark', sha1: nobleSha1, md5: sparkMd5 };

/** spark-md5 (MD5) + @noble/hashes (SHA-1): pure JS, the fallback when WebAssembly cannot load. */
export const sparkEngine: HashEngineLoader = {
  name: 'spark',
  load: () => Promise.resolve(engine),
};
