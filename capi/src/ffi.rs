//! Turning the caller's (pointer, length) pairs into slices, with the checks that can be
//! made: NULL, alignment, size, overlap.

use core::ffi::c_char;

/// The largest length a slice may have (`slice::from_raw_parts` requires the total size to
/// be at most `isize::MAX`).
const MAX_SLICE_BYTES: usize = isize::MAX.unsigned_abs();

/// The bytes at `ptr`; `None` for a NULL pointer with a non-zero length. A zero length gives
/// an empty slice whatever the pointer.
///
/// # Safety
/// When `len` is non-zero and `ptr` non-NULL, `ptr` is valid for reads of `len` bytes that
/// nothing writes to for `'a`.
pub(crate) unsafe fn bytes<'a>(ptr: *const c_char, len: usize) -> Option<&'a [u8]> {
    if len == 0 {
        return Some(&[]);
    }
    if ptr.is_null() || len > MAX_SLICE_BYTES {
        return None;
    }
    // SAFETY: non-NULL (checked), `u8` has alignment 1, size within `isize::MAX` (checked),
    // readable and not written for `'a` (the caller's promise).
    Some(unsafe { core::slice::from_raw_parts(ptr.cast::<u8>(), len) })
}

/// Like [`bytes`], writable.
///
/// # Safety
/// When `len` is non-zero and `ptr` non-NULL, `ptr` is valid for reads and writes of `len`
/// bytes that nothing else reads or writes for `'a`.
pub(crate) unsafe fn bytes_mut<'a>(ptr: *mut u8, len: usize) -> Option<&'a mut [u8]> {
    if len == 0 {
        return Some(&mut []);
    }
    if ptr.is_null() || len > MAX_SLICE_BYTES {
        return None;
    }
    // SAFETY: non-NULL (checked), alignment 1, size within `isize::MAX` (checked), valid
    // and unaliased for `'a` (the caller's promise).
    Some(unsafe { core::slice::from_raw_parts_mut(ptr, len) })
}

/// `len` values of `T` at `ptr`; `None` for NULL with a non-zero length or a misaligned
/// pointer.
///
/// # Safety
/// When `len` is non-zero and `ptr` non-NULL, `ptr` is valid for reads of `len` values
/// that nothing writes to for `'a`.
pub(crate) unsafe fn slice<'a, T>(ptr: *const T, len: usize) -> Option<&'a [T]> {
    if len == 0 {
        return Some(&[]);
    }
    let size = len.checked_mul(core::mem::size_of::<T>())?;
    if ptr.is_null() || !ptr.is_aligned() || size > MAX_SLICE_BYTES {
        return None;
    }
    // SAFETY: non-NULL, aligned, total size within `isize::MAX` (all checked), readable
    // for `'a` (the caller's promise).
    Some(unsafe { core::slice::from_raw_parts(ptr, len) })
}

/// The address range `[start, end)` of `len` bytes at `ptr`; empty for NULL.
pub(crate) fn range<T>(ptr: *const T, len: usize) -> (usize, usize) {
    if ptr.is_null() {
        return (0, 0);
    }
    let start = ptr.addr();
    (start, start.saturating_add(len))
}

/// Whether two non-empty address ranges share a byte.
pub(crate) fn overlaps(a: (usize, usize), b: (usize, usize)) -> bool {
    a.0 < a.1 && b.0 < b.1 && a.0 < b.1 && b.0 < a.1
}

#[cfg(test)]
mod tests {
    use super::overlaps;

    #[test]
    fn overlap() {
        assert!(overlaps((0, 10), (9, 20)));
        assert!(overlaps((5, 6), (0, 10)));
        assert!(!overlaps((0, 10), (10, 20)));
        assert!(!overlaps((0, 0), (0, 10)));
    }
}
