import { useCallback, useEffect, useRef, useState, type KeyboardEvent } from 'react';
import type { CatalogRow } from '../../../shared/catalog-types.ts';
import type { PageSet } from './catalog-pages.ts';
import { StudyThumb } from './StudyThumb.tsx';

const ROW_HEIGHT = 50;
const OVERSCAN = 6;

interface Props {
  pages: PageSet;
  /** Bumped when pages arrive, so the list re-renders. */
  version: number;
  selectedId: string | null;
  onOpen: (row: CatalogRow) => void;
}

const DATASET: Record<string, string> = { 'camus-nifti': 'CAMUS', 'camus-legacy': 'CAMUS', 'echonet-dynamic': 'EchoNet', loose: 'file' };

function describe(r: CatalogRow): string {
  return [DATASET[r.dataset] ?? r.dataset, r.frames !== null ? `${r.frames} fr` : null, r.frameRateHz !== null ? `${Number(r.frameRateHz.toFixed(1))} Hz` : null, r.columns !== null ? `${r.columns}×${r.rows}` : null].filter(Boolean).join(' · ');
}

function clinical(r: CatalogRow): string {
  return [r.ef !== null ? `EF ${Number(r.ef.toFixed(1))}` : null, r.imageQuality, r.sex, r.age !== null ? `${r.age} y` : null, r.split].filter(Boolean).join(' · ');
}

/**
 * The catalog's studies as a virtualized list: only the rows in view (plus a few) exist in the DOM, and only
 * their pages are fetched, so 10,030 rows scroll like 10. Up/Down move the selection, Enter opens it.
 */
export function StudyList({ pages, version, selectedId, onOpen }: Props) {
  const scroller = useRef<HTMLDivElement>(null);
  const [scrollTop, setScrollTop] = useState(0);
  const [height, setHeight] = useState(400);
  const [active, setActive] = useState(0);
  const total = pages.total ?? 0;

  useEffect(() => {
    const el = scroller.current;
    if (!el) return;
    const ro = new ResizeObserver(() => setHeight(el.clientHeight));
    ro.observe(el);
    setHeight(el.clientHeight);
    return () => ro.disconnect();
  }, []);

  // A new query starts at the top.
  useEffect(() => {
    scroller.current?.scrollTo({ top: 0 });
    setScrollTop(0);
    setActive(0);
  }, [pages]);

  const first = Math.max(0, Math.floor(scrollTop / ROW_HEIGHT) - OVERSCAN);
  const last = Math.min(Math.max(total - 1, 0), Math.ceil((scrollTop + height) / ROW_HEIGHT) + OVERSCAN);
  useEffect(() => pages.ensure(first, last), [pages, first, last, version]);

  const move = useCallback(
    (to: number) => {
      const i = Math.max(0, Math.min(total - 1, to));
      setActive(i);
      const el = scroller.current;
      if (!el) return;
      if (i * ROW_HEIGHT < el.scrollTop) el.scrollTop = i * ROW_HEIGHT;
      else if ((i + 1) * ROW_HEIGHT > el.scrollTop + el.clientHeight) el.scrollTop = (i + 1) * ROW_HEIGHT - el.clientHeight;
    },
    [total],
  );

  const onKey = (e: KeyboardEvent) => {
    const step: Record<string, number> = { ArrowDown: 1, ArrowUp: -1, PageDown: 10, PageUp: -10 };
    if (e.key in step) move(active + step[e.key]);
    else if (e.key === 'Home') move(0);
    else if (e.key === 'End') move(total - 1);
    else if (e.key === 'Enter') {
      const r = pages.row(active);
      if (r) onOpen(r);
    } else return;
    // Keep the list's keys from also moving the cine (the global shortcuts listen on window).
    e.preventDefault();
    e.stopPropagation();
  };

  const rows = [];
  for (let i = first; i <= last && i < total; i++) {
    const r = pages.row(i);
    const style = { transform: `translateY(${i * ROW_HEIGHT}px)`, height: ROW_HEIGHT };
    if (!r) {
      rows.push(<div key={`p${i}`} className="study-row placeholder" style={style} aria-hidden="true" />);
      continue;
    }
    const selected = r.id === selectedId;
    rows.push(
      <div
        key={r.id}
        id={`study-row-${i}`}
        role="option"
        aria-selected={selected}
        aria-label={`${r.patient ?? r.title}${r.view ? ` ${r.view}` : ''}`}
        className={`study-row${selected ? ' selected' : ''}${i === active ? ' active' : ''}${r.available ? '' : ' unavailable'}`}
        style={style}
        onClick={() => {
          setActive(i);
          onOpen(r);
        }}
        title={r.id}
      >
        <StudyThumb studyId={r.id} size={40} />
        <span className="study-row-text">
          <span className="study-row-title">
            {r.patient ?? r.title} {r.view && <span className="badge">{r.view}</span>} {r.hasLabels && <span className="badge badge-gt" title="Has ground-truth labels">GT</span>}
            {r.provenance === 'synthetic' && <span className="badge badge-syn">SYNTHETIC</span>}
          </span>
          <span className="muted small">{describe(r)}</span>
          <span className="muted small">{clinical(r)}</span>
        </span>
      </div>,
    );
  }

  return (
    <div
      ref={scroller}
      className="study-list"
      role="listbox"
      aria-label="Catalog studies"
      aria-activedescendant={pages.row(active) ? `study-row-${active}` : undefined}
      tabIndex={0}
      onScroll={(e) => setScrollTop(e.currentTarget.scrollTop)}
      onKeyDown={onKey}
    >
      <div className="study-list-inner" style={{ height: total * ROW_HEIGHT }}>
        {rows}
      </div>
      {pages.total === 0 && <p className="muted empty">No studies match. Import a dataset above, or clear the filters.</p>}
    </div>
  );
}
