// The affine gather-reduce: one invocation per element of dst. It decodes its output
// coordinates, then walks the summed coordinates with an odometer, keeping the source address and
// each constraint's numerator up to date incrementally. A constraint solves a pattern's equation
// i = S*o + D*k - Pl for one index; a point where it has no exact, in-range solution adds nothing.
// Parameters (i32): [outRank, sumRank, constraints, srcOffset, outCount, sumCount, accumulate,
// scale bits], then the shape (out, then summed), the source strides, and per constraint
// [base, divisor, size, check, srcStride, coefficients...].
// The host replaces ELEMENT with f32 or f16 (and adds `enable f16;` for the latter).

alias T = ELEMENT;

@group(0) @binding(0) var<storage, read> src: array<T>;
@group(0) @binding(1) var<storage, read_write> dst: array<T>;
@group(0) @binding(2) var<storage, read> q: array<i32>;

const MAX_RANK: u32 = 16u;
const MAX_CONSTRAINTS: u32 = 8u;

@compute @workgroup_size(256)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) groups: vec3u) {
    let index = gid.x + gid.y * groups.x * 256u;
    let outCount = u32(q[4]);
    if (index >= outCount) {
        return;
    }
    let outRank = u32(q[0]);
    let rank = outRank + u32(q[1]);
    let count = u32(q[2]);
    let shapeAt = 8u;
    let strideAt = shapeAt + rank;
    let constraintAt = strideAt + rank;
    let constraintLength = 5u + rank;

    var coords: array<i32, MAX_RANK>;
    var offset = q[3];
    var rest = index;
    for (var axis = i32(outRank) - 1; axis >= 0; axis--) {
        let size = u32(q[shapeAt + u32(axis)]);
        coords[axis] = i32(rest % size);
        rest = rest / size;
        offset += coords[axis] * q[strideAt + u32(axis)];
    }
    var numerators: array<i32, MAX_CONSTRAINTS>;
    for (var m = 0u; m < count; m++) {
        let at = constraintAt + m * constraintLength;
        var value = q[at];
        for (var axis = 0u; axis < outRank; axis++) {
            value += q[at + 5u + axis] * coords[axis];
        }
        numerators[m] = value;
    }

    var sum = 0.0;
    let sumCount = u32(q[5]);
    for (var point = 0u; point < sumCount; point++) {
        var address = offset;
        var valid = true;
        for (var m = 0u; m < count; m++) {
            let at = constraintAt + m * constraintLength;
            let numerator = numerators[m];
            let divisor = q[at + 1u];
            let value = numerator / divisor;
            let check = q[at + 3u];
            if (numerator < 0 || value * divisor != numerator || value >= q[at + 2u]) {
                valid = false;
                break;
            }
            if (check >= 0 && value != coords[check]) {
                valid = false;
                break;
            }
            address += value * q[at + 4u];
        }
        if (valid) {
            sum += f32(src[u32(address)]);
        }
        for (var axis = i32(rank) - 1; axis >= i32(outRank); axis--) {
            let a = u32(axis);
            coords[axis] += 1;
            offset += q[strideAt + a];
            for (var m = 0u; m < count; m++) {
                numerators[m] += q[constraintAt + m * constraintLength + 5u + a];
            }
            let size = q[shapeAt + a];
            if (coords[axis] < size) {
                break;
            }
            coords[axis] = 0;
            offset -= q[strideAt + a] * size;
            for (var m = 0u; m < count; m++) {
                numerators[m] -= q[constraintAt + m * constraintLength + 5u + a] * size;
            }
        }
    }
    var previous = 0.0;
    if (q[6] != 0) {
        previous = f32(dst[index]);
    }
    dst[index] = T(previous + bitcast<f32>(q[7]) * sum);
}
