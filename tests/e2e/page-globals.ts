/**
 * The few browser globals the e2e tests touch inside page.evaluate. tsconfig.node.json (which type-checks
 * tests) has no DOM lib, on purpose: DOM globals there would hide wrong-layer code in main and services. So
 * page functions read `globalThis as unknown as PageGlobals`.
 */
export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

interface PageElement {
  getBoundingClientRect(): Rect;
  width: number;
  height: number;
  getContext(kind: '2d'): { getImageData(x: number, y: number, w: number, h: number): { data: ArrayLike<number> } } | null;
}

export interface ViewerTestState {
  instanceId: string | null;
  frame: number;
  frames: number;
  playing: boolean;
  frameRateHz: number;
  frameRateSource: string | null;
  speed: number;
  loop: boolean;
  windowCenter: number;
  windowWidth: number;
  zoom: number;
  invert: boolean;
}

export interface LabelsTestState {
  image: string | null;
  tool: string;
  label: number;
  brushSize: number;
  frame: number;
  frameReady: boolean;
  checksum: string | null;
  labelledPixels: number;
  undo: string | null;
  redo: string | null;
  save: string;
  revision: number | null;
  outline: boolean;
  palette: number[];
}

export interface PageGlobals {
  __cardiosynth?: { state(): ViewerTestState; cineLog(): { frame: number; t: number }[]; labels(): LabelsTestState };
  __cspViolations?: string[];
  document: {
    querySelector(selector: string): PageElement | null;
    querySelectorAll(selector: string): ArrayLike<PageElement>;
    addEventListener(
      type: 'securitypolicyviolation',
      listener: (e: { violatedDirective: string; blockedURI: string; sourceFile: string; lineNumber: number }) => void,
    ): void;
  };
}
