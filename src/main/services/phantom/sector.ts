/**
 * Image geometry shared by labels and B-mode: the probe sits at the top centre, the sector opens downwards.
 * Pixel (i, j) covers [i, i+1) x [j, j+1) in pixel coordinates and is sampled at its centre; spacing is
 * isotropic and chosen so the whole sector fits the requested size.
 */
import { AppError } from '../../../shared/errors.ts';

export interface SectorGeometry {
  /** Probe position, pixel coordinates. */
  apexX: number;
  apexY: number;
  radiusPx: number;
  halfAngleRad: number;
}

export interface ImageGeometry {
  width: number;
  height: number;
  /** Square pixels, millimetres. */
  pixelSpacingMm: number;
  sector: SectorGeometry;
}

export function imageGeometry(width: number, height: number, depthMm: number, sectorDeg: number): ImageGeometry {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 32 || height < 32 || width > 4096 || height > 4096) {
    throw new AppError('invalid-argument', `phantom/sector.ts: image size ${width}x${height} must be whole numbers from 32 to 4096`);
  }
  const half = (sectorDeg * Math.PI) / 360;
  const spacing = Math.max((2 * depthMm * Math.sin(half)) / width, depthMm / height) * 1.002;
  return {
    width,
    height,
    pixelSpacingMm: spacing,
    sector: { apexX: width / 2, apexY: 0, radiusPx: depthMm / spacing, halfAngleRad: half },
  };
}

/** Whether the point (pixel coordinates, e.g. a pixel centre) lies in the sector. */
export function insideSector(s: SectorGeometry, x: number, y: number): boolean {
  const dx = x - s.apexX;
  const dy = y - s.apexY;
  if (dy <= 0) return false;
  if (dx * dx + dy * dy > s.radiusPx * s.radiusPx) return false;
  return Math.abs(Math.atan2(dx, dy)) <= s.halfAngleRad;
}

/** 1 inside the sector, 0 outside, row-major. */
export function sectorMask(g: ImageGeometry): Uint8Array {
  const m = new Uint8Array(g.width * g.height);
  for (let j = 0; j < g.height; j++) {
    for (let i = 0; i < g.width; i++) if (insideSector(g.sector, i + 0.5, j + 0.5)) m[j * g.width + i] = 1;
  }
  return m;
}
