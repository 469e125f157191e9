/** The tool preview drawn over the image: the brush footprint under the pointer, and the lasso path so far. */
import { snapToGrid, type BrushTip, type Point } from '../../../shared/labels/brush.ts';
import type { PreviewPainter } from './label-layer.ts';

export interface PreviewSpec {
  tool: 'brush' | 'eraser' | 'lasso' | 'fill';
  hover: Point | null;
  lasso: Point[] | null;
  size: number;
  tip: BrushTip;
  color: string;
}

export function paintPreview(p: PreviewSpec): PreviewPainter {
  return (ctx, px) => {
    ctx.lineWidth = 1.5 * px;
    ctx.strokeStyle = p.color;
    if ((p.tool === 'brush' || p.tool === 'eraser') && p.hover) {
      const c = snapToGrid(p.hover, p.size);
      const r = p.size / 2;
      ctx.beginPath();
      if (p.tip === 'round') ctx.arc(c.x, c.y, r, 0, 2 * Math.PI);
      else ctx.rect(c.x - r, c.y - r, p.size, p.size);
      // A dark halo keeps the outline visible on bright tissue.
      ctx.save();
      ctx.strokeStyle = 'rgba(0,0,0,0.6)';
      ctx.lineWidth = 3 * px;
      ctx.stroke();
      ctx.restore();
      ctx.stroke();
    }
    if (p.tool === 'lasso' && p.lasso && p.lasso.length) {
      ctx.beginPath();
      ctx.moveTo(p.lasso[0].x, p.lasso[0].y);
      for (const q of p.lasso) ctx.lineTo(q.x, q.y);
      if (p.hover) ctx.lineTo(p.hover.x, p.hover.y);
      ctx.setLineDash([4 * px, 3 * px]);
      ctx.stroke();
      ctx.setLineDash([]);
    }
    if (p.tool === 'fill' && p.hover) {
      const x = Math.floor(p.hover.x);
      const y = Math.floor(p.hover.y);
      ctx.strokeRect(x, y, 1, 1);
    }
  };
}
