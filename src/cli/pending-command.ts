/** `vod-upload pending [--clear]`: placeholder until the store listing lands. */
import type { UploadIo } from './upload-command.js';

export async function runPendingCommand(_args: readonly string[], _io: UploadIo): Promise<number> {
  return 0;
}
