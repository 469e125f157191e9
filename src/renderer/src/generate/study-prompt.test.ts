import { describe, expect, it } from 'vitest';
import type { CatalogStudy } from '../../../shared/catalog-types.ts';
import { bandOf, studyPromptFields } from './study-prompt.ts';

// The embedded and test packs' vocabulary (docs/model-pack.md).
const FIELDS = {
  view: ['2CH', '4CH'],
  phase: ['ED', 'ES'],
  quality: ['good', 'medium', 'poor'],
  sex: ['female', 'male'],
  age: ['age 20-39', 'age 40-59', 'age 60-79', 'age 80+'],
  ef: ['EF <40', 'EF 40-54', 'EF 55-70', 'EF >70'],
};

const study = (over: Partial<CatalogStudy>): CatalogStudy => ({ view: '4CH', imageQuality: 'Good', sex: 'F', age: 63, ef: 60, ...over }) as CatalogStudy;

describe('prompt fields from a catalog study', () => {
  it('reads bands as a researcher writes them', () => {
    expect(bandOf('age 20-39')).toEqual([20, 39]);
    expect(bandOf('EF <40')).toEqual([-Infinity, 39]);
    expect(bandOf('age 80+')).toEqual([80, Infinity]);
    expect(bandOf('EF >70')).toEqual([71, Infinity]);
    expect(bandOf('good')).toBeNull();
  });

  it('fills view, phase on the ED/ES frame, quality, sex, age and EF bands in the pack\'s words', () => {
    expect(studyPromptFields(FIELDS, study({}), 0, { ed: 0, es: 9 })).toEqual({ view: '4CH', phase: 'ED', quality: 'good', sex: 'female', age: 'age 60-79', ef: 'EF 55-70' });
    expect(studyPromptFields(FIELDS, study({ view: 'A4C', sex: 'M', age: 85, ef: 70.4, imageQuality: 'Poor' }), 9, { ed: 0, es: 9 })).toMatchObject({ view: '4CH', phase: 'ES', sex: 'male', age: 'age 80+', ef: 'EF 55-70', quality: 'poor' });
    // Values between whole-number bands are read at the bands' precision.
    expect(studyPromptFields(FIELDS, study({ ef: 39.4 }), 3, { ed: 0, es: 9 }).ef).toBe('EF <40');
    expect(studyPromptFields(FIELDS, study({ ef: 54.6 }), 3, { ed: 0, es: 9 }).ef).toBe('EF 55-70');
    expect(studyPromptFields(FIELDS, study({ ef: 70.6 }), 3, { ed: 0, es: 9 }).ef).toBe('EF >70');
  });

  it('leaves out what the study does not know or the pack does not say', () => {
    const r = studyPromptFields(FIELDS, study({ view: null, sex: null, age: null, ef: null, imageQuality: null }), 4, { ed: 0, es: 9 });
    expect(r).toEqual({});
    expect(studyPromptFields({ age: ['young', 'old'] }, study({}), 0, { ed: 0, es: null })).toEqual({});
  });
});
