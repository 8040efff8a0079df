/** Readable reasons for file-system errors ("no such file or directory", not a bare ENOENT). */

/** Why reading (or, with `writing`, writing) a file failed, in words. */
export function describeFileError(error: unknown, writing = false): string {
    const code = (error as { code?: string } | undefined)?.code;
    if (code === 'ENOENT') return writing ? 'no such directory' : 'no such file or directory';
    if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
    if (code === 'EISDIR') return 'is a directory';
    if (code === 'ENOTDIR') return 'a part of the path is not a directory';
    if (code === 'ENOSPC') return 'no space left on the device';
    if (code === 'EROFS') return 'read-only file system';
    return error instanceof Error ? error.message : String(error);
}
