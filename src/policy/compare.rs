//! String comparisons for the evaluation hot path.
//!
//! In wasm, `==` on strings and `starts_with` end in compiler-builtins'
//! `memcmp`, which compares one byte at a time and was a fifth of an
//! evaluation's time; these compare eight bytes at a time instead. Natively
//! they are at least as fast for the short strings policies hold.

/// Whether `a` and `b` hold the same bytes.
#[inline]
pub fn same_bytes(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let (mut a_words, mut b_words) = (a.chunks_exact(8), b.chunks_exact(8));
    for (x, y) in a_words.by_ref().zip(b_words.by_ref()) {
        if word(x) != word(y) {
            return false;
        }
    }
    a_words.remainder().iter().zip(b_words.remainder()).all(|(x, y)| x == y)
}

/// Eight bytes as one integer (`chunks_exact(8)` only hands out eight).
#[inline]
fn word(chunk: &[u8]) -> u64 {
    <[u8; 8]>::try_from(chunk).map_or(0, u64::from_ne_bytes)
}

/// `a.eq_ignore_ascii_case(b)`: equal words are taken eight bytes at a
/// time (keys are usually spelled alike), only differing ones byte by byte.
#[inline]
pub fn same_ignore_ascii_case(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    let (mut a_words, mut b_words) = (a.chunks_exact(8), b.chunks_exact(8));
    for (x, y) in a_words.by_ref().zip(b_words.by_ref()) {
        if word(x) != word(y) && !x.eq_ignore_ascii_case(y) {
            return false;
        }
    }
    a_words.remainder().eq_ignore_ascii_case(b_words.remainder())
}

/// `a == b`.
#[inline]
pub fn same(a: &str, b: &str) -> bool {
    same_bytes(a.as_bytes(), b.as_bytes())
}

/// `text.contains(needle)`, without building a substring searcher (costly
/// to set up for one short search): candidates are found by the needle's
/// first byte, then compared.
pub fn contains(text: &str, needle: &str) -> bool {
    let (text, needle) = (text.as_bytes(), needle.as_bytes());
    let Some(&first) = needle.first() else { return true };
    let Some(last_start) = text.len().checked_sub(needle.len()) else { return false };
    (0..=last_start).any(|i| {
        text.get(i) == Some(&first) && text.get(i..i + needle.len()).is_some_and(|window| same_bytes(window, needle))
    })
}

/// `text.starts_with(prefix)`.
#[inline]
pub fn starts_with(text: &str, prefix: &str) -> bool {
    text.as_bytes().get(..prefix.len()).is_some_and(|head| same_bytes(head, prefix.as_bytes()))
}

/// `text.strip_prefix(prefix)`.
#[inline]
pub fn strip_prefix<'t>(text: &'t str, prefix: &str) -> Option<&'t str> {
    if starts_with(text, prefix) {
        text.get(prefix.len()..)
    } else {
        None
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]
mod tests {
    use super::*;

    #[test]
    fn agree_with_std() {
        let samples =
            ["", "a", "arn:aws:kms", "arn:aws:kms:us-east-1:111122223333:key/k", "arn:aws:kms:us-east-1:1", "é日本"];
        for a in samples {
            for b in samples {
                assert_eq!(same(a, b), a == b, "{a} == {b}");
                assert_eq!(starts_with(a, b), a.starts_with(b), "{a} starts with {b}");
                assert_eq!(strip_prefix(a, b), a.strip_prefix(b), "{a} strip {b}");
                assert_eq!(contains(a, b), a.contains(b), "{a} contains {b}");
                assert_eq!(same_ignore_ascii_case(a, b), a.eq_ignore_ascii_case(b), "{a} ~ {b}");
                let upper = a.to_ascii_uppercase();
                assert_eq!(same_ignore_ascii_case(&upper, b), upper.eq_ignore_ascii_case(b), "{upper} ~ {b}");
            }
        }
        // A difference in each position of a long string.
        let base = "arn:aws:secretsmanager:us-east-1:111122223333:secret:shared-AbCdEf";
        for i in 0..base.len() {
            let mut changed = base.as_bytes().to_vec();
            changed[i] ^= 1;
            assert!(!same_bytes(base.as_bytes(), &changed), "position {i}");
        }
    }
}
