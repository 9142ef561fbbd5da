import { workerData } from 'node:worker_threads';
import { unpackPgliteTemplate } from './pglite-template-file.ts';

/** Worker thread of `prepareEmbeddedDataDir`: unpacks the template into the directory it is given. */
unpackPgliteTemplate((workerData as { pgdata: string }).pgdata);
