import { Readable } from 'node:stream';
import type { ByteRange, StorageDriver } from '../../adapters/storage/storage.driver.js';

/**
 * The stored bytes under `key` (all, or `range` of them), already flowing
 * when this resolves. A publish deletes the previous version's key once the
 * new record commits, so a reply may look up a record whose file is gone: the
 * driver's error (ENOENT on local disk) then comes from here, where the
 * caller looks the record up again, not from a reply already under way. Once
 * the first bytes are read the stream no longer depends on the key (local
 * disk keeps an unlinked file readable while it is open).
 */
export async function openStored(storage: Pick<StorageDriver, 'read'>, key: string, range?: ByteRange): Promise<Readable> {
  const chunks = storage.read(key, range)[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  const first = await chunks.next();
  return Readable.from(
    (async function* () {
      try {
        for (let next = first; !next.done; next = await chunks.next()) yield next.value;
      } finally {
        // A client gone mid-reply destroys this stream, and with it the driver's.
        await chunks.return?.();
      }
    })(),
    { objectMode: false },
  );
}
