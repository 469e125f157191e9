"""The prompt vocabulary: structured fields (view, phase, quality, sex, age band, EF band) in the words the model
is trained on, the template that joins them, and the bands' boundaries. A field a study does not know (EchoNet
has no sex or age; a mid-systolic frame has no phase) is left out together with its comma, and training drops
known fields at random too, so partial prompts are in-distribution."""

TEMPLATE = 'apical {view} echo, {phase}, {quality} quality, {sex}, {age}, {ef}'
FIELD_ORDER = ['view', 'phase', 'quality', 'sex', 'age', 'ef']
FIELDS = {
    'view': ['2CH', '4CH'],
    'phase': ['ED', 'ES'],
    'quality': ['good', 'medium', 'poor'],
    'sex': ['female', 'male'],
    'age': ['age 20-39', 'age 40-59', 'age 60-79', 'age 80+'],
    'ef': ['EF <40', 'EF 40-54', 'EF 55-70', 'EF >70'],
}


def age_band(age):
    if age is None or age < 20:
        return None
    if age < 40:
        return 'age 20-39'
    if age < 60:
        return 'age 40-59'
    if age < 80:
        return 'age 60-79'
    return 'age 80+'


def ef_band(ef):
    if ef is None:
        return None
    if ef < 40:
        return 'EF <40'
    if ef < 55:
        return 'EF 40-54'
    if ef <= 70:
        return 'EF 55-70'
    return 'EF >70'


def study_fields(view=None, phase=None, quality=None, sex=None, age=None, ef=None):
    """Field values of one frame from dataset metadata (CAMUS cfg / EchoNet FileList words)."""
    return {
        'view': view if view in ('2CH', '4CH') else ('4CH' if view == 'A4C' else None),
        'phase': phase if phase in ('ED', 'ES') else None,
        'quality': quality.lower() if quality else None,
        'sex': {'F': 'female', 'M': 'male'}.get(sex),
        'age': age_band(age),
        'ef': ef_band(ef),
    }


def compose(fields):
    """The prompt for the known fields, in template order: 'apical 4CH echo, ED, good quality, female, ...'."""
    parts = []
    head = 'apical {} echo'.format(fields['view']) if fields.get('view') else 'apical echo'
    parts.append(head)
    if fields.get('phase'):
        parts.append(fields['phase'])
    if fields.get('quality'):
        parts.append('{} quality'.format(fields['quality']))
    for k in ('sex', 'age', 'ef'):
        if fields.get(k):
            parts.append(fields[k])
    return ', '.join(parts)


def corpus_for_vocab():
    """Every word the prompts can contain, for training the BPE merges."""
    words = ['apical echo'] + ['apical {} echo'.format(v) for v in FIELDS['view']]
    for k in FIELD_ORDER[1:]:
        for v in FIELDS[k]:
            words.append('{} quality'.format(v) if k == 'quality' else v)
    return words
