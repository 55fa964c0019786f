// The service worker: keeps the page's shell for offline use and shows Web Push notifications.
// The server fills in VERSION and ASSETS (the page's files with their content hash, see
// WebClient/WebClientAssets.cs), so a new build gets a new cache and the old one is dropped.
const VERSION = '__VERSION__';
const ASSETS = [/* __ASSETS__ */];
const CACHE = `distance-shell-${VERSION}`;
const SHELL = '/';

self.addEventListener('install', event => {
  event.waitUntil(caches.open(CACHE).then(cache => cache.addAll([SHELL, ...ASSETS])).then(() => self.skipWaiting()));
});

self.addEventListener('activate', event => {
  event.waitUntil((async () => {
    for (const name of await caches.keys()) if (name !== CACHE) await caches.delete(name);
    await self.clients.claim();
  })());
});

self.addEventListener('fetch', event => {
  const { request } = event;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.mode === 'navigate') {
    // The page from the network when it answers (it is never cached by the browser); the kept
    // shell when it does not, which then tells the person it is offline.
    event.respondWith(fetch(request).then(response => {
      if (response.ok && url.pathname === '/') caches.open(CACHE).then(cache => cache.put(SHELL, response.clone()));
      return response;
    }).catch(async () => (await caches.match(SHELL)) ?? Response.error()));
    return;
  }
  // Versioned files never change: the kept copy is as good as the network's. API calls and the
  // hub are never kept.
  if (url.searchParams.has('v')) {
    event.respondWith(caches.match(request).then(kept => kept ?? fetch(request)));
  }
});

self.addEventListener('push', event => {
  let data = {};
  try { data = event.data?.json() ?? {}; } catch { data = { body: event.data?.text() }; }
  const roomId = data.roomId ?? null;
  event.waitUntil(self.registration.showNotification(data.title || 'Distance', {
    body: data.body || '',
    icon: '/icons/icon-192.png',
    badge: '/icons/icon-192.png',
    // The worker's collapse tag (docs/push.md: one per room, one for all requests): a burst of
    // messages replaces the notification instead of piling up.
    tag: data.tag || (roomId ? `room-${roomId}` : 'distance'),
    renotify: true,
    data: { url: roomId ? `/?room=${roomId}` : '/' },
  }));
});

self.addEventListener('notificationclick', event => {
  event.notification.close();
  const target = event.notification.data?.url ?? '/';
  event.waitUntil((async () => {
    const windows = await self.clients.matchAll({ type: 'window', includeUncontrolled: true });
    const open = windows.find(client => new URL(client.url).origin === self.location.origin);
    if (open) { await open.focus(); open.postMessage({ type: 'open', url: target }); return; }
    await self.clients.openWindow(target);
  })());
});
