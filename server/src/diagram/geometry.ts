/** Plane geometry for the diagram: points, boxes, overlap tests and text size estimates. */

export interface Point {
    x: number;
    y: number;
}

/** An axis-aligned box by its top-left corner. */
export interface Box {
    x: number;
    y: number;
    width: number;
    height: number;
}

/**
 * Labels are set in a monospace face, so their width follows from the character count.
 * FIXME: a system without any of the stylesheet's monospace faces may fall back to one wider than
 * 0.62 em per character; labels are then measured too small and may touch.
 */
export const LABEL_FONT_SIZE = 11;
export const NODE_FONT_SIZE = 13;
const CHAR_WIDTH_EM = 0.62;

export function textWidth(text: string, fontSize: number): number {
    return [...text].length * fontSize * CHAR_WIDTH_EM;
}

export function boxAround(center: Point, width: number, height: number): Box {
    return { x: center.x - width / 2, y: center.y - height / 2, width, height };
}

export function overlaps(a: Box, b: Box, margin = 0): boolean {
    return (
        a.x < b.x + b.width + margin &&
        b.x < a.x + a.width + margin &&
        a.y < b.y + b.height + margin &&
        b.y < a.y + a.height + margin
    );
}

export function unionBox(boxes: readonly Box[]): Box {
    if (boxes.length === 0) return { x: 0, y: 0, width: 0, height: 0 };
    let left = Infinity;
    let top = Infinity;
    let right = -Infinity;
    let bottom = -Infinity;
    for (const box of boxes) {
        left = Math.min(left, box.x);
        top = Math.min(top, box.y);
        right = Math.max(right, box.x + box.width);
        bottom = Math.max(bottom, box.y + box.height);
    }
    return { x: left, y: top, width: right - left, height: bottom - top };
}

/**
 * How far from a box's centre a ray in direction (dx, dy) leaves the box; used to end an edge at
 * the border of the node it meets.
 */
export function rayExit(width: number, height: number, dx: number, dy: number): number {
    const length = Math.hypot(dx, dy);
    if (length === 0) return 0;
    const ux = Math.abs(dx / length);
    const uy = Math.abs(dy / length);
    const tx = ux > 1e-9 ? width / 2 / ux : Infinity;
    const ty = uy > 1e-9 ? height / 2 / uy : Infinity;
    return Math.min(tx, ty);
}

/** A point of the quadratic Bézier curve from `a` through control `c` to `b`. */
export function quadraticPoint(a: Point, c: Point, b: Point, t: number): Point {
    const u = 1 - t;
    return {
        x: u * u * a.x + 2 * u * t * c.x + t * t * b.x,
        y: u * u * a.y + 2 * u * t * c.y + t * t * b.y,
    };
}

/** The unit tangent of that curve at `t`. */
export function quadraticTangent(a: Point, c: Point, b: Point, t: number): Point {
    const x = 2 * (1 - t) * (c.x - a.x) + 2 * t * (b.x - c.x);
    const y = 2 * (1 - t) * (c.y - a.y) + 2 * t * (b.y - c.y);
    const length = Math.hypot(x, y) || 1;
    return { x: x / length, y: y / length };
}

export function round(value: number): number {
    return Math.round(value * 10) / 10;
}
