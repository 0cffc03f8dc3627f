//! Unpredictable bytes for tokens and activity-ID prefixes, from the OS.

use std::time::{SystemTime, UNIX_EPOCH};

/// `N` bytes from the OS's random source. Should the OS refuse, std's per-process random
/// hash keys and the clock still make the bytes unpredictable from outside.
pub fn random_bytes<const N: usize>() -> [u8; N] {
    let mut bytes = [0u8; N];
    if getrandom::fill(&mut bytes).is_err() {
        use std::hash::{BuildHasher, Hasher};
        let state = std::collections::hash_map::RandomState::new();
        for (i, chunk) in bytes.chunks_mut(8).enumerate() {
            let mut hasher = state.build_hasher();
            hasher.write_usize(i);
            hasher.write_u128(
                SystemTime::now()
                    .duration_since(UNIX_EPOCH)
                    .map(|t| t.as_nanos())
                    .unwrap_or(0),
            );
            let word = hasher.finish().to_le_bytes();
            chunk.copy_from_slice(&word[..chunk.len()]);
        }
    }
    bytes
}

#[cfg(test)]
mod tests {
    #[test]
    fn bytes_differ_between_calls() {
        assert_ne!(super::random_bytes::<16>(), super::random_bytes::<16>());
    }
}
