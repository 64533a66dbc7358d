//! A parallel map over indexes for dedup's per-post work (keys, sketches, anchors).
//!
//! Written by hand because it is all dedup needs: scoped threads over `0..n`, handed out in
//! small blocks so that uneven posts (a few very long bodies) do not leave a core idle, and
//! results in index order. No thread pool crate is a dependency of this project.

use std::sync::atomic::{AtomicUsize, Ordering};

/// Indexes a thread takes at a time.
const BLOCK: usize = 32;
/// Below this many indexes the work runs on the calling thread.
const SERIAL_BELOW: usize = 256;

/// `(0..n).map(f).collect()`, computed on all available cores (at most 16).
pub(crate) fn par_map<T, F>(n: usize, f: F) -> Vec<T>
where
    T: Send,
    F: Fn(usize) -> T + Sync,
{
    let threads = std::thread::available_parallelism().map_or(1, |t| t.get()).min(16);
    if n < SERIAL_BELOW || threads == 1 {
        return (0..n).map(f).collect();
    }
    let next = AtomicUsize::new(0);
    let work = || {
        let mut done: Vec<(usize, Vec<T>)> = Vec::new();
        loop {
            let start = next.fetch_add(BLOCK, Ordering::Relaxed);
            if start >= n {
                return done;
            }
            done.push((start, (start..(start + BLOCK).min(n)).map(&f).collect()));
        }
    };
    let mut blocks: Vec<(usize, Vec<T>)> = std::thread::scope(|scope| {
        let others: Vec<_> = (1..threads).map(|_| scope.spawn(work)).collect();
        let mut all = work();
        for t in others {
            all.extend(t.join().unwrap_or_else(|e| std::panic::resume_unwind(e)));
        }
        all
    });
    blocks.sort_unstable_by_key(|b| b.0);
    let mut out = Vec::with_capacity(n);
    for (_, b) in blocks {
        out.extend(b);
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn keeps_index_order() {
        for n in [0, 1, 255, 256, 1000, 4099] {
            assert_eq!(super::par_map(n, |i| i * 3), (0..n).map(|i| i * 3).collect::<Vec<_>>());
        }
    }
}
