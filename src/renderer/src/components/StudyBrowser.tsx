import type { InstanceSummary, LoadError, StudyNode } from '../../../shared/dicom-types.ts';
import { Thumbnail } from './Thumbnail.tsx';

interface Props {
  studies: StudyNode[];
  loadErrors: LoadError[];
  selectedId: string | null;
  onSelect: (i: InstanceSummary) => void;
}

const baseName = (p: string) => p.split(/[\\/]/).pop() || p;

function describe(i: InstanceSummary): string {
  const frames = i.frames > 1 ? `${i.frames} fr` : '1 fr';
  return `${i.modality || '?'} · ${i.columns}×${i.rows} · ${frames}`;
}

/** Studies → series → instances, each instance with its thumbnail. */
export function StudyBrowser({ studies, loadErrors, selectedId, onSelect }: Props) {
  return (
    <nav className="browser" aria-label="Study browser">
      {studies.length === 0 && <p className="muted">No studies open.</p>}
      {studies.map((study) => (
        <section key={study.studyInstanceUid} className="study" aria-label={`Study ${study.description || study.studyInstanceUid}`}>
          <header className="study-head">
            <div className="study-title">{study.description || 'Study'}</div>
            <div className="muted">
              {study.patientName || 'anonymous'} {study.patientId && `· ${study.patientId}`} {study.date && `· ${study.date}`}
            </div>
          </header>
          {study.series.map((series) => (
            <div key={series.seriesInstanceUid} className="series">
              <div className="series-title">
                {series.seriesNumber != null && <span className="muted">#{series.seriesNumber} </span>}
                {series.description || series.modality || 'Series'}
              </div>
              <ul className="instances" role="listbox" aria-label={`Series ${series.description || series.seriesInstanceUid}`}>
                {series.instances.map((inst) => (
                  <li key={inst.id} role="option" aria-selected={inst.id === selectedId}>
                    <button
                      type="button"
                      className={inst.id === selectedId ? 'instance selected' : 'instance'}
                      onClick={() => onSelect(inst)}
                      aria-label={`Open ${baseName(inst.path)}`}
                      title={inst.path}
                    >
                      <Thumbnail instanceId={inst.id} size={64} />
                      <span className="instance-text">
                        <span className="instance-name">{baseName(inst.path)}</span>
                        <span className="muted">{describe(inst)}</span>
                        <span className="muted">{inst.photometric}</span>
                      </span>
                    </button>
                  </li>
                ))}
              </ul>
            </div>
          ))}
        </section>
      ))}
      {loadErrors.length > 0 && (
        <details className="load-errors">
          <summary>{loadErrors.length} file(s) could not be read</summary>
          <ul>
            {loadErrors.map((e) => (
              <li key={e.path + e.code} title={e.path}>
                <b>{e.code}</b> {e.message}
              </li>
            ))}
          </ul>
        </details>
      )}
    </nav>
  );
}
