import { Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import ivm from 'isolated-vm';
import { FETCH_LIMITS, FetchError, readFetchRequest, type HostFetch } from './action-fetch.js';
import { moduleSource, PRELUDE } from './prelude.js';

/**
 * Per-action limits. Auth0 gives a whole login flow 20 s; one action here gets far less, since without
 * network access an action is pure computation that takes milliseconds.
 */
export const ACTION_LIMITS = {
  /** Wall time of one action's run (module load on a cold start, then the handler). */
  timeoutMs: 1000,
  /** The same when the tenant lets actions `fetch`: network round trips take far longer than computation. */
  fetchTimeoutMs: 5000,
  /** Actions with `fetch` running at once (each has an isolate of its own, see `run`). */
  fetchIsolates: 64,
  /** V8 heap of one action's isolate. */
  memoryMb: 32,
  /** Size of an action's source. */
  codeBytes: 100 * 1024,
  /** Size of what one run hands back (its recorded `api` calls, as JSON). */
  resultBytes: 256 * 1024,
  /** Warm isolates kept; the least recently used is disposed beyond this. */
  warmIsolates: 64,
} as const;

/** What a deployed version needs to run. */
export interface RunnableVersion {
  versionId: string;
  code: string;
}

/** One `api` call recorded inside the isolate: `[kind, ...args]`. */
export type ApiCall = [string, ...unknown[]];

/** An action's failure as the login reports it: a message from the tenant's code or from a limit. */
export class ActionFailure extends Error {}

/** Options of one run. */
export interface RunOptions {
  /** Present when the tenant lets its actions call `fetch`: performs each request on the host. */
  fetch?: HostFetch;
}

interface Warm {
  isolate: ivm.Isolate;
  run: ivm.Reference<(exportName: string, eventJson: string) => Promise<string>>;
  /** The message channel of an isolate with `fetch` (see prelude.ts). */
  start: ivm.Reference<(exportName: string, eventJson: string) => void>;
  next: ivm.Reference<() => Promise<string>>;
  resume: ivm.Reference<(id: number, ok: boolean, payload: string) => void>;
}

/**
 * Runs tenant code in V8 isolates (isolated-vm): a separate heap with its own memory limit, no Node APIs
 * (no `process`, `require`, filesystem, network or timers), on isolated-vm's own threads so the event loop
 * keeps serving while an action runs. Each deployed version is compiled once into a warm isolate and
 * reused; a version that fails a limit loses its isolate and starts cold next time.
 */
@Injectable()
export class ActionSandbox implements OnApplicationShutdown {
  private readonly warm = new Map<string, Promise<Warm>>();
  private checker?: ivm.Isolate;
  private fetchIsolates = 0;

  constructor() {
    // isolated-vm on Node 20+ needs V8's startup snapshot off (its README); `npm start` and `npm test` pass it.
    const flags = [...process.execArgv, ...(process.env.NODE_OPTIONS ?? '').split(/\s+/)];
    if (!flags.includes('--no-node-snapshot')) {
      new Logger('Actions').warn(
        'Node was started without --no-node-snapshot, which isolated-vm needs on Node 20+; start with `npm start` or pass the flag.',
      );
    }
  }

  /** Compile errors of a draft (none when it compiles), without running it. */
  check(code: string): { id: string; msg: string }[] {
    if (Buffer.byteLength(code) > ACTION_LIMITS.codeBytes) {
      return [{ id: 'code_too_large', msg: `The code is larger than ${ACTION_LIMITS.codeBytes / 1024} KB.` }];
    }
    this.checker ??= new ivm.Isolate({ memoryLimit: 16 });
    try {
      this.checker.compileScriptSync(moduleSource(code), { filename: 'action.js' }).release();
      return [];
    } catch (e) {
      if (this.checker.isDisposed) {
        this.checker = undefined;
      }
      return [{ id: 'syntax_error', msg: messageOf(e) }];
    }
  }

  /**
   * Runs `exportName(event, api)` of a version; resolves with the recorded api calls. With `fetch`, the
   * run gets a fresh isolate of its own, whose global `fetch` then speaks for this run alone (a warm
   * isolate may serve several logins at once); it is disposed afterwards.
   */
  async run(version: RunnableVersion, exportName: string, event: unknown, options: RunOptions = {}): Promise<ApiCall[]> {
    const hostFetch = options.fetch;
    const deadline = Date.now() + (hostFetch ? ACTION_LIMITS.fetchTimeoutMs : ACTION_LIMITS.timeoutMs);
    if (hostFetch && this.fetchIsolates >= ACTION_LIMITS.fetchIsolates) {
      throw new ActionFailure('Too many actions that use fetch are running at once; try again.');
    }
    let warm: Warm;
    try {
      if (hostFetch) {
        this.fetchIsolates += 1;
        warm = await this.load(version, true);
      } else {
        warm = await this.warmFor(version);
      }
    } catch (e) {
      if (hostFetch) {
        this.fetchIsolates -= 1;
      } else {
        this.evict(version.versionId);
      }
      throw new ActionFailure(messageOf(e));
    }
    const discard = () => {
      if (hostFetch) {
        if (!warm.isolate.isDisposed) {
          warm.isolate.dispose();
        }
      } else {
        this.evict(version.versionId);
      }
    };
    const remaining = Math.max(1, deadline - Date.now());
    const abort = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    // `timeout` stops synchronous code; the timer also ends a promise that never settles or a loop run from
    // a microtask, by disposing the isolate, and aborts the requests of `fetch` still under way.
    const expired = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        abort.abort();
        discard();
        reject(new ActionFailure('Script execution timed out.'));
      }, remaining + 20);
    });
    try {
      const json = await Promise.race([
        hostFetch
          ? this.exchange(warm, exportName, event, deadline, hostFetch, abort.signal)
          : warm.run.apply(undefined, [exportName, JSON.stringify(event)], { timeout: remaining, result: { promise: true } }),
        expired,
      ]);
      if (typeof json !== 'string' || json.length > ACTION_LIMITS.resultBytes) {
        throw new ActionFailure('The action recorded too many changes.');
      }
      const calls: unknown = JSON.parse(json);
      if (!Array.isArray(calls)) {
        throw new ActionFailure('The action returned an unreadable result.');
      }
      return calls.filter((c): c is ApiCall => Array.isArray(c) && typeof c[0] === 'string');
    } catch (e) {
      if (warm.isolate.isDisposed) {
        discard();
      }
      throw e instanceof ActionFailure ? e : new ActionFailure(messageOf(e));
    } finally {
      clearTimeout(timer);
      if (hostFetch) {
        abort.abort();
        discard();
        this.fetchIsolates -= 1;
      }
    }
  }

  /**
   * Runs the handler in an isolate with `fetch`: reads its messages until the run ends, performing each
   * request on the host (at most FETCH_LIMITS.perRun, concurrently, each bounded by the run's deadline)
   * and handing back the response as a JSON string. Resolves with the recorded api calls as JSON.
   */
  private async exchange(
    warm: Warm,
    exportName: string,
    event: unknown,
    deadline: number,
    hostFetch: HostFetch,
    signal: AbortSignal,
  ): Promise<string> {
    const timeout = () => Math.max(1, deadline - Date.now());
    let fail!: (e: unknown) => void;
    const failed = new Promise<never>((_, reject) => (fail = reject));
    failed.catch(() => undefined);
    let count = 0;
    await warm.start.apply(undefined, [exportName, JSON.stringify(event)], { timeout: timeout() });
    for (;;) {
      const msg = await Promise.race([warm.next.apply(undefined, [], { timeout: timeout(), result: { promise: true } }), failed]);
      if (typeof msg !== 'string' || msg.startsWith('D')) {
        return typeof msg === 'string' ? msg.slice(1) : '';
      }
      const colon = msg.indexOf(':');
      const id = Number(msg.slice(1, colon));
      count += 1;
      const answer = (async () => {
        if (count > FETCH_LIMITS.perRun) {
          throw new FetchError(`An action may call fetch at most ${FETCH_LIMITS.perRun} times per run`);
        }
        if (msg.length > 2 * FETCH_LIMITS.requestBytes) {
          throw new FetchError(`The request is larger than ${FETCH_LIMITS.requestBytes / 1024} KB`);
        }
        return hostFetch(readFetchRequest(JSON.parse(msg.slice(colon + 1))), signal);
      })();
      void answer
        .then(
          (r): [boolean, string] => [true, JSON.stringify(r)],
          (e: unknown): [boolean, string] => [false, e instanceof FetchError ? e.message : 'fetch failed'],
        )
        .then(([ok, payload]) => warm.resume.apply(undefined, [id, ok, payload], { timeout: timeout() }))
        .catch(fail);
    }
  }

  /** Drops a version's warm isolate (redeploys and deletes call this too). */
  evict(versionId: string): void {
    const entry = this.warm.get(versionId);
    this.warm.delete(versionId);
    void entry?.then(
      (w) => !w.isolate.isDisposed && w.isolate.dispose(),
      () => undefined,
    );
  }

  onApplicationShutdown(): void {
    for (const id of [...this.warm.keys()]) {
      this.evict(id);
    }
    if (this.checker && !this.checker.isDisposed) {
      this.checker.dispose();
    }
  }

  private warmFor(version: RunnableVersion): Promise<Warm> {
    const hit = this.warm.get(version.versionId);
    if (hit) {
      // Least recently used order: a hit moves to the end.
      this.warm.delete(version.versionId);
      this.warm.set(version.versionId, hit);
      return hit;
    }
    const created = this.load(version);
    this.warm.set(version.versionId, created);
    while (this.warm.size > ACTION_LIMITS.warmIsolates) {
      this.evict(this.warm.keys().next().value as string);
    }
    return created;
  }

  private async load(version: RunnableVersion, fetch = false): Promise<Warm> {
    const isolate = new ivm.Isolate({ memoryLimit: ACTION_LIMITS.memoryMb });
    try {
      const context = await isolate.createContext();
      await (await isolate.compileScript(PRELUDE)).run(context);
      // The prelude's entry points, taken before the tenant's code could replace them; `__tesseraSetup`
      // installs `fetch` or not, and removes itself.
      const ref = (name: string) => context.global.get(name, { reference: true }) as Promise<ivm.Reference<never>>;
      const [setup, run, start, next, resume] = await Promise.all(
        ['__tesseraSetup', '__tesseraRun', '__tesseraStart', '__tesseraNext', '__tesseraResume'].map(ref),
      );
      await (setup as ivm.Reference<(on: boolean) => void>).apply(undefined, [fetch]);
      const script = await isolate.compileScript(moduleSource(version.code), { filename: 'action.js' });
      await script.run(context, { timeout: ACTION_LIMITS.timeoutMs });
      return { isolate, run, start, next, resume } as Warm;
    } catch (e) {
      if (!isolate.isDisposed) {
        isolate.dispose();
      }
      throw e;
    }
  }
}

/** The message only: no stack, so no host path or frame ever reaches a response or a log. */
function messageOf(e: unknown): string {
  // isolated-vm's errors may come from another realm (jest's VM), so no `instanceof Error`.
  const message = typeof e === 'object' && e !== null ? (e as { message?: unknown }).message : e;
  const raw = typeof message === 'string' && message !== '' ? message : 'The action failed.';
  return raw.slice(0, 500);
}
