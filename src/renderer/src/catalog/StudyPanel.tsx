import type { CatalogStudy } from '../../../shared/catalog-types.ts';
import { useStore } from '../components/use-store.ts';
import type { ViewerController } from '../viewport/viewer-controller.ts';

const baseName = (p: string) => p.split(/[\\/]/).pop() || p;
const frame1 = (f: number | null) => (f === null ? '—' : `${f + 1}`);

function Row({ name, value, title }: { name: string; value: string | number | null | undefined; title?: string }) {
  return (
    <tr>
      <th scope="row">{name}</th>
      <td title={title}>{value === null || value === undefined || value === '' ? '—' : value}</td>
    </tr>
  );
}

/** The shown catalog study: clinical fields, cardiac phases, files, labels, provenance and import warnings. */
export function StudyPanel({ viewer }: { viewer: ViewerController }) {
  const v = useStore(viewer.state).viewable;
  const view = v?.study;
  if (!view) return <div className="study-panel muted">Open a study from the Catalog tab to see its clinical fields and files.</div>;
  const s: CatalogStudy = view.study;
  const detail = Object.entries(s.provenanceDetail).filter(([k]) => k !== 'root' && k !== 'item');
  return (
    <div className="study-panel" aria-label="Study details">
      <table className="kv">
        <tbody>
          <Row name="Study" value={s.id} />
          <Row name="Patient" value={s.patient} />
          <Row name="View" value={s.view} />
          <Row name="Source" value={s.provenance === 'synthetic' ? 'SYNTHETIC' : 'real'} />
          <Row name="Frames" value={`${view.frames} · ${view.columns}×${view.rows}${view.pixelSpacingMm ? ` · ${view.pixelSpacingMm[1].toFixed(3)}×${view.pixelSpacingMm[0].toFixed(3)} mm` : ''}`} />
          <Row name="Frame rate" value={`${view.frameRateHz.toFixed(1)} Hz (${view.frameRateSource})`} />
          <Row name="ED frame" value={frame1(view.edFrame)} title={view.edFrame === null ? undefined : `index ${view.edFrame} (0-based)`} />
          <Row name="ES frame" value={frame1(view.esFrame)} title={view.esFrame === null ? undefined : `index ${view.esFrame} (0-based)`} />
          <Row name="EF" value={s.ef === null ? null : `${s.ef}%`} />
          <Row name="EDV / ESV" value={s.edv === null && s.esv === null ? null : `${s.edv ?? '—'} / ${s.esv ?? '—'} mL`} />
          <Row name="Image quality" value={s.imageQuality} />
          <Row name="Sex" value={s.sex} />
          <Row name="Age" value={s.age} />
          <Row name="Split" value={s.split} />
          <Row name="Labels" value={s.labelValues.length ? s.labelValues.join(', ') : null} />
        </tbody>
      </table>
      <h4>Files</h4>
      <ul className="files">
        {s.sources.map((f) => (
          <li key={f.role} title={f.path}>
            <span className="muted">{f.role}</span> {baseName(f.path)}
          </li>
        ))}
      </ul>
      {detail.length > 0 && (
        <>
          <h4>Provenance</h4>
          <table className="kv">
            <tbody>
              {detail.map(([k, val]) => (
                <Row key={k} name={k} value={typeof val === 'string' || typeof val === 'number' ? val : JSON.stringify(val)} />
              ))}
            </tbody>
          </table>
        </>
      )}
      {s.warnings.length > 0 && (
        <>
          <h4>Import warnings</h4>
          <ul className="warnings">
            {s.warnings.map((w, i) => (
              <li key={i} className="warn-text" title={w.path}>
                {w.message}
              </li>
            ))}
          </ul>
        </>
      )}
    </div>
  );
}
