/**
 * Live navigation. A click on `<a data-st-patch>` (a plain left click on a
 * link of this origin) changes the URL with pushState (`data-st-patch="replace"`:
 * replaceState) instead of loading it, and `navigate` tells the server; going
 * back or forward to another path or query tells it too.
 */
export class Navigation {
  readonly #win: Window;
  /** Path and query shown: a change of hash alone is the page's own scrolling, not a new state. */
  #shown: string;
  readonly #stop: () => void;

  constructor(root: Element, navigate: (url: string, link?: Element) => void) {
    const win = (this.#win = root.ownerDocument.defaultView!);
    this.#shown = here(win.location);
    const click = (e: Event) => {
      const event = e as MouseEvent;
      const link = (event.target as Element).closest?.('a[data-st-patch]') as HTMLAnchorElement | null;
      if (!link || !root.contains(link) || event.defaultPrevented || event.button !== 0) return;
      if (event.metaKey || event.ctrlKey || event.shiftKey || event.altKey || (link.target && link.target !== '_self')) return;
      const url = new URL(link.href, win.location.href);
      if (url.origin !== win.location.origin) return;
      event.preventDefault();
      const path = here(url) + url.hash;
      this.moveTo(path, link.getAttribute('data-st-patch') === 'replace');
      navigate(path, link);
    };
    const popstate = () => {
      const shown = here(win.location);
      if (shown === this.#shown) return;
      this.#shown = shown;
      navigate(shown + win.location.hash);
    };
    root.addEventListener('click', click);
    win.addEventListener('popstate', popstate);
    this.#stop = () => {
      root.removeEventListener('click', click);
      win.removeEventListener('popstate', popstate);
    };
  }

  /** Shows `path` without a reload: a new history entry, or the current one replaced (also when it is the same URL). */
  moveTo(path: string, replace: boolean): void {
    const { history, location } = this.#win;
    const same = path === here(location) + location.hash;
    history[replace || same ? 'replaceState' : 'pushState'](null, '', path);
    this.#shown = here(location);
  }

  /** Loads `url`, a path or an http(s) URL; anything else (`javascript:`) is refused. */
  redirect(url: string): void {
    const target = new URL(url, this.#win.location.href);
    if (target.protocol === 'http:' || target.protocol === 'https:') this.#win.location.assign(target.href);
  }

  stop(): void {
    this.#stop();
  }
}

function here(location: { pathname: string; search: string }): string {
  return location.pathname + location.search;
}
