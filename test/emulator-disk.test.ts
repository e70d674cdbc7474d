/**
 * Disk storage: an emulator restarted on the same data directory keeps its sessions and files;
 * half-written or corrupt entries are ignored, not trusted.
 */
import { mkdtemp, mkdir, readdir, readlink, rm, writeFile, readFile, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDiskStorage, startEmulator } from '../src/emulator/index.js';
import { call, initParams, makeFile, md5Hex, partsOf, sendPart, sha1Hex, uploadWhole } from './helpers/emulator-client.js';

const MiB = 1048576;
let data: string;

beforeAll(async () => {
  data = await mkdtemp(join(tmpdir(), 'vod-emu-disk-'));
});
afterAll(() => rm(data, { recursive: true, force: true }));

describe('disk storage across restarts', () => {
  it('keeps sessions, parts and finished files when restarted on the same directory', async () => {
    const done = makeFile(2 * MiB + 777);
    const pending = makeFile(3 * MiB);
    const first = await startEmulator({ port: 0, data });
    const finished = await uploadWhole(first.endpoint, done);
    expect(finished.code).toBe(0);
    await call(first.endpoint, 'InitUpload', initParams(pending));
    await sendPart(first.endpoint, pending, MiB, MiB);
    await first.close();

    const second = await startEmulator({ port: 0, data });
    try {
      const instant = await call(second.endpoint, 'InitUpload', initParams(done));
      expect(instant.answer).toMatchObject({ code: 2, fileId: finished.fileId, url: `${second.origin}/vod/${finished.fileId}/f0.mp4` });
      const bytes = new Uint8Array(await (await fetch(instant.answer.url!)).arrayBuffer());
      expect(sha1Hex(bytes)).toBe(done.fileSha);
      const ranged = await fetch(instant.answer.url!, { headers: { Range: `bytes=${2 * MiB}-` } });
      expect(ranged.status).toBe(206);
      expect(new Uint8Array(await ranged.arrayBuffer())).toEqual(done.bytes.slice(2 * MiB));

      const resume = await call(second.endpoint, 'InitUpload', initParams(pending));
      expect(resume.answer).toMatchObject({ code: 1, dataSize: MiB });
      expect(resume.answer.listParts).toEqual([
        { offset: MiB, dataSize: MiB, dataLen: MiB, dataMd5: md5Hex(pending.bytes.subarray(MiB, 2 * MiB)) },
      ]);
      for (const offset of [0, 2 * MiB]) expect((await sendPart(second.endpoint, pending, offset, MiB)).answer.code).toBe(0);
      const finish = await call(second.endpoint, 'FinishUpload', { fileSha: pending.fileSha });
      expect(finish.answer.code).toBe(0);
      expect(finish.answer.fileId).not.toBe(finished.fileId);
      // The session is gone once finished: its directory was removed.
      expect(await readdir(join(data, 'sessions'))).toEqual([]);
      expect(await readdir(join(data, 'tmp'))).toEqual([]);
    } finally {
      await second.close();
    }
  });

  it('ignores half-written and corrupt entries instead of trusting them', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'vod-emu-corrupt-'));
    try {
      const file = makeFile(2 * MiB + 5);
      const good = makeFile(1000);
      const emu = await startEmulator({ port: 0, data: dir });
      await call(emu.endpoint, 'InitUpload', initParams(file));
      for (const part of partsOf(file.fileSize, MiB)) await sendPart(emu.endpoint, file, part.offset, part.dataSize);
      const kept = await uploadWhole(emu.endpoint, good);
      await emu.close();

      const [sessionDir] = await readdir(join(dir, 'sessions'));
      const session = join(dir, 'sessions', sessionDir!);
      // A part cut short (a crash while copying it in by hand), a part whose header lies about its
      // offset, a temp file left by a crash mid-write, a record that does not parse, a session with a bad schema.
      const part0 = await readFile(join(session, '0.part'));
      await writeFile(join(session, '0.part'), part0.subarray(0, part0.length - 10));
      await writeFile(join(session, `${MiB}.part`), await readFile(join(session, `${2 * MiB}.part`)));
      await writeFile(join(dir, 'tmp', 'crashed-part'), new Uint8Array(1000));
      await writeFile(join(dir, 'files', '99999999999999999999.json'), '{"fileId": "99999999999999999999", "broken": ');
      await writeFile(join(dir, 'files', `${kept.fileId}0.json`), JSON.stringify({ fileId: 'x' }));
      // A blob renamed into place by a Finish killed before it wrote the record (its commit point).
      await writeFile(join(dir, 'files', '123456789.bin'), new Uint8Array(1000));
      await mkdir(join(dir, 'sessions', 'garbage'));
      await writeFile(join(dir, 'sessions', 'garbage', 'session.json'), JSON.stringify({ fileSha: 'nope', dataSize: 3 }));

      const again = await startEmulator({ port: 0, data: dir });
      try {
        const resume = await call(again.endpoint, 'InitUpload', initParams(file));
        expect(resume.answer.code).toBe(1);
        expect(resume.answer.listParts!.map((part) => part.offset)).toEqual([2 * MiB]);
        expect(await readdir(join(dir, 'tmp'))).toEqual([]);
        // Only the good file's record and blob are left: what could not be trusted was removed.
        expect((await readdir(join(dir, 'files'))).sort()).toEqual([`${kept.fileId}.bin`, `${kept.fileId}.json`]);
        expect((await fetch(`${again.origin}/vod/123456789/f0.mp4`)).status).toBe(404);
        expect((await call(again.endpoint, 'InitUpload', initParams(good))).answer).toMatchObject({ code: 2, fileId: kept.fileId });
        for (const offset of [0, MiB]) await sendPart(again.endpoint, file, offset, MiB);
        expect((await call(again.endpoint, 'FinishUpload', { fileSha: file.fileSha })).answer.code).toBe(0);
      } finally {
        await again.close();
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('a file whose bytes were lost is not offered for instant upload', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'vod-emu-lost-'));
    try {
      const file = makeFile(5000);
      const emu = await startEmulator({ port: 0, data: dir });
      const finished = await uploadWhole(emu.endpoint, file);
      await emu.close();
      const blob = join(dir, 'files', `${finished.fileId}.bin`);
      expect((await stat(blob)).size).toBe(5000);
      await writeFile(blob, new Uint8Array(10));
      const storage = await openDiskStorage(dir);
      expect(await storage.getFileById(finished.fileId!)).toBeUndefined();
      const again = await startEmulator({ port: 0, storage });
      try {
        expect((await call(again.endpoint, 'InitUpload', initParams(file))).answer.code).toBe(0);
      } finally {
        await again.close();
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('disk storage file reads', () => {
  /** Descriptors of this process open on a path containing `name` (Linux: /proc/self/fd). */
  const openOn = async (name: string): Promise<number> => {
    let count = 0;
    for (const fd of await readdir('/proc/self/fd')) {
      const target = await readlink(`/proc/self/fd/${fd}`).catch(() => '');
      if (target.includes(name)) count += 1;
    }
    return count;
  };

  it.runIf(process.platform === 'linux')('opens the stored file on the first read, and holds nothing once cancelled or ended', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'vod-emu-fd-'));
    const file = makeFile(2 * MiB + 777);
    const emulator = await startEmulator({ port: 0, data: dir });
    try {
      const { fileId } = await uploadWhole(emulator.endpoint, file);
      const storage = emulator.emulator.storage;
      const unread = await storage.readFile(fileId!, 0, file.bytes.length);
      expect(await openOn(fileId!)).toBe(0);
      await unread.cancel();
      expect(await openOn(fileId!)).toBe(0);

      const read = await storage.readFile(fileId!, MiB, file.bytes.length);
      const reader = read.getReader();
      const first = await reader.read();
      expect(first.value?.[0]).toBe(file.bytes[MiB]);
      expect(await openOn(fileId!)).toBe(1);
      await reader.cancel();
      expect(await openOn(fileId!)).toBe(0);

      const whole = new Uint8Array(await new Response(await storage.readFile(fileId!, 0, file.bytes.length)).arrayBuffer());
      expect(sha1Hex(whole)).toBe(file.fileSha);
      expect(await openOn(fileId!)).toBe(0);
    } finally {
      await emulator.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
