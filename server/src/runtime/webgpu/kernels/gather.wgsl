// The affine gather-reduce: one invocation per element of dst. It decodes its output
// coordinates, then walks the summed coordinates with an odometer, keeping the source address and
// each constraint's numerator up to date incrementally. A constraint solves a pattern's equation
// i = S*o + D*k - Pl for one index; a point where it has no exact, in-range solution adds nothing.
//
// Each step gets its own pipeline: the host prepends its geometry as constants, so that the
// compiler can unroll the loops and fold the divisions:
//   OUT_RANK, RANK, COUNT: u32 (ranks of the output and of all free coordinates; constraints)
//   OUT_COUNT, SUM_COUNT: u32; SRC_OFFSET: i32; ACCUMULATE: bool; SCALE: f32
//   SHAPE, STRIDES: array<i32, RANK_SLOTS> (out coordinates, then summed ones)
//   BASES, DIVISORS, LIMITS, CHECKS, SOLVED_STRIDES: array<i32, COUNT_SLOTS>
//   COEFS: array<i32, COUNT_SLOTS * RANK_SLOTS> (constraint-major)
// and replaces ELEMENT with f32 or f16 (adding `enable f16;` for the latter).

alias T = ELEMENT;

@group(0) @binding(0) var<storage, read> src: array<T>;
@group(0) @binding(1) var<storage, read_write> dst: array<T>;

@compute @workgroup_size(256)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) groups: vec3u) {
    let index = gid.x + gid.y * groups.x * 256u;
    if (index >= OUT_COUNT) {
        return;
    }
    var shape = SHAPE;
    var strides = STRIDES;
    var coefs = COEFS;
    var bases = BASES;
    var divisors = DIVISORS;
    var limits = LIMITS;
    var checks = CHECKS;
    var solved = SOLVED_STRIDES;

    var coords: array<i32, RANK_SLOTS>;
    var offset = SRC_OFFSET;
    var rest = index;
    for (var axis = i32(OUT_RANK) - 1; axis >= 0; axis--) {
        let size = u32(shape[axis]);
        coords[axis] = i32(rest % size);
        rest = rest / size;
        offset += coords[axis] * strides[axis];
    }
    var numerators: array<i32, COUNT_SLOTS>;
    for (var m = 0u; m < COUNT; m++) {
        var value = bases[m];
        for (var axis = 0u; axis < OUT_RANK; axis++) {
            value += coefs[m * RANK_SLOTS + axis] * coords[axis];
        }
        numerators[m] = value;
    }

    var sum = 0.0;
    for (var point = 0u; point < SUM_COUNT; point++) {
        var address = offset;
        var valid = true;
        for (var m = 0u; m < COUNT; m++) {
            let numerator = numerators[m];
            let divisor = divisors[m];
            let value = numerator / divisor;
            if (numerator < 0 || value * divisor != numerator || value >= limits[m]) {
                valid = false;
                break;
            }
            if (checks[m] >= 0 && value != coords[checks[m]]) {
                valid = false;
                break;
            }
            address += value * solved[m];
        }
        if (valid) {
            sum += f32(src[u32(address)]);
        }
        for (var axis = i32(RANK) - 1; axis >= i32(OUT_RANK); axis--) {
            coords[axis] += 1;
            offset += strides[axis];
            for (var m = 0u; m < COUNT; m++) {
                numerators[m] += coefs[m * RANK_SLOTS + u32(axis)];
            }
            let size = shape[axis];
            if (coords[axis] < size) {
                break;
            }
            coords[axis] = 0;
            offset -= strides[axis] * size;
            for (var m = 0u; m < COUNT; m++) {
                numerators[m] -= coefs[m * RANK_SLOTS + u32(axis)] * size;
            }
        }
    }
    var previous = 0.0;
    if (ACCUMULATE) {
        previous = f32(dst[index]);
    }
    dst[index] = T(previous + SCALE * sum);
}
