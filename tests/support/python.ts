/**
 * Debian's Python (/usr/bin/python3, which has numpy, torch and onnx; the first python3 on PATH may not) for
 * reference computations in tests. Tests that need it skip with a message when it or a module is missing.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

export const PYTHON = process.env.CARDIOSYNTH_PYTHON ?? '/usr/bin/python3';

/** Null when `python` can import every module, else why not (for a skip message). */
export function pythonMissing(modules: string[]): string | null {
  if (!existsSync(PYTHON)) return `${PYTHON} not found (apt-get install python3 ${modules.map((m) => `python3-${m}`).join(' ')})`;
  const r = spawnSync(PYTHON, ['-c', modules.map((m) => `import ${m}`).join('; ')], { encoding: 'utf8', timeout: 60_000 });
  if (r.status !== 0) return `${PYTHON} cannot import ${modules.join(', ')}: ${(r.stderr || '').trim().split('\n').pop()} (apt-get install ${modules.map((m) => `python3-${m}`).join(' ')})`;
  return null;
}

/** Runs a Python script with JSON on stdin; returns its stdout parsed as JSON. Throws with stderr on failure. */
export function runPythonJson<T>(script: string, input: unknown, args: string[] = [], timeoutMs = 300_000): T {
  const r = spawnSync(PYTHON, [script, ...args], { input: JSON.stringify(input), encoding: 'utf8', timeout: timeoutMs, maxBuffer: 256 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`${script} failed (exit ${r.status}${r.signal ? `, ${r.signal}` : ''}):\n${r.stderr}`);
  return JSON.parse(r.stdout) as T;
}
