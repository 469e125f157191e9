/**
 * The prompt fields a catalog study fills in, in the pack's own words: view, phase (on the ED or ES frame),
 * image quality, sex, and the age and EF bands its value falls in ("age 60-79", "EF 55-70", "EF <40",
 * "age 80+"). A field the study does not know, or whose value no option matches, is left out of the result so
 * the form keeps what the user chose.
 */
import type { CatalogStudy } from '../../../shared/catalog-types.ts';

/** The closed range [low, high] of a band written as "A-B", "<A" (below A), ">A" (above A) or "A+", or null. */
export function bandOf(option: string): [number, number] | null {
  let m = /(\d+)\s*[-–]\s*(\d+)/.exec(option);
  if (m) return [Number(m[1]), Number(m[2])];
  m = /<\s*(\d+)/.exec(option);
  if (m) return [-Infinity, Number(m[1]) - 1];
  m = />\s*(\d+)/.exec(option);
  if (m) return [Number(m[1]) + 1, Infinity];
  m = /(\d+)\s*\+/.exec(option);
  if (m) return [Number(m[1]), Infinity];
  return null;
}

function inBand(options: string[], value: number | null): string | undefined {
  if (value === null) return undefined;
  // Bands are written in whole numbers ("EF 40-54", "EF 55-70"): a value is read at that precision (54.6 -> 55).
  const v = Math.round(value);
  return options.find((o) => {
    const b = bandOf(o);
    return b !== null && v >= b[0] && v <= b[1];
  });
}

const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();
const VIEW_NAMES: Record<string, string[]> = { '4CH': ['4CH', 'A4C'], A4C: ['4CH', 'A4C'], '2CH': ['2CH', 'A2C'] };
const SEX_NAMES: Record<'M' | 'F', string[]> = { M: ['male', 'm', 'man'], F: ['female', 'f', 'woman'] };

/** Values for the pack's `fields` taken from `study` on viewer frame `frame`. */
export function studyPromptFields(fields: Record<string, string[]>, study: CatalogStudy, frame: number, phaseFrames: { ed: number | null; es: number | null }): Record<string, string> {
  const out: Record<string, string> = {};
  const set = (name: string, value: string | undefined) => {
    if (value !== undefined) out[name] = value;
  };
  for (const [name, options] of Object.entries(fields)) {
    switch (name.toLowerCase()) {
      case 'view':
        if (study.view) set(name, options.find((o) => (VIEW_NAMES[study.view!] ?? [study.view!]).some((v) => same(o, v))));
        break;
      case 'phase': {
        const phase = frame === phaseFrames.ed ? 'ED' : frame === phaseFrames.es ? 'ES' : null;
        if (phase) set(name, options.find((o) => same(o, phase)));
        break;
      }
      case 'quality':
        if (study.imageQuality) set(name, options.find((o) => same(o, study.imageQuality!)));
        break;
      case 'sex':
        if (study.sex) set(name, options.find((o) => SEX_NAMES[study.sex!].some((v) => same(o, v))));
        break;
      case 'age':
        set(name, inBand(options, study.age));
        break;
      case 'ef':
        set(name, inBand(options, study.ef));
        break;
    }
  }
  return out;
}
