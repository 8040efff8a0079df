// Fills dst with one value (params: [count, value bits]), or, in pattern mode, writes a dense
// index pattern [input, output, kernel] (params: [count = output*kernel, 0, input, output, kernel,
// stride, dilation, padLeft]) into a buffer that was cleared first.
// The host replaces ELEMENT with f32 or f16 (and adds `enable f16;` for the latter).

alias T = ELEMENT;

@group(0) @binding(0) var<storage, read_write> dst: array<T>;
@group(0) @binding(1) var<storage, read> q: array<i32>;

@compute @workgroup_size(256)
fn fill(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) groups: vec3u) {
    let index = gid.x + gid.y * groups.x * 256u;
    if (index < u32(q[0])) {
        dst[index] = T(bitcast<f32>(q[1]));
    }
}

@compute @workgroup_size(256)
fn pattern(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) groups: vec3u) {
    let index = gid.x + gid.y * groups.x * 256u;
    if (index >= u32(q[0])) {
        return;
    }
    let output = q[3];
    let kernel = q[4];
    let o = i32(index) / kernel;
    let k = i32(index) % kernel;
    let i = q[5] * o + q[6] * k - q[7];
    if (i >= 0 && i < q[2]) {
        dst[(i * output + o) * kernel + k] = T(1.0);
    }
}
