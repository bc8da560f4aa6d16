import { watch as watchFiles, type Dirent, type FSWatcher } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import { join, relative, resolve, sep } from 'node:path';
import { StateTemplateError } from './errors.js';
import type { PartialResolver } from './partials.js';

export interface LoadTemplatesOptions {
  /** How template file names end (default `.mustache`); a template's name leaves it out. */
  extension?: string;
  /**
   * Milliseconds without file events before watch() reads the files again
   * (default 50): an editor's save is often several events.
   */
  debounce?: number;
  /** Told of a failed reread or a failing watch listener; default a warning. Watching goes on. */
  onError?: (error: unknown) => void;
}

export type TemplateFileErrorCode = 'unknown_template' | 'unreadable';

/** `unknown_template`: no file for that name; `unreadable`: the directory cannot be read. */
export class TemplateFileError extends StateTemplateError {
  constructor(code: TemplateFileErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
  }
}

/** One template of a set, followed as its files change: what a StateTemplate takes to reload in development. */
export interface TemplateFile {
  readonly name: string;
  /** Its source now; TemplateFileError `unknown_template` once its file is gone. */
  readonly source: string;
  /** The set's partials as they are now. */
  readonly partials: PartialResolver;
  /** Calls `listener` after a file of the set changed (the template, or a partial it may include); returns a function that stops. */
  watch(listener: () => void): () => void;
}

/**
 * Templates read from a directory (loadTemplates): every file ending in the
 * extension, at any depth, named by its path from the directory without the
 * extension, with `/` on every system (`layout`, `partials/item`). Symbolic
 * links to files are followed, to directories not (they could loop).
 */
export interface TemplateFiles {
  /** The directory, absolute. */
  readonly dir: string;
  /** Every template's name, sorted. */
  readonly names: string[];
  /** The source of template `name`; TemplateFileError `unknown_template` when no file has that name. */
  source(name: string): string;
  /** Partials by name over the set's files as they are now (`{{> partials/item}}`): give it as core's or StateTemplate's `partials`. */
  readonly partials: PartialResolver;
  /** Template `name`, followed as the files change (`new StateTemplate(views.template('todo'))`); TemplateFileError `unknown_template` for an unknown name. */
  template(name: string): TemplateFile;
  /**
   * Watches the directory (for development): after a burst of file events
   * the files are read again, and `listener` gets the names whose source
   * changed, appeared or went. Returns a function that stops; the watch
   * never keeps the process alive. Listeners share one watcher.
   */
  watch(listener: (changed: readonly string[]) => void): () => void;
}

class DirectoryTemplates implements TemplateFiles {
  #sources: ReadonlyMap<string, string>;
  readonly #listeners = new Set<(changed: readonly string[]) => void>();
  #watcher: FSWatcher | null = null;
  #timer: NodeJS.Timeout | undefined;
  #reading: Promise<void> | null = null;
  /** A file event came during a reread: read again after it. */
  #again = false;

  readonly partials: PartialResolver = (name) => this.#sources.get(name);

  constructor(
    readonly dir: string,
    private readonly extension: string,
    sources: ReadonlyMap<string, string>,
    private readonly debounce: number,
    private readonly onError: (error: unknown) => void,
  ) {
    this.#sources = sources;
  }

  get names(): string[] {
    return [...this.#sources.keys()].sort();
  }

  source(name: string): string {
    const source = this.#sources.get(name);
    if (source === undefined) {
      throw new TemplateFileError('unknown_template', `no template ${JSON.stringify(name)} in ${this.dir}: its names are ${JSON.stringify(this.names)}`);
    }
    return source;
  }

  template(name: string): TemplateFile {
    this.source(name);
    const files = this;
    return {
      name,
      get source() {
        return files.source(name);
      },
      partials: this.partials,
      watch: (listener) => this.watch(() => listener()),
    };
  }

  watch(listener: (changed: readonly string[]) => void): () => void {
    const entry = (changed: readonly string[]) => listener(changed);
    this.#listeners.add(entry);
    this.#watcher ??= this.#start();
    return () => {
      if (!this.#listeners.delete(entry) || this.#listeners.size > 0) return;
      this.#watcher?.close();
      this.#watcher = null;
      clearTimeout(this.#timer);
    };
  }

  /** The watcher, or null (told to onError) where the system cannot watch (no recursive fs.watch, the directory gone). */
  #start(): FSWatcher | null {
    try {
      const watcher = watchFiles(this.dir, { recursive: true, persistent: false }, () => this.#schedule());
      watcher.on('error', (error) => this.onError(error));
      return watcher;
    } catch (error) {
      this.onError(error);
      return null;
    }
  }

  #schedule(): void {
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => this.#reread(), this.debounce);
    this.#timer.unref();
  }

  /** One reread at a time; events during one make another after it. */
  #reread(): void {
    if (this.#reading !== null) {
      this.#again = true;
      return;
    }
    this.#reading = this.#compare()
      .catch((error: unknown) => this.onError(error))
      .finally(() => {
        this.#reading = null;
        const again = this.#again;
        this.#again = false;
        if (again && this.#watcher !== null) this.#reread();
      });
  }

  async #compare(): Promise<void> {
    const next = await readSources(this.dir, this.extension);
    const before = this.#sources;
    const changed = [...new Set([...before.keys(), ...next.keys()])].filter((name) => before.get(name) !== next.get(name)).sort();
    this.#sources = next;
    if (changed.length === 0) return;
    for (const listener of [...this.#listeners]) {
      try {
        listener(changed);
      } catch (error) {
        this.onError(error);
      }
    }
  }
}

/**
 * Reads every template under `dir` (see TemplateFiles). TemplateFileError
 * `unreadable` when the directory cannot be read.
 */
export async function loadTemplates(dir: string, options: LoadTemplatesOptions = {}): Promise<TemplateFiles> {
  const extension = options.extension ?? '.mustache';
  if (typeof extension !== 'string' || extension === '') throw new TypeError('extension must be a non-empty string, such as ".mustache"');
  const debounce = options.debounce ?? 50;
  if (!(Number.isFinite(debounce) && debounce >= 0)) throw new RangeError('debounce must be a number of milliseconds >= 0');
  const onError = options.onError ?? warn;
  if (typeof onError !== 'function') throw new TypeError('onError must be a function');
  const root = resolve(dir);
  return new DirectoryTemplates(root, extension, await readSources(root, extension), debounce, onError);
}

async function readSources(root: string, extension: string): Promise<Map<string, string>> {
  const sources = new Map<string, string>();
  const walk = async (dir: string): Promise<void> => {
    let entries: Dirent[];
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch (error) {
      // A directory removed while it was read holds nothing; the root itself must be there.
      if (dir !== root && isMissing(error)) return;
      throw new TemplateFileError('unreadable', `cannot read the templates in ${dir}: ${(error as Error).message}`, { cause: error });
    }
    await Promise.all(
      entries.map(async (entry) => {
        const path = join(dir, entry.name);
        if (entry.isDirectory()) return walk(path);
        if (!entry.name.endsWith(extension) || !(entry.isFile() || (entry.isSymbolicLink() && (await isFile(path))))) return;
        const source = await readFile(path, 'utf8').catch((error: unknown) => {
          if (isMissing(error)) return undefined; // removed since it was listed
          throw new TemplateFileError('unreadable', `cannot read the template ${path}: ${(error as Error).message}`, { cause: error });
        });
        if (source !== undefined) sources.set(relative(root, path).slice(0, -extension.length).split(sep).join('/'), source);
      }),
    );
  };
  await walk(root);
  return sources;
}

async function isFile(path: string): Promise<boolean> {
  return stat(path).then(
    (stats) => stats.isFile(),
    () => false,
  );
}

function isMissing(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}

function warn(error: unknown): void {
  process.emitWarning(error instanceof Error ? error : String(error), 'StateTemplateFilesError');
}
