//! The discrete-event core: simulated time, the event queue, per-entity random streams.
//! Nothing here does I/O or reads the wall clock.
//!
//! Time is an integer count of milliseconds ([`SimTime`]). The queue orders events by
//! `(time, sequence)`: simultaneous events fire in the order they were scheduled (FIFO), which
//! makes every run deterministic. Cancelling is free: an event carries the generation of the
//! entity it concerns, and a handler skips an event whose generation is stale.

pub mod rng;

use std::cmp::Reverse;

/// Simulated time in milliseconds since the scenario start.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct SimTime(pub u64);

impl SimTime {
    /// From seconds (rounded to the millisecond; negative or NaN become 0).
    pub fn from_secs(s: f64) -> SimTime {
        SimTime(ms(s))
    }
    /// As seconds.
    pub fn secs(self) -> f64 {
        self.0 as f64 / 1000.0
    }
    /// `self + d` milliseconds.
    pub fn plus(self, d: u64) -> SimTime {
        SimTime(self.0.saturating_add(d))
    }
}

/// Seconds to whole milliseconds (negative or NaN become 0).
pub fn ms(s: f64) -> u64 {
    if s.is_finite() && s > 0.0 {
        // Round half up (s > 0): the same as `round` without the libm call.
        (s * 1000.0 + 0.5) as u64
    } else {
        0
    }
}

/// A min-queue of `(time, E)` with FIFO order among equal times.
///
/// Entries are ordered by one `u128` key alone, `time << 64 | sequence` (the sequence
/// number of the push: FIFO among equal times); the payload never takes part, so a
/// comparison is one integer compare.
#[derive(Debug)]
pub struct EventQueue<E> {
    heap: std::collections::BinaryHeap<Entry<E>>,
    seq: u64,
}

#[derive(Debug)]
struct Entry<E> {
    key: Reverse<u128>,
    event: E,
}

impl<E> PartialEq for Entry<E> {
    fn eq(&self, other: &Self) -> bool {
        self.key == other.key
    }
}
impl<E> Eq for Entry<E> {}
impl<E> PartialOrd for Entry<E> {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}
impl<E> Ord for Entry<E> {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.key.cmp(&other.key)
    }
}

impl<E> Default for EventQueue<E> {
    fn default() -> Self {
        EventQueue {
            heap: std::collections::BinaryHeap::new(),
            seq: 0,
        }
    }
}

impl<E> EventQueue<E> {
    /// Schedule `event` at `at`.
    pub fn push(&mut self, at: SimTime, event: E) {
        self.seq += 1;
        self.heap.push(Entry {
            key: Reverse((u128::from(at.0) << 64) | u128::from(self.seq)),
            event,
        });
    }
    /// The earliest event (FIFO among equal times).
    pub fn pop(&mut self) -> Option<(SimTime, E)> {
        let e = self.heap.pop()?;
        Some((SimTime((e.key.0 >> 64) as u64), e.event))
    }
    /// Events pending.
    pub fn len(&self) -> usize {
        self.heap.len()
    }
    /// No events pending.
    pub fn is_empty(&self) -> bool {
        self.heap.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equal_times_fire_in_insertion_order() {
        let mut q = EventQueue::default();
        q.push(SimTime(5), 3u8);
        q.push(SimTime(1), 9u8);
        q.push(SimTime(5), 1u8);
        q.push(SimTime(5), 2u8);
        let order: Vec<u8> = std::iter::from_fn(|| q.pop().map(|(_, e)| e)).collect();
        assert_eq!(order, vec![9, 3, 1, 2]);
    }
}
