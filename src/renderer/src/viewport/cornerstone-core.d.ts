// The subset of cornerstone-core 2.6 this viewer uses; the package ships no types.
declare module 'cornerstone-core' {
  export interface CsImage {
    imageId: string;
    minPixelValue: number;
    maxPixelValue: number;
    slope: number;
    intercept: number;
    windowCenter: number;
    windowWidth: number;
    getPixelData: () => ArrayLike<number>;
    getCanvas?: () => HTMLCanvasElement;
    rows: number;
    columns: number;
    height: number;
    width: number;
    color: boolean;
    rgba: boolean;
    invert: boolean;
    columnPixelSpacing: number;
    rowPixelSpacing: number;
    sizeInBytes: number;
    [extra: string]: unknown;
  }
  export interface Voi {
    windowWidth: number;
    windowCenter: number;
  }
  export interface Viewport {
    scale: number;
    translation: { x: number; y: number };
    voi: Voi;
    invert: boolean;
    pixelReplication: boolean;
    rotation: number;
    hflip: boolean;
    vflip: boolean;
    [extra: string]: unknown;
  }
  export interface ImageLoadObject {
    promise: Promise<CsImage>;
    cancelFn?: () => void;
  }
  export type ImageLoader = (imageId: string, options?: unknown) => ImageLoadObject;
  export const EVENTS: { PRE_RENDER: string; IMAGE_RENDERED: string; NEW_IMAGE: string };
  export function enable(element: HTMLElement, options?: unknown): void;
  export function disable(element: HTMLElement): void;
  export function registerImageLoader(scheme: string, loader: ImageLoader): void;
  export function loadImage(imageId: string, options?: unknown): Promise<CsImage>;
  export function displayImage(element: HTMLElement, image: CsImage, viewport?: Partial<Viewport>): void;
  export function getViewport(element: HTMLElement): Viewport | undefined;
  export function setViewport(element: HTMLElement, viewport: Partial<Viewport>): void;
  export function getDefaultViewportForImage(element: HTMLElement, image: CsImage): Viewport;
  export function getImage(element: HTMLElement): CsImage | undefined;
  export function fitToWindow(element: HTMLElement): void;
  export function reset(element: HTMLElement): void;
  export function resize(element: HTMLElement, fitToWindow?: boolean): void;
  export function updateImage(element: HTMLElement, invalidated?: boolean): void;
  export function pageToPixel(element: HTMLElement, pageX: number, pageY: number): { x: number; y: number };
  export interface EnabledElement {
    element: HTMLElement;
    canvas: HTMLCanvasElement;
    image?: CsImage;
    viewport?: Viewport;
    [extra: string]: unknown;
  }
  export function getEnabledElement(element: HTMLElement): EnabledElement;
  /** Sets the context's transform so that one unit is one image pixel, following zoom, pan, rotation and flips. */
  export function setToPixelCoordinateSystem(enabledElement: EnabledElement, context: CanvasRenderingContext2D, scale?: number): void;
}
