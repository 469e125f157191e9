import type { ViewerController } from '../viewport/viewer-controller.ts';
import { SPEEDS } from '../viewport/viewer-controller.ts';
import { useStore } from './use-store.ts';

const SOURCE_TEXT: Record<string, string> = {
  FrameTime: 'from Frame Time',
  FrameTimeVector: 'from Frame Time Vector (mean)',
  CineRate: 'from Cine Rate',
  RecommendedDisplayFrameRate: 'from Recommended Display Frame Rate',
  default: 'DEFAULT: the file states no timing',
  'single-frame': 'single frame',
};

/** Play/pause, step, frame slider, loop, speed, and the rate with where it came from. */
export function CineControls({ viewer }: { viewer: ViewerController }) {
  const s = useStore(viewer.state);
  const disabled = !s.instance || s.frames < 2;
  const isDefault = s.frameRateSource === 'default';
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
      <output className="frame-count" aria-label="Frame number">
        {s.frames ? s.frame + 1 : 0}/{s.frames}
      </output>
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
      {s.instance && (
        <span className={isDefault ? 'rate rate-default' : 'rate'} aria-label="Frame rate" title={SOURCE_TEXT[s.frameRateSource ?? ''] ?? ''}>
          {s.frameRateHz.toFixed(1)} Hz <span className="rate-source">{SOURCE_TEXT[s.frameRateSource ?? ''] ?? s.frameRateSource}</span>
        </span>
      )}
    </div>
  );
}
