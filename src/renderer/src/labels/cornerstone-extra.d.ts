// The parts of cornerstone-core 2.6 the label layer uses beyond viewport/cornerstone-core.d.ts (module
// augmentation, so the viewer's declarations stay as they are).
import 'cornerstone-core';

declare module 'cornerstone-core' {
  export interface EnabledElement {
    element: HTMLElement;
    canvas: HTMLCanvasElement;
    image?: CsImage;
    viewport: Viewport;
  }
  export interface ImageRenderedDetail {
    element: HTMLElement;
    image: CsImage;
    viewport: Viewport;
    enabledElement: EnabledElement;
    canvasContext: CanvasRenderingContext2D;
  }
  export function getEnabledElement(element: HTMLElement): EnabledElement;
  export function setToPixelCoordinateSystem(enabledElement: EnabledElement, context: CanvasRenderingContext2D, scale?: number): void;
}
