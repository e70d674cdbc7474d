import { expect } from 'vitest';
import { VodArgumentError } from '../../src/protocol/index.js';

/** The VodArgumentError `run` throws (failing the test when it throws nothing, or something else). */
export function thrownArgumentError(run: () => unknown): VodArgumentError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(VodArgumentError);
    return error as VodArgumentError;
  }
  throw new Error('expected a VodArgumentError, nothing was thrown');
}
