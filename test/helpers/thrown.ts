import { expect } from 'vitest';
import { VodArgumentError } from '../../src/protocol/index.js';

/** The error of class `type` that `run` throws (failing the test when it throws nothing, or something else). */
export function thrownBy<E extends Error>(type: abstract new (...args: never[]) => E, run: () => unknown): E {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(type);
    return error as E;
  }
  throw new Error(`expected a ${type.name}, nothing was thrown`);
}

/** The VodArgumentError `run` throws (failing the test when it throws nothing, or something else). */
export const thrownArgumentError = (run: () => unknown): VodArgumentError => thrownBy(VodArgumentError, run);
