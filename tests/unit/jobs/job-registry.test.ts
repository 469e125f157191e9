/** The job registry: long polls wake on change, failures and cancellation end as data, old jobs are pruned. */
import { describe, expect, it } from 'vitest';
import { AppError } from '../../../src/shared/errors.ts';
import { JobRegistry } from '../../../src/main/services/jobs/index.ts';

const tick = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('JobRegistry', () => {
  it('reports progress to a long poll and ends done with the result', async () => {
    const jobs = new JobRegistry({ notifyMs: 20 });
    let step!: () => void;
    const s0 = jobs.start('test.count', 'Count', async (ctx) => {
      for (let i = 1; i <= 3; i++) {
        await new Promise<void>((r) => (step = r));
        ctx.progress(i, 3, `step ${i}`);
      }
      return { counted: 3 };
    });
    expect(s0).toMatchObject({ kind: 'test.count', title: 'Count', state: 'running', version: 1, result: null, error: null });
    await tick(5);
    const t0 = Date.now();
    const waiting = jobs.wait(s0.id, s0.version, 5000);
    step();
    const s1 = await waiting;
    expect(Date.now() - t0).toBeLessThan(1000); // woken by the change, not the timeout
    expect(s1.progress).toEqual({ done: 1, total: 3, message: 'step 1' });
    // With nothing changing, the poll returns after waitMs with the same version.
    expect((await jobs.wait(s0.id, s1.version, 30)).version).toBe(s1.version);
    step();
    await tick(5);
    step();
    const end = await jobs.settled(s0.id);
    expect(end).toMatchObject({ state: 'done', result: { counted: 3 }, progress: { done: 3 } });
    expect(end.finishedAt).not.toBeNull();
    expect(jobs.list().map((j) => j.id)).toEqual([s0.id]);
  });

  it('turns a thrown error into a failed job with its kind, and a cancel into a cancelled one', async () => {
    const jobs = new JobRegistry();
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
    jobs.cancel(long.id);
    expect(await jobs.settled(long.id)).toMatchObject({ state: 'cancelled', error: { kind: 'cancelled' } });
    expect(() => jobs.get('job-nope')).toThrow(/no job has id job-nope/);
  });

  it('keeps a bounded number of finished jobs', async () => {
    const jobs = new JobRegistry({ keepFinished: 2 });
    const ids = [];
    for (let i = 0; i < 4; i++) {
      const s = jobs.start('test.n', `n${i}`, async () => i);
      ids.push(s.id);
      await jobs.settled(s.id);
    }
    expect(jobs.list().map((j) => j.title)).toEqual(['n3', 'n2']);
  });
});
