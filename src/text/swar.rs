//! Byte-parallel tests on eight bytes held in a `u64` ("SWAR"): the tokenizer, the
//! duplicate key and the entity trie classify text eight bytes at a time with these, so
//! the arithmetic (and its no-carry precondition) lives in one place.

/// `0x01` in every byte.
pub const LOW: u64 = 0x0101_0101_0101_0101;
/// `0x80` (bit 7) in every byte.
pub const HIGH: u64 = 0x8080_8080_8080_8080;

/// Bit 7 of each byte of `y` that is `>= k`. Every byte of `y` must be below 0x80 (clear
/// bit 7 first: `x & !HIGH`), so that adding `0x80 - k` never carries into the next byte.
#[inline(always)]
pub fn at_least(y: u64, k: u8) -> u64 {
    y.wrapping_add(LOW * u64::from(0x80 - k)) & HIGH
}

/// Bit 7 of each byte of `y` within `lo..=hi` (same precondition as [`at_least`];
/// `hi < 0x7f`).
#[inline(always)]
pub fn in_range(y: u64, lo: u8, hi: u8) -> u64 {
    at_least(y, lo) & !at_least(y, hi + 1)
}

/// Bit 7 of each byte of `x` that equals `b` (any bytes; exact: no borrow runs between
/// bytes, unlike the classic `(v - LOW) & !v` test).
#[inline(always)]
pub fn lanes_equal(x: u64, b: u8) -> u64 {
    const LOW7: u64 = !HIGH;
    let v = x ^ (LOW * u64::from(b));
    // Bit 7 of `(v & 0x7f) + 0x7f` is set when the low 7 bits are not all zero.
    !(((v & LOW7).wrapping_add(LOW7)) | v) & HIGH
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each test against the byte-by-byte answer, for every byte value in every lane,
    /// next to lanes that would carry or borrow into it.
    #[test]
    fn lane_tests_match_bytewise() {
        for b in 0..=255u8 {
            for lane in 0..8 {
                for fill in [0x00u8, 0x7f, 0x80, 0xff, 0x41] {
                    let mut bytes = [fill; 8];
                    bytes[lane] = b;
                    let x = u64::from_le_bytes(bytes);
                    let y = x & !HIGH;
                    let bit = |f: &dyn Fn(u8) -> bool, bytes: [u8; 8]| -> u64 {
                        bytes
                            .iter()
                            .enumerate()
                            .filter(|(_, &c)| f(c))
                            .map(|(i, _)| 0x80u64 << (8 * i))
                            .sum()
                    };
                    let ybytes = y.to_le_bytes();
                    for k in [0u8, 0x09, 0x20, 0x30, 0x41, 0x7b, 0x7f] {
                        assert_eq!(at_least(y, k), bit(&|c| c >= k, ybytes), "{x:#x} {k}");
                    }
                    assert_eq!(
                        in_range(y, b'a', b'z'),
                        bit(&|c| c.is_ascii_lowercase(), ybytes)
                    );
                    for e in [0x00u8, 0x17, 0xc3, b] {
                        assert_eq!(lanes_equal(x, e), bit(&|c| c == e, bytes), "{x:#x} {e}");
                    }
                }
            }
        }
    }
}
