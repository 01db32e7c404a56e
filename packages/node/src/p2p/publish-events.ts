import type { NetworkEmitter } from './events.js';

/** Forwards network events as plain JSON messages (the WebSocket hub's 'network' topic). */
export function publishNetworkEvents(net: NetworkEmitter, publish: (msg: { type: string; [k: string]: unknown }) => void): () => void {
  let lastProgress = 0;
  const handlers = {
    'peer:connected': (peer: unknown) => publish({ type: 'peer:connected', peer }),
    'peer:disconnected': (info: { id: string; reason: string }) => publish({ type: 'peer:disconnected', ...info }),
    'peer:banned': (ban: { peerId: string; reason: string; until: number }) => publish({ type: 'peer:banned', peerId: ban.peerId, reason: ban.reason, until: new Date(ban.until).toISOString() }),
    'sync:progress': (progress: unknown) => {
      // Sync can connect hundreds of blocks a second; a UI needs a few updates a second at most.
      const now = Date.now();
      if (now - lastProgress < 250) return;
      lastProgress = now;
      publish({ type: 'sync:progress', progress });
    },
    'sync:done': (result: unknown) => publish({ type: 'sync:done', result }),
  };
  net.on('peer:connected', handlers['peer:connected']);
  net.on('peer:disconnected', handlers['peer:disconnected']);
  net.on('peer:banned', handlers['peer:banned']);
  net.on('sync:progress', handlers['sync:progress']);
  net.on('sync:done', handlers['sync:done']);
  return () => {
    net.off('peer:connected', handlers['peer:connected']);
    net.off('peer:disconnected', handlers['peer:disconnected']);
    net.off('peer:banned', handlers['peer:banned']);
    net.off('sync:progress', handlers['sync:progress']);
    net.off('sync:done', handlers['sync:done']);
  };
}
