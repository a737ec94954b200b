import { HttpError, validate } from '@meshlab/common';
import { Router } from 'express';
import type { RegistryContext } from '../context.js';
import { discoveryView } from '../discovery-view.js';
import { discoveryQuery, maxWaitMs } from '../payloads.js';
import { knownServices } from '../views.js';
import { TooManyWatchersError } from '../watch.js';

/**
 * GET /discovery: healthy endpoints per service. With `?index=N` it is a blocking query: it
 * answers at once when the index differs from N, else when the view changes or `wait` ends.
 */
export function discoveryRouter({ deployment, store, watch }: RegistryContext): Router {
  const router = Router();
  // One rendering per index, shared by every watcher a change wakes at once: N watchers must not
  // cost N copies of the view (measured: 100 watchers of a full registry OOM-killed it at 160m).
  let rendered: { index: number; body: Buffer } | undefined;
  const body = () => {
    if (rendered?.index !== store.index) {
      const view = {
        index: store.index,
        services: discoveryView(store.list(), knownServices(deployment, store)),
      };
      rendered = { index: store.index, body: Buffer.from(JSON.stringify(view)) };
    }
    return rendered.body;
  };

  router.get('/discovery', async (req, res) => {
    const query = validate(discoveryQuery, req.query, 'query');
    if (query.index !== undefined) {
      const closed = new AbortController();
      res.once('close', () => closed.abort());
      await watch.wait(query.index, query.wait ?? maxWaitMs, closed.signal).catch((error: unknown) => {
        if (!(error instanceof TooManyWatchersError)) throw error;
        throw new HttpError(
          429,
          'too_many_watchers',
          `GET /discovery?index=${query.index}: ${error.message}`,
          {
            details: { max: error.max },
          },
        );
      });
      if (res.destroyed) return;
    }
    res
      .set('X-Registry-Index', String(store.index))
      .set('Cache-Control', 'no-store')
      .type('application/json')
      .send(body());
  });

  return router;
}
