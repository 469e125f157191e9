/** The generic jobs service: queue order, states, progress, outputs, cancel, and the long-poll change feed. */
import { describe, expect, it } from 'vitest';
import { JobsService, type JobContext } from '../../../src/main/services/jobs/index.ts';
import { AppError } from '../../../src/shared/errors.ts';

/** A job that runs `steps` steps of `ms` each, checking for cancellation between them. */
function stepped(steps: number, ms: number, log: string[] = [], name = 'job') {
  return async (ctx: JobContext) => {
    log.push(`${name} start`);
    for (let i = 1; i <= steps; i++) {
      if (ctx.signal.aborted) throw ctx.signal.reason;
      await new Promise((r) => setTimeout(r, ms));
      ctx.progress({ fraction: i / steps, step: i, steps, message: `step ${i}` });
    }
    ctx.output(`${name}-out`);
    log.push(`${name} end`);
  };
}

describe('jobs service', () => {
  it('runs one job per queue at a time, in order, with queue positions', async () => {
    const jobs = new JobsService();
    const log: string[] = [];
    const a = jobs.submit({ kind: 'generate', queue: 'q', title: 'A', run: stepped(3, 5, log, 'A') });
    const b = jobs.submit({ kind: 'generate', queue: 'q', title: 'B', run: stepped(1, 5, log, 'B') });
    const other = jobs.submit({ kind: 'export', title: 'C', run: stepped(1, 1, log, 'C') });
    expect(a.state).toBe('running');
    expect(b).toMatchObject({ state: 'queued', queuePosition: 0 });
    expect(other.state).toBe('running');
    const [ra, rb] = await Promise.all([jobs.wait(a.id), jobs.wait(b.id)]);
    expect(ra).toMatchObject({ state: 'succeeded', outputs: ['A-out'], progress: { fraction: 1 } });
    expect(rb.state).toBe('succeeded');
    expect(log.indexOf('A end')).toBeLessThan(log.indexOf('B start'));
  });

  it('cancels a queued job at once and a running one at its next step', async () => {
    const jobs = new JobsService();
    const running = jobs.submit({ kind: 'g', title: 'long', run: stepped(1000, 2) });
    const queued = jobs.submit({ kind: 'g', title: 'next', run: stepped(1, 1) });
    expect(jobs.cancel(queued.id).state).toBe('cancelled');
    await new Promise((r) => setTimeout(r, 20));
    jobs.cancel(running.id);
    const done = await jobs.wait(running.id);
    expect(done.state).toBe('cancelled');
    expect(done.error?.kind).toBe('cancelled');
    expect(done.progress.step).toBeLessThan(1000);
    // The queue is free again.
    const after = jobs.submit({ kind: 'g', title: 'after', run: stepped(1, 1) });
    expect((await jobs.wait(after.id)).state).toBe('succeeded');
  });

  it('fails a job whose work throws, keeping the error kind', async () => {
    const jobs = new JobsService();
    const j = jobs.submit({ kind: 'g', title: 'bad', run: async () => { throw new AppError('invalid-pack', 'pack broke'); } });
    expect(await jobs.wait(j.id)).toMatchObject({ state: 'failed', error: { kind: 'invalid-pack', message: 'pack broke' } });
  });

  it('long-polls: answers with changes since a version, or with none after the timeout', async () => {
    const jobs = new JobsService();
    const first = await jobs.watch(0, 0);
    expect(first.jobs).toEqual([]);
    const waiting = jobs.watch(first.version, 5000);
    const j = jobs.submit({ kind: 'g', title: 'w', run: stepped(2, 5) });
    const changes = await waiting;
    expect(changes.jobs.map((x) => x.id)).toContain(j.id);
    let since = changes.version;
    const states = new Set<string>();
    while (true) {
      const c = await jobs.watch(since, 2000);
      since = c.version;
      for (const x of c.jobs) states.add(x.state);
      if (c.jobs.some((x) => x.id === j.id && x.state === 'succeeded')) break;
    }
    expect(states.has('succeeded')).toBe(true);
    const t0 = Date.now();
    const idle = await jobs.watch(since, 100);
    expect(idle.jobs).toEqual([]);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(90);
  });

  it('forgets the oldest finished jobs beyond its retention and reports them as removed', async () => {
    const jobs = new JobsService({ retain: 2 });
    const ids: string[] = [];
    for (let i = 0; i < 4; i++) {
      const j = jobs.submit({ kind: 'g', title: `j${i}`, run: async () => {} });
      ids.push(j.id);
      await jobs.wait(j.id);
    }
    expect(jobs.list().map((j) => j.id).sort()).toEqual(ids.slice(2).sort());
    const changes = await jobs.watch(1, 0);
    expect(changes.removed.sort()).toEqual(ids.slice(0, 2).sort());
    expect(() => jobs.get(ids[0])).toThrow(/No job/);
  });
});
