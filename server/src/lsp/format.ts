/** How numbers read in hovers, hints and lenses: exact counts with a short form, bytes in IEC units. */

const PREFIXES = ['', 'k', 'M', 'G', 'T', 'P', 'E'];

/** `3.54 M` for 3,538,944; small counts stay exact. */
export function shortCount(value: number): string {
    if (!Number.isFinite(value)) return String(value);
    if (Math.abs(value) < 1000)
        return Number.isInteger(value) ? String(value) : value.toPrecision(3);
    let scaled = value;
    let prefix = 0;
    while (Math.abs(scaled) >= 1000 && prefix < PREFIXES.length - 1) {
        scaled /= 1000;
        prefix++;
    }
    return `${scaled.toPrecision(3)} ${PREFIXES[prefix]}`;
}

/** `3,538,944`: digits grouped by thousands (without Intl, which is slow to start per call). */
export function exactCount(value: number): string {
    if (!Number.isSafeInteger(value)) return value.toExponential(3);
    const digits = String(Math.abs(value)).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
    return value < 0 ? `-${digits}` : digits;
}

const BYTE_UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];

export function bytes(value: number): string {
    let scaled = value;
    let unit = 0;
    while (scaled >= 1024 && unit < BYTE_UNITS.length - 1) {
        scaled /= 1024;
        unit++;
    }
    return unit === 0 ? `${value} B` : `${scaled.toPrecision(3)} ${BYTE_UNITS[unit]}`;
}

export function ratio(value: number): string {
    if (!Number.isFinite(value)) return '∞×';
    return value >= 100 ? `${Math.round(value)}×` : `${value.toPrecision(3)}×`;
}

export function shapeText(shape: readonly number[]): string {
    return `[${shape.join(', ')}]`;
}
