/** One job followed by long polls (`waitForChange`): wakes on change, ends with a result, failures and cancels as data. */
import { describe, expect, it } from 'vitest';
import { AppError } from '../../../src/shared/errors.ts';
import { JobsService } from '../../../src/main/services/jobs/index.ts';

const tick = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('JobsService, one job at a time', () => {
  it('reports progress to a long poll and ends succeeded with the result', async () => {
    const jobs = new JobsService();
    let step!: () => void;
    const s0 = jobs.start('test.count', 'Count', async (ctx) => {
      for (let i = 1; i <= 3; i++) {
        await new Promise<void>((r) => (step = r));
        ctx.progress({ done: i, total: 3, message: `step ${i}`, fraction: i / 3 });
      }
      return { counted: 3 };
    });
    expect(s0).toMatchObject({ kind: 'test.count', title: 'Count', state: 'running', result: null, error: null });
    await tick(5);
    const before = jobs.get(s0.id);
    const t0 = Date.now();
    const waiting = jobs.waitForChange(s0.id, before.version, 5000);
    step();
    const s1 = await waiting;
    expect(Date.now() - t0).toBeLessThan(1000); // woken by the change, not the timeout
    expect(s1.progress).toMatchObject({ done: 1, total: 3, message: 'step 1' });
    // With nothing changing, the poll returns after waitMs with the same version.
    expect((await jobs.waitForChange(s0.id, s1.version, 30)).version).toBe(s1.version);
    step();
    await tick(5);
    step();
    const end = await jobs.settled(s0.id);
    expect(end).toMatchObject({ state: 'succeeded', result: { counted: 3 }, progress: { done: 3 } });
    expect(end.finishedAt).not.toBeNull();
    expect(jobs.list().map((j) => j.id)).toEqual([s0.id]);
  });

  it('turns a thrown error into a failed job with its kind, and a cancel into a cancelled one', async () => {
    const jobs = new JobsService();
    const bad = jobs.start('test.bad', 'Bad', async () => {
      throw new AppError('malformed', '/x: broken');
    });
    expect(await jobs.settled(bad.id)).toMatchObject({ state: 'failed', error: { kind: 'malformed', message: '/x: broken' } });
    const sync = jobs.start('test.sync', 'Sync throw', () => {
      throw new Error('boom');
    });
    expect(await jobs.settled(sync.id)).toMatchObject({ state: 'failed', error: { kind: 'internal', message: 'boom' } });
    const long = jobs.start('test.long', 'Long', async (ctx) => {
      for (;;) {
        await tick(2);
        ctx.checkpoint();
      }
    });
    await tick(10);
    jobs.cancel(long.id);
    expect(await jobs.settled(long.id)).toMatchObject({ state: 'cancelled', error: { kind: 'cancelled' }, result: null });
    expect(() => jobs.get('nope')).toThrow(/No job nope/);
  });

  it('answers a first watch at once on a fresh service, then waits for the next change', async () => {
    const jobs = new JobsService();
    const t0 = Date.now();
    const first = await jobs.watch(0, 5000);
    expect(Date.now() - t0).toBeLessThan(1000);
    expect(first.jobs).toEqual([]);
    expect(first.version).toBeGreaterThan(0);
    const next = jobs.watch(first.version, 5000);
    const started = jobs.start('test.w', 'W', async () => 1);
    expect((await next).jobs.map((j) => j.id)).toContain(started.id);
  });

  it('keeps a bounded number of finished jobs', async () => {
    const jobs = new JobsService({ retain: 2 });
    for (let i = 0; i < 4; i++) await jobs.settled(jobs.start('test.n', `n${i}`, async () => i).id);
    expect(jobs.list().map((j) => j.title)).toEqual(['n3', 'n2']);
  });
});
