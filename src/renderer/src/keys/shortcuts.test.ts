/** The shortcut table: no key triggers two actions, and every label tool has a key. */
import { describe, expect, it } from 'vitest';
import { SHORTCUTS } from './shortcuts.ts';

describe('shortcuts', () => {
  it('binds each key and modifier combination to one action only', () => {
    const seen = new Map<string, string>();
    for (const s of SHORTCUTS) {
      for (const key of s.keys) {
        const shifts = s.shift === undefined ? [false, true] : [s.shift];
        for (const shift of shifts) {
          // KeyboardEvent.key as typed ('l' and 'L' are different keys), with the modifiers that must hold.
          const combo = `${s.ctrl ? 'ctrl+' : ''}${shift ? 'shift+' : ''}${key}`;
          const other = seen.get(combo);
          expect(other === undefined || other === s.action, `${combo}: "${s.action}" clashes with "${other}"`).toBe(true);
          seen.set(combo, s.action);
        }
      }
    }
  });

  it('gives every label tool and action a key listed in the help', () => {
    const actions = SHORTCUTS.filter((s) => s.group === 'Labels').map((s) => s.action).join('\n');
    for (const word of ['Brush', 'Eraser', 'Lasso', 'Fill (paint bucket)', 'Fill holes', 'Smooth', 'Clear the current label', 'next frame', 'previous frame', 'Undo', 'Redo', 'Outline', 'Show / hide labels']) {
      expect(actions).toContain(word);
    }
  });
});
