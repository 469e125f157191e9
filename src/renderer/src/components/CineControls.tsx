import type { ViewerController } from '../viewport/viewer-controller.ts';
import { SPEEDS } from '../viewport/viewer-controller.ts';
import { useStore } from './use-store.ts';

const SOURCE_TEXT: Record<string, string> = {
  FrameTime: 'from Frame Time',
  FrameTimeVector: 'from Frame Time Vector (mean)',
  CineRate: 'from Cine Rate',
  RecommendedDisplayFrameRate: 'from Recommended Display Frame Rate',
  'camus-cfg': 'from the CAMUS cfg FrameRate',
  'echonet-filelist': 'from FileList.csv FPS',
  'avi-header': 'from the AVI header',
  'nifti-pixdim': 'from the NIfTI time step',
  default: 'DEFAULT: the file states no timing',
  'single-frame': 'single frame',
};

/** Where frame `f` sits along the slider's track, as a CSS percentage (the thumb's centre travels inset). */
function trackPosition(f: number, frames: number): string {
  const t = frames > 1 ? f / (frames - 1) : 0;
  return `calc(7px + (100% - 14px) * ${t})`;
}

/** Play/pause, step, frame slider with ED/ES and labelled-frame marks, loop, speed, and the rate's source. */
export function CineControls({ viewer }: { viewer: ViewerController }) {
  const s = useStore(viewer.state);
  const v = s.viewable;
  const disabled = !v || s.frames < 2;
  const isDefault = s.frameRateSource === 'default';
  const phases = v ? ([['ED', v.edFrame], ['ES', v.esFrame]] as const).filter((p): p is readonly ['ED' | 'ES', number] => p[1] !== null) : [];
  const labelled = v && v.labelledFrames.length < 200 ? v.labelledFrames : [];
  return (
    <div className="cine" role="toolbar" aria-label="Cine controls">
      <button type="button" onClick={() => viewer.step(-1)} disabled={disabled} aria-label="Previous frame" title="Previous frame (←)">
        |◀
      </button>
      <button
        type="button"
        className="play"
        onClick={() => viewer.togglePlay()}
        disabled={disabled}
        aria-label={s.playing ? 'Pause' : 'Play'}
        aria-pressed={s.playing}
        title="Play / pause (Space)"
      >
        {s.playing ? '❚❚' : '▶'}
      </button>
      <button type="button" onClick={() => viewer.step(1)} disabled={disabled} aria-label="Next frame" title="Next frame (→)">
        ▶|
      </button>
      <div className="timeline">
        <input
          type="range"
          className="frame-slider"
          aria-label="Frame"
          min={0}
          max={Math.max(0, s.frames - 1)}
          value={s.frame}
          disabled={disabled}
          onChange={(e) => viewer.showFrame(Number(e.target.value))}
        />
        {s.frames > 1 && (
          <div className="timeline-marks" aria-hidden="true">
            {labelled.map((f) => (
              <span key={`l${f}`} className="mark-labelled" style={{ left: trackPosition(f, s.frames) }} />
            ))}
            {phases.map(([name, f]) => (
              <span key={name} className={`mark-phase mark-${name}`} style={{ left: trackPosition(f, s.frames) }} title={`${name}: frame ${f + 1}`}>
                {name}
              </span>
            ))}
          </div>
        )}
      </div>
      <output className="frame-count" aria-label="Frame number">
        {s.frames ? s.frame + 1 : 0}/{s.frames}
      </output>
      {phases.map(([name, f]) => (
        <button
          key={name}
          type="button"
          className={`phase-jump phase-${name}`}
          onClick={() => viewer.jumpToPhase(name)}
          aria-label={`Go to ${name === 'ED' ? 'end-diastole' : 'end-systole'} (${name}, frame ${f + 1})`}
          aria-pressed={s.frame === f}
          title={`${name === 'ED' ? 'End-diastole' : 'End-systole'}: frame ${f + 1} (${name === 'ED' ? 'E' : 'S'})`}
        >
          {name}
        </button>
      ))}
      <label className="check" title="Loop (L)">
        <input type="checkbox" checked={s.loop} onChange={(e) => viewer.setLoop(e.target.checked)} aria-label="Loop" />
        Loop
      </label>
      <label title="Speed ([ and ])">
        Speed{' '}
        <select aria-label="Speed" value={s.speed} onChange={(e) => viewer.setSpeed(Number(e.target.value))}>
          {SPEEDS.map((x) => (
            <option key={x} value={x}>
              {x}×
            </option>
          ))}
        </select>
      </label>
      {v && (
        <span className={isDefault ? 'rate rate-default' : 'rate'} aria-label="Frame rate" title={SOURCE_TEXT[s.frameRateSource ?? ''] ?? ''}>
          {s.frameRateHz.toFixed(1)} Hz <span className="rate-source">{SOURCE_TEXT[s.frameRateSource ?? ''] ?? s.frameRateSource}</span>
        </span>
      )}
    </div>
  );
}
