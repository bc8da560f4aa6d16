/** What connect() asks of live navigation. */
export interface Navigation {
  /** Shows `path` without a reload: a new history entry, or the current one replaced (also when it is the same URL). */
  moveTo(path: string, replace: boolean): void;
  /** Loads `url`, a path or an http(s) URL; anything else (`javascript:`) is refused. */
  redirect(url: string): void;
  /** Removes the listeners. */
  stop(): void;
}

/**
 * Live navigation. A click on `<a data-st-patch>` (a plain left click on a
 * link of this origin) changes the URL with pushState (`data-st-patch="replace"`:
 * replaceState) instead of loading it, and `navigate` tells the server; going
 * back or forward to another path or query tells it too.
 */
export function liveNavigation(root: Element, navigate: (url: string, link?: Element) => void): Navigation {
  const win = root.ownerDocument.defaultView!;
  const { history, location } = win;
  /** Path and query shown: a change of hash alone is the page's own scrolling, not a new state. */
  let shown = here(location);
  const moveTo = (path: string, replace: boolean) => {
    const same = path === here(location) + location.hash;
    history[replace || same ? 'replaceState' : 'pushState'](null, '', path);
    shown = here(location);
  };
  const click = (e: Event) => {
    const event = e as MouseEvent;
    const link = (event.target as Element).closest?.('a[data-st-patch]') as HTMLAnchorElement | null;
    if (!link || !root.contains(link) || event.defaultPrevented || event.button !== 0) return;
    if (event.metaKey || event.ctrlKey || event.shiftKey || event.altKey || (link.target && link.target !== '_self')) return;
    const url = new URL(link.href, location.href);
    if (url.origin !== location.origin) return;
    event.preventDefault();
    const path = here(url) + url.hash;
    moveTo(path, link.getAttribute('data-st-patch') === 'replace');
    navigate(path, link);
  };
  const popstate = () => {
    const now = here(location);
    if (now === shown) return;
    shown = now;
    navigate(now + location.hash);
  };
  root.addEventListener('click', click);
  win.addEventListener('popstate', popstate);
  return {
    moveTo,
    redirect(url) {
      const target = new URL(url, location.href);
      if (target.protocol === 'http:' || target.protocol === 'https:') location.assign(target.href);
    },
    stop() {
      root.removeEventListener('click', click);
      win.removeEventListener('popstate', popstate);
    },
  };
}

function here(location: { pathname: string; search: string }): string {
  return location.pathname + location.search;
}
